import Foundation
import StoreAccess
import StoreTestSupport
import Testing

/// `storetop prune --policy` stopped by SIGTERM mid-prune exits 143 with that prune's audit row cancelled (exactly
/// what SQL says was deleted) and no later outbox touched; a target that cannot be read makes the run exit 1 while
/// the other targets are still pruned.
@Suite(.serialized) struct PrunePolicyInterruptTests {
    static let rows = 200_000

    /// Tenant `big` (kind orders, `rows` rows) and tenant `zz` (kind orders, 10 rows), no watchers.
    func seeded() throws -> (TestServer, Store, String) {
        let server = try TestServer.current()
        let schema = TestServer.freshSchemaName("polsig")
        let store = try server.store(schema: schema)
        let q = "\"\(schema)\""
        for (tenant, n) in [("big", Self.rows), ("zz", 10)] {
            try server.admin(
                SQL(
                    unsafeRaw: """
                        INSERT INTO \(q).outbox (id, tenant, kind, key, op, value, version, at)
                        SELECT nextval('\(q).outbox_position'), '\(tenant)', 'orders', 'k' || g, 'create', '\\x01', 1, now() FROM generate_series(1, \(n)) g
                        """))
        }
        try server.admin(
            SQL(
                unsafeRaw: """
                    INSERT INTO \(q).outbox_heads (tenant, kind, head_id, appended_total)
                    SELECT tenant, kind, max(id), count(*) FROM \(q).outbox GROUP BY tenant, kind
                    """))
        return (server, store, schema)
    }

    /// A config file with target `t` (the test server) and, with `down`, a target nothing listens on.
    func config(_ server: TestServer, _ schema: String, down: Bool = false) throws -> (String, [String: String]) {
        let path = NSTemporaryDirectory() + "storetop-polsig-\(UUID().uuidString).yaml"
        var env: [String: String] = [:]
        let broken = down ? "\n  down:\n    dsn: \"host=127.0.0.1 port=1 dbname=x connect_timeout=2\"\n    schema: \(schema)" : ""
        try """
        targets:
        \(try FleetTests.entry("t", server.directDSN, env: &env))
            schema: \(schema)\(broken)
        retention:
          everyone:
            schema: \(schema)
            mode: safe
        """.write(toFile: path, atomically: true, encoding: .utf8)
        return (path, env)
    }

    func count(_ server: TestServer, _ sql: String) throws -> Int { Int(try server.admin(SQL(unsafeRaw: sql)).first![0]!)! }

    @Test func sigtermStopsAfterTheBatchAndTouchesNoLaterOutbox() throws {
        let (server, store, schema) = try seeded()
        defer { store.close(); server.dropSchema(schema) }
        let q = "\"\(schema)\""
        let (path, env) = try config(server, schema)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let left = "SELECT count(*) FROM \(q).outbox WHERE tenant = 'big'"
        let p = try BackgroundProcess(
            TestServer.builtProduct("storetop"), ["prune", "--policy", "--config", path, "--batch", "100"],
            environment: ProcessInfo.processInfo.environment.merging(env) { _, b in b })
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline, !p.exited, (try? count(server, left)) ?? Self.rows > Self.rows - 300 { usleep(5_000) }
        try #require(!p.exited, "the run ended before the signal: \(p.output) \(p.errors)")
        kill(p.pid, SIGTERM)
        try #require(p.waitExit(timeout: 60), "still running")
        #expect((p.exitStatus & 0x7f) == 0 && (p.exitStatus >> 8) & 0xff == 128 + SIGTERM, "wait status \(p.exitStatus): \(p.errors)")
        let deleted = Self.rows - (try count(server, left))
        #expect(deleted > 0 && deleted < Self.rows, "interrupted, not finished")
        let audit = try server.admin(SQL(unsafeRaw: "SELECT tenant, status, rows_deleted FROM \(q).prune_audit ORDER BY id")).rows.map(\.values)
        #expect(audit == [["big", "cancelled", String(deleted)]], "\(audit)")
        #expect(try count(server, "SELECT count(*) FROM \(q).outbox WHERE tenant = 'zz'") == 10, "no outbox after the signal is touched")
        #expect(p.output.contains("cancelled after the current batch: deleted \(deleted)") && p.output.contains("1 cancelled"), "\(p.output)")
    }

    @Test func aTargetThatCannotBeReadFailsTheRunButNotTheOthers() throws {
        let (server, store, schema) = try seeded()
        defer { store.close(); server.dropSchema(schema) }
        let q = "\"\(schema)\""
        let (path, env) = try config(server, schema, down: true)
        defer { try? FileManager.default.removeItem(atPath: path) }
        try server.admin(SQL(unsafeRaw: "DELETE FROM \(q).outbox WHERE tenant = 'big' AND id > (SELECT min(id) + 99 FROM \(q).outbox)"))
        let before = try count(server, "SELECT count(*) FROM \(q).outbox")
        let r = try storetop(["prune", "--policy", "--config", path], env: env, timeout: 120)
        #expect(r.status == 1, "\(r.out) \(r.err)")
        #expect(r.out.contains("target down, schema \(schema)") && r.out.contains("FAILED"), "\(r.out)")
        #expect(try count(server, "SELECT count(*) FROM \(q).outbox") == 0, "target t is still pruned (\(before) rows)")
        #expect(r.out.contains("1 failed"), "\(r.out)")
    }
}
