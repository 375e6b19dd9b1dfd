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
                results.update {
                    $0.append(r.map { "\($0.status) \($0.out.trimmingCharacters(in: .whitespacesAndNewlines)) \($0.err)" } ?? "spawn failed")
                }
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
        let store = try Store.bootstrap(
            serverDSN: server.adminDSN, database: db, service: "boot",
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
                    let s = try Store.bootstrap(
                        serverDSN: server.adminDSN, database: db, service: "boot",
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

/// Version 4: consumers record their first unhandled row when they move. A store left at version 3 by an older
/// library upgrades in place, and its existing consumers get the record on the way.
@Suite struct CursorNextMigrationTests {
    @Test func aVersion3StoreUpgradesAndBackfillsItsConsumers() throws {
        let server = try TestServer.current()
        let schema = TestServer.freshSchemaName("v3")
        defer { server.dropSchema(schema) }
        let q = "\"\(schema)\""
        let c = try Connection(try ConnectionString(server.directDSN))
        defer { c.close() }
        let s = try StoreSchema(schema)
        #expect(try s.migrate(on: c, upTo: 3) == .init(from: 0, to: 3))
        // what a version-3 library writes: events, an events consumer behind, one caught up, an outbox watcher behind
        for i in 1...5 { try c.query(SQL(unsafeRaw: "SELECT \(q).append('t1', 's\(i % 2)', -1, '[{\"type\":\"A\"}]')")) }
        try c.query(SQL(unsafeRaw: "SELECT \(q).append('t2', 'x', -1, '[{\"type\":\"B\"}]')"))
        for i in 1...4 { try c.query(SQL(unsafeRaw: "SELECT \(q).kv_set('t1', 'orders', 'k\(i)', '\\x01')")) }
        try c.query(SQL(unsafeRaw: "SELECT \(q).cursor_open('t1', 'behind', 'events', '[]', 'a', 'h', 1)"))
        try c.query(SQL(unsafeRaw: "SELECT \(q).cursor_advance('t1', 'behind', 2)"))
        try c.query(SQL(unsafeRaw: "SELECT \(q).cursor_open('t2', 'current', 'events', '[]', 'a', 'h', 1)"))
        try c.query(SQL(unsafeRaw: "SELECT \(q).cursor_advance('t2', 'current', 6)"))
        try c.query(SQL(unsafeRaw: "SELECT \(q).cursor_open('t1', 'ship', 'outbox', '{\"kind\":\"orders\"}', 'a', 'h', 1)"))
        let firstID = try c.query(SQL(unsafeRaw: "SELECT min(id) FROM \(q).outbox")).first!.decode(0, as: Int64.self)
        try c.query(SQL(unsafeRaw: "SELECT \(q).cursor_advance('t1', 'ship', \(firstID + 1))"))

        #expect(try s.migrate(on: c, upTo: StoreSchema.currentVersion) == .init(from: 3, to: StoreSchema.currentVersion))
        func row(_ name: String) throws -> Row {
            try c.query(
                SQL(unsafeRaw: "SELECT next_position, next_at, next_checked, next_pruned, next_after FROM \(q).cursors WHERE name = '\(name)'")
            ).first!
        }
        func firstEvent(_ tenant: String, after p: Int64) throws -> Row {
            try c.query(
                SQL(
                    unsafeRaw:
                        "SELECT position, recorded_at FROM \(q).events WHERE tenant = '\(tenant)' AND position > \(p) ORDER BY position LIMIT 1")
            ).first!
        }
        let behind = try row("behind"), want = try firstEvent("t1", after: 2)
        #expect(behind[0] == want[0] && behind[1] == want[1])
        #expect(behind[2] == "6")  // looked up to the safe position, the head here
        #expect(behind[4] == "2")  // made for position 2
        let current = try row("current")
        #expect(current[0] == nil && current[1] == nil && current[2] == "6")  // nothing unhandled up to 6
        let ship = try row("ship")
        let wantRow = try c.query(SQL(unsafeRaw: "SELECT id, at FROM \(q).outbox WHERE id > \(firstID + 1) ORDER BY id LIMIT 1")).first!
        #expect(ship[0] == wantRow[0] && ship[1] == wantRow[1] && ship[3] == "0")
        // moving again keeps the record current
        try c.query(SQL(unsafeRaw: "SELECT \(q).cursor_advance('t1', 'behind', 4)"))
        let moved = try row("behind"), want4 = try firstEvent("t1", after: 4)
        #expect(moved[0] == want4[0] && moved[1] == want4[1])
    }

    /// An append still in flight below the first visible row: the record must not skip it.
    @Test func theRecordNeverSkipsAnAppendStillInFlight() throws {
        let server = try TestServer.current()
        let schema = TestServer.freshSchemaName("inflight")
        defer { server.dropSchema(schema) }
        let q = "\"\(schema)\""
        let store = try server.store(schema: schema)
        defer { store.close() }
        let c = try Connection(try ConnectionString(server.directDSN))
        let held = try Connection(try ConnectionString(server.directDSN))
        defer { c.close(); held.close() }
        try c.query(SQL(unsafeRaw: "SELECT \(q).append('t', 'a', -1, '[{\"type\":\"A\",\"payload\":{}}]')"))
        try c.query(SQL(unsafeRaw: "SELECT \(q).cursor_open('t', 'reader', 'events', '[]', 'a', 'h', 1)"))
        try c.query(SQL(unsafeRaw: "SELECT \(q).cursor_advance('t', 'reader', 1)"))
        try held.query("BEGIN")
        try held.query(SQL(unsafeRaw: "SELECT \(q).append('t', 'b', -1, '[{\"type\":\"Held\",\"payload\":{}}]')"))  // position 2, not committed
        try c.query(SQL(unsafeRaw: "SELECT \(q).append('t', 'a', -1, '[{\"type\":\"Later\",\"payload\":{}}]')"))  // position 3, committed
        try c.query(SQL(unsafeRaw: "SELECT \(q).cursor_advance('t', 'reader', 1)"))
        let r = try c.query(SQL(unsafeRaw: "SELECT next_position, next_checked FROM \(q).cursors WHERE name = 'reader'")).first!
        #expect(r[0] == nil, "recorded position 3 while 2 was in flight")
        #expect(r[1] == "1")  // settled only up to 1
        try held.query("COMMIT")
        try c.query(SQL(unsafeRaw: "SELECT \(q).cursor_advance('t', 'reader', 1)"))
        let after = try c.query(SQL(unsafeRaw: "SELECT next_position, next_checked FROM \(q).cursors WHERE name = 'reader'")).first!
        #expect(after[0] == "2" && after[1] == "3")
        // another tenant's append in flight does not hold this tenant's record back
        try held.query("BEGIN")
        try held.query(SQL(unsafeRaw: "SELECT \(q).append('other', 'x', -1, '[{\"type\":\"Held\",\"payload\":{}}]')"))  // position 4
        try c.query(SQL(unsafeRaw: "SELECT \(q).append('t', 'a', -1, '[{\"type\":\"More\",\"payload\":{}}]')"))  // position 5
        try c.query(SQL(unsafeRaw: "SELECT \(q).cursor_advance('t', 'reader', 3)"))
        let other = try c.query(SQL(unsafeRaw: "SELECT next_position, next_checked FROM \(q).cursors WHERE name = 'reader'")).first!
        #expect(other[0] == "5" && other[1] == "5")
        try held.query("ROLLBACK")
        // under repeatable read nothing is recorded (the probe's snapshot would be older than its checks)
        try c.query("BEGIN ISOLATION LEVEL REPEATABLE READ")
        try c.query(SQL(unsafeRaw: "SELECT \(q).cursor_advance('t', 'reader', 2)"))
        try c.query("COMMIT")
        let rr = try c.query(SQL(unsafeRaw: "SELECT position, next_position, next_at, next_checked FROM \(q).cursors WHERE name = 'reader'")).first!
        #expect(rr[0] == "2" && rr[1] == nil && rr[2] == nil && rr[3] == nil)
    }
}
