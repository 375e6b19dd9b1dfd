import Foundation
import StoreAccess
import StoreTestSupport
import Testing

/// The row-level security recipe (docs/tenant-rls.sql) confines a tenant role (issue 16 §5): a role held to
/// "acme" tries every read and write it could think of against "globex" and against the shared tables, sequences
/// and the prune audit, in raw SQL and through the SQL functions; each is refused or sees nothing, and an
/// independent reading as the superuser shows globex's rows, the positions and the schema version untouched.
/// Its own work through StoreAccess (append, read, durable consumer, key-value with outbox and watch, state,
/// audited prune, pool reports) still works.
@Suite struct TenantRoleTests {
    /// A store seeded for acme and globex as its owner, the recipe applied for a new role, and that role's DSN.
    struct Fixture {
        let server: TestServer
        let store: Store
        let schema: String
        let role: String
        var s: String { "\"\(schema)\"" }
        var tenantDSN: String {
            let options = "-c \(schema).tenant=acme".addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            return "postgresql://\(role):tenant-pw@127.0.0.1:\(server.port)/storetop_test?options=\(options)"
        }
        func admin(_ text: String) throws -> [String] {
            try server.admin(SQL(unsafeRaw: text)).rows.map { $0.values.map { $0 ?? "NULL" }.joined(separator: "|") }
        }
    }

    static func withFixture(_ body: (Fixture) throws -> Void) throws {
        let server = try TestServer.current()
        let store = try server.store()
        let schema = store.schema.name.name
        defer { store.close(); server.dropSchema(schema) }
        try store.events(tenant: "acme").append(to: "o", [EventData(type: "A")])
        try store.events(tenant: "globex").append(to: "o", [EventData(type: "G")])
        let kg = try store.kv(tenant: "globex", codec: RawCodec())
        _ = try kg.set("items", "k", [1])
        _ = try kg.set("items", "k2", [2])
        _ = try store.state(tenant: "globex").put("sync", JSONText("7"))
        _ = try store.state(tenant: "acme").put("seed", JSONText("0"))
        try store.snapshots(tenant: "globex").save("balance", state: JSONText("1"), versions: ["o": 1])
        let sub = try store.events(tenant: "globex").subscribeDurable(name: "projector") { _ in }
        sub.stop()
        try store.pool.query(  // a parked event of globex's consumer
            SQL("SELECT \(ident: store.schema.name).consumer_park('globex', 'projector', 2, 'o', 'G', 'failed', 1, now())"))
        let pg = try store.outboxPruner(tenant: "globex", kind: "items")
        _ = try pg.execute(try pg.plan(.forced(olderThan: .zero)))  // globex's audit row, done
        _ = try kg.set("items", "k3", [3])  // and an outbox row left to protect
        try store.pool.query(
            SQL(
                "SELECT \(ident: store.schema.name).pool_report_put('h', 1, now(), 'svc', 'svc', 'store', 'globex', 1000, 1, 1, 0, 0, 1, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0)"
            ))
        let role = "tenant_\(UInt32.random(in: 0...UInt32.max))"
        try server.admin(SQL(unsafeRaw: "CREATE ROLE \(role) LOGIN PASSWORD 'tenant-pw'"))
        defer {  // (one statement per call: admin() uses the extended protocol)
            _ = try? server.admin(SQL(unsafeRaw: "DROP OWNED BY \(role)"))
            _ = try? server.admin(SQL(unsafeRaw: "DROP ROLE \(role)"))
        }
        for _ in 0..<2 {  // the recipe is idempotent: a second run changes nothing
            let r = try runProcess(
                server.bindir + "/psql",
                [
                    "-X", "-q", "-v", "ON_ERROR_STOP=1", "-v", "schema=\(schema)", "-v", "role=\(role)",
                    "-f", TestServer.repoRoot + "/docs/tenant-rls.sql", server.adminDSN,
                ], timeout: 30)
            #expect(r.status == 0, "\(r.err)")
        }
        try body(Fixture(server: server, store: store, schema: schema, role: role))
    }

    /// Everything of globex's and of the store's that the role must not be able to change, read as the superuser.
    static func untouchable(_ f: Fixture) throws -> [String] {
        let s = f.s
        var out: [String] = []
        for t in [
            "tenants", "streams", "events", "cursors", "state", "kv", "outbox", "outbox_heads", "pool_reports", "actions_audit", "parked",
            "snapshots",
        ] {
            out += try f.admin("SELECT '\(t)', md5(string_agg(x::text, ',' ORDER BY x::text)) FROM \(s).\(t) x WHERE tenant = 'globex'")
        }
        out += try f.admin("SELECT 'audit', md5(string_agg(x::text, ',' ORDER BY x.id)) FROM \(s).prune_audit x")
        out += try f.admin("SELECT 'schema', md5(string_agg(x::text, ',' ORDER BY version)) FROM \(s).schema_version x")
        out += try f.admin(
            "SELECT 'functions', md5(string_agg(p.oid::regprocedure::text || p.prosecdef, ',' ORDER BY p.oid::regprocedure::text)) FROM pg_proc p WHERE p.pronamespace = '\(f.schema)'::regnamespace"
        )
        return out
    }

    @Test func aTenantRoleCannotReachAnotherTenantOrTheSharedParts() throws {
        try Self.withFixture { f in
            let s = f.s
            let before = try Self.untouchable(f)
            let globexPool = try f.admin("SELECT started_at FROM \(s).pool_reports WHERE tenant = 'globex'").first ?? ""
            let positions = try f.admin("SELECT last_value FROM \(s).event_position UNION ALL SELECT last_value FROM \(s).outbox_position")
            let c = try Connection(try ConnectionString(f.tenantDSN))
            defer { c.close() }
            func rows(_ q: String) throws -> [String] {
                try c.query(SQL(unsafeRaw: q)).rows.map { $0.values.map { $0 ?? "NULL" }.joined(separator: "|") }
            }
            // reads: the role sees its own tenant and nothing else, in every table and through every read function
            for t in [
                "tenants", "streams", "events", "cursors", "state", "kv", "outbox", "outbox_heads", "pool_reports", "actions_audit", "parked",
                "snapshots",
            ] {
                #expect(try rows("SELECT count(*) FROM \(s).\(t) WHERE tenant <> 'acme'") == ["0"], "\(t): another tenant's rows are visible")
                #expect(try f.admin("SELECT count(*) > 0 FROM \(s).\(t) WHERE tenant = 'globex'") == ["t"], "\(t): the fixture has no globex row")
            }
            #expect(try rows("SELECT tenant FROM \(s).read_all(NULL, 0, 100)") == ["acme"])
            #expect(try rows("SELECT count(*) FROM \(s).read_all('globex', 0, 100)") == ["0"])
            #expect(try rows("SELECT count(*) FROM \(s).outbox_read('globex', 'items', 0, 100)") == ["0"])
            #expect(try rows("SELECT max(version) FROM \(s).schema_version") == ["\(StoreSchema.currentVersion)"])

            // every write it could try: each is refused with 42501 (a privilege or a policy), nothing else
            let refused = [
                // another tenant's rows, directly
                "INSERT INTO \(s).events (position, tenant, stream, version, type, payload) VALUES (999999, 'globex', 'o', 9, 'Forged', '{}')",
                "INSERT INTO \(s).kv (tenant, kind, key, value, version) VALUES ('globex', 'items', 'forged', '\\x00', 1)",
                "INSERT INTO \(s).state (tenant, key, value) VALUES ('globex', 'forged', '1')",
                "INSERT INTO \(s).tenants (tenant) VALUES ('globex2')",
                "INSERT INTO \(s).cursors (tenant, name, source) VALUES ('globex', 'forged', 'events')",
                "INSERT INTO \(s).outbox_heads (tenant, kind) VALUES ('globex', 'forged')",
                "UPDATE \(s).state SET tenant = 'globex' WHERE tenant = 'acme'",
                // the event log is append-only for the role, and nothing is truncated
                "UPDATE \(s).events SET type = 'Rewritten'",
                "UPDATE \(s).outbox SET value = '\\x01'",
                "DELETE FROM \(s).events",
                "TRUNCATE \(s).outbox",
                "TRUNCATE \(s).kv",
                // positions: never set or taken directly
                "SELECT setval('\(s).event_position', 1)",
                "SELECT setval('\(s).outbox_position', 1)",
                "SELECT nextval('\(s).event_position')",
                "SELECT nextval('\(s).outbox_position')",
                "SELECT setval('\(s).actions_audit_id_seq', 1)",
                // the schema version and the schema itself
                "INSERT INTO \(s).schema_version (version, library) VALUES (99, 'forged')",
                "UPDATE \(s).schema_version SET version = version + 100",
                "DELETE FROM \(s).schema_version",
                "CREATE TABLE \(s).forged (i int)",
                "CREATE OR REPLACE FUNCTION \(s).allocate(p_key text, p_seq regclass, p_n int) RETURNS bigint LANGUAGE sql AS 'SELECT 1::bigint'",
                "ALTER FUNCTION \(s).allocate(text, regclass, int) SECURITY INVOKER",
                // the audit: no forged rows, no deletes, another tenant's never
                "DELETE FROM \(s).prune_audit",
                "INSERT INTO \(s).actions_audit (action, status, tenant, target, rows) VALUES ('prune', 'done', 'acme', 'items', 5)",
                "INSERT INTO \(s).actions_audit (action, status, tenant, target, by_user) VALUES ('prune', 'running', 'acme', 'items', 'someone_else')",
                "UPDATE \(s).prune_audit SET by_user = 'someone_else'",
                "UPDATE \(s).prune_audit SET tenant = 'acme'",
                "DELETE FROM \(s).actions_audit",
                "INSERT INTO \(s).actions_audit (action, status, tenant, target) VALUES ('rewind', 'done', 'acme', 'projector')",
                "UPDATE \(s).actions_audit SET by_user = 'someone_else'",
                // the SQL functions, asked to write into globex
                "SELECT \(s).append('globex', 'o', -1, '[{\"type\":\"Forged\",\"payload\":{}}]')",
                "SELECT \(s).kv_set('globex', 'items', 'forged', '\\x00')",
                "SELECT \(s).state_put('globex', 'forged', '1')",
                "SELECT \(s).outbox_write('globex', 'items', 'forged', 'set', '\\x00', 1)",
                "SELECT \(s).outbox_prune_begin(now(), 'globex', 'items', 'forced', NULL, 1000000, '[]')",
                "SELECT \(s).outbox_prune_finish(now(), 'acme', 'items', 'forced', NULL, 1, 1, 1, 1, 1, 1, false, '[]')",
                "SELECT \(s).pool_report_put('h', 2, now(), 'svc', 'svc', 'store', 'globex', 1000, 1, 1, 0, 0, 1, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0)",
                "SELECT \(s).tenant_ensure('globex2')",
                "SELECT \(s).snapshot_save('globex', 'forged', '{}', '{}')",
            ]
            for q in refused {
                do {
                    _ = try c.query(SQL(unsafeRaw: q))
                    Issue.record("acme's role was allowed: \(q)")
                } catch let e as StoreError {
                    #expect(e.sqlState == "42501", "\(q): \(e)")
                }
            }
            // writes aimed at rows it cannot see change nothing
            let invisible = [
                "UPDATE \(s).kv SET version = version + 1 WHERE tenant = 'globex'",
                "DELETE FROM \(s).state WHERE tenant = 'globex'",
                "DELETE FROM \(s).outbox WHERE tenant = 'globex'",
                "UPDATE \(s).cursors SET position = 0 WHERE tenant = 'globex'",
                "DELETE FROM \(s).pool_reports",
                "UPDATE \(s).actions_audit SET rows = 0",  // its own finished rows included
                "SELECT \(s).kv_delete('globex', 'items', 'k')",
                "SELECT \(s).state_delete('globex', 'sync')",
                "SELECT \(s).cursor_delete('globex', 'projector')",
                "SELECT \(s).snapshot_delete('globex', 'balance')",
                "SELECT \(s).pool_report_remove('h', 1, '\(globexPool)')",
                "SELECT \(s).outbox_prune_end(id, 'done', 0) FROM generate_series(1, 5) id",
            ]
            for q in invisible { _ = try c.query(SQL(unsafeRaw: q)) }
            // consumer operations on another tenant's consumer: it does not exist for this role
            for q in [
                "SELECT \(s).consumer_move('globex', 'projector', 0, 0, 'reset', 'forged', true, 0)",
                "SELECT \(s).consumer_pause('globex', 'projector', 'forged')",
                "SELECT \(s).parked_discard('globex', 'projector', NULL, 'forged')",
            ] {
                #expect(throws: StoreError.self, "\(q) ran") { try c.query(SQL(unsafeRaw: q)) }
            }
            let step = "SELECT * FROM \(s).outbox_prune_step(1, 'globex', 'items', 1000000, NULL, 1000, 1000, 0)"
            #expect(throws: StoreError.self, "a prune step of globex's audit row ran") { try c.query(SQL(unsafeRaw: step)) }

            // (compared part by part, so a failure names the table, the audit, the schema version or the functions)
            let now = try Self.untouchable(f)
            #expect(now.count == before.count)
            for (b, a) in zip(before, now) { #expect(a == b, "changed by the tenant role's attempts") }
            // positions only ever move forward: a refused outbox_write may have taken one through allocate (a gap,
            // which every reader skips), but none was set back or taken for a row of another tenant
            let after = try f.admin("SELECT last_value FROM \(s).event_position UNION ALL SELECT last_value FROM \(s).outbox_position")
            #expect(
                zip(after, positions).allSatisfy { Int64($0)! >= Int64($1)! && Int64($0)! <= Int64($1)! + 1 }, "positions: \(positions) -> \(after)")
        }
    }

    @Test func aTenantRoleStillDoesItsOwnWorkThroughStoreAccess() throws {
        try Self.withFixture { f in
            var options = Store.Options()
            options.schema = f.schema
            options.migrate = true  // the schema is current: a tenant role's connect only checks it
            options.tenant = "acme"
            options.configure = { $0.reportInterval = .milliseconds(200) }
            let mine = try Store.connect(f.tenantDSN, service: "tenant", options: options)
            defer { mine.close() }
            let events = try mine.events(tenant: "acme")
            try events.append(to: "o", [EventData(type: "Mine")])
            #expect(try events.readStream("o").map(\.type) == ["A", "Mine"])
            let seen = LockedList()
            let consumer = try events.subscribeDurable(name: "projector") { batch in seen.add(batch.map(\.type)) }
            let deadline = Date().addingTimeInterval(10)
            while seen.items.count < 2 && Date() < deadline { usleep(50_000) }
            consumer.stop()
            #expect(seen.items == ["A", "Mine"])
            let kv = try mine.kv(tenant: "acme", codec: RawCodec())
            let watch = try kv.watch("items")
            defer { watch.cancel() }
            _ = try kv.set("items", "mine", [9])
            #expect(try watch.next(timeout: .seconds(5))?.key == "mine")
            _ = try mine.state(tenant: "acme").put("sync", JSONText("1"))
            #expect(try mine.snapshots(tenant: "acme").save("balance", state: JSONText("2"), versions: ["o": 2]))
            #expect(try mine.snapshots(tenant: "acme").load("balance")?.isCurrent == true)
            let pruner = try mine.outboxPruner(tenant: "acme", kind: "items")
            let result = try pruner.execute(try pruner.plan(.forced(olderThan: .zero)))
            #expect(result.deleted == 1)
            let audit = try f.admin("SELECT tenant, by_user, status, rows_deleted FROM \(f.s).prune_audit WHERE tenant = 'acme'")
            #expect(audit == ["acme|\(f.role)|done|1"])
            // its pool reports its own rows (stamped with its tenant)
            let reported = Date().addingTimeInterval(5)
            var reports: [String] = []
            while reports.isEmpty && Date() < reported {
                usleep(100_000)
                reports = try f.admin("SELECT tenant FROM \(f.s).pool_reports WHERE service = 'tenant'")
            }
            #expect(reports == ["acme"])
            // and the positions it took came through allocate, as the owner: one event, one outbox row
            #expect(try f.admin("SELECT count(*) FROM \(f.s).events WHERE tenant = 'acme'") == ["2"])
        }
    }
}
