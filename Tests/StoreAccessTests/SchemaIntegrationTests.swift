import Foundation
import StoreTestSupport
import Testing
@testable import StoreAccess

@Suite struct SchemaIntegrationTests {
    @Test func migratesOnceAndIsIdempotent() throws {
        let server = try TestServer.current()
        let schema = TestServer.freshSchemaName()
        defer { server.dropSchema(schema) }
        let s1 = try server.store(schema: schema)
        s1.close()
        let s2 = try server.store(schema: schema)
        s2.close()
        let v = try server.admin(SQL(unsafeRaw: "SELECT array_agg(version ORDER BY version)::text FROM \"\(schema)\".schema_version"))
        #expect(v.first?[0] == "{" + (1...StoreSchema.currentVersion).map(String.init).joined(separator: ",") + "}")
    }

    @Test func tenConcurrentProcessesEndWithOneCorrectSchema() throws {
        let server = try TestServer.current()
        let schema = TestServer.freshSchemaName("conc")
        defer { server.dropSchema(schema) }
        let exe = TestServer.builtProduct("storeaccess-testproc")
        let results = LockedBox<[String]>([])
        let g = DispatchGroup()
        for _ in 0..<10 {
            g.enter()
            Thread.detachNewThread {
                let r = try? runProcess(exe, ["migrate", server.dsn, schema])
                results.update { $0.append(r.map { "\($0.status) \($0.out.trimmingCharacters(in: .whitespacesAndNewlines)) \($0.err)" } ?? "spawn failed") }
                g.leave()
            }
        }
        g.wait()
        let all = results.get()
        #expect(all.count == 10)
        for r in all { #expect(r.hasPrefix("0 version \(StoreSchema.currentVersion)"), "\(r)") }
        let count = try server.admin(SQL(unsafeRaw: "SELECT count(*), count(DISTINCT version) FROM \"\(schema)\".schema_version"))
        #expect(count.first?[0] == String(StoreSchema.currentVersion))
        #expect(count.first?[1] == String(StoreSchema.currentVersion))
    }

    @Test func newerSchemaIsRefused() throws {
        let server = try TestServer.current()
        let schema = TestServer.freshSchemaName()
        defer { server.dropSchema(schema) }
        try server.store(schema: schema).close()
        try server.admin(SQL(unsafeRaw: "INSERT INTO \"\(schema)\".schema_version (version, library) VALUES (999, 'future')"))
        do {
            _ = try server.store(schema: schema)
            Issue.record("a newer schema was accepted")
        } catch let e as StoreError {
            #expect(e.code == .schemaTooNew)
            #expect(e.message.contains("999"))
        }
        // validation without migrating says the same
        var o = server.storeOptions(schema: schema)
        o.migrate = false
        #expect(throws: StoreError.self) { try Store.connect(server.dsn, service: "t", options: o) }
    }

    @Test func missingSchemaWithoutMigrateIsAClearError() throws {
        let server = try TestServer.current()
        var o = server.storeOptions(schema: "never_created_here")
        o.migrate = false
        do {
            _ = try Store.connect(server.dsn, service: "t", options: o)
            Issue.record("connected without a schema")
        } catch let e as StoreError {
            #expect(e.code == .schemaMissing)
            #expect(e.message.contains("never_created_here"))
        }
    }

    @Test func invalidSchemaNameIsRejectedBeforeConnecting() {
        var o = Store.Options()
        o.schema = "bad;name"
        do {
            _ = try Store.connect("postgresql://u:pw@127.0.0.1:1/x", service: "t", options: o)
            Issue.record("accepted")
        } catch let e as StoreError {
            #expect(e.code == .invalidName)
        } catch { Issue.record("\(error)") }
    }

    @Test func roleWithoutCreatePrivilegeGetsAClearError() throws {
        let server = try TestServer.current()
        guard !server.nobodyDSN.isEmpty else { Issue.record("no nobody role"); return }
        var o = server.storeOptions(schema: TestServer.freshSchemaName())
        o.configure = { $0.reportInterval = nil }
        do {
            _ = try Store.connect(server.nobodyDSN, service: "t", options: o)
            Issue.record("a role without CREATE created a schema")
        } catch let e as StoreError {
            #expect(e.isPrivilegeError, "\(e)")
            #expect(!e.description.contains("nobody-secret-pw"))
        }
    }
}

@Suite struct BootstrapIntegrationTests {
    @Test func createsAMissingDatabaseAndConnects() throws {
        let server = try TestServer.current()
        let db = "boot_\(UInt32.random(in: 0...UInt32.max))"
        defer { _ = try? server.admin(SQL(unsafeRaw: "DROP DATABASE IF EXISTS \(db) WITH (FORCE)")) }
        // the admin connects over the socket, where it may create databases
        let store = try Store.bootstrap(serverDSN: server.adminDSN, database: db, service: "boot",
                                        options: server.storeOptions())
        let name = try store.pool.query("SELECT current_database()").first?[0]
        #expect(name == db)
        store.close()
        // a second bootstrap finds it and does not fail
        let again = try Store.bootstrap(serverDSN: server.adminDSN, database: db, service: "boot", options: server.storeOptions())
        again.close()
    }

    @Test func concurrentBootstrapsTolerateEachOther() throws {
        let server = try TestServer.current()
        let db = "bootc_\(UInt32.random(in: 0...UInt32.max))"
        defer { _ = try? server.admin(SQL(unsafeRaw: "DROP DATABASE IF EXISTS \(db) WITH (FORCE)")) }
        let errors = LockedBox<[String]>([])
        let g = DispatchGroup()
        let schema = TestServer.freshSchemaName()
        for _ in 0..<4 {
            g.enter()
            Thread.detachNewThread {
                do {
                    let s = try Store.bootstrap(serverDSN: server.adminDSN, database: db, service: "boot",
                                                options: server.storeOptions(schema: schema))
                    s.close()
                } catch { errors.update { $0.append("\(error)") } }
                g.leave()
            }
        }
        g.wait()
        #expect(errors.get() == [])
    }

    @Test(arguments: ["bad-name", "x; DROP DATABASE postgres", "1abc", "", "naïve", String(repeating: "d", count: 64)])
    func rejectsInvalidDatabaseNamesBeforeConnecting(_ name: String) {
        // the server DSN is unreachable: a name check that happened after connecting would report a connection error
        do {
            _ = try Store.bootstrap(serverDSN: "postgresql://u:pw@127.0.0.1:1/postgres", database: name, service: "boot")
            Issue.record("accepted \(name)")
        } catch let e as StoreError {
            #expect(e.code == .invalidName, "\(e)")
        } catch { Issue.record("\(error)") }
    }
}
