import Foundation
import StoreAccess
import StoreMetrics
import StoreTestSupport
import Testing

/// `storetop prune --policy` on a store with two tenants and three rules, checked against SQL: the rows left, one
/// audit row per prune, and what the Outboxes view and the snapshot say about each outbox's policy and last prune.
@Suite(.serialized) struct PrunePolicyTests {
    /// Tenant `acme` (kind orders: 10 rows two hours old, 5 new; watcher at its 4th row) and tenant `beta` (kind
    /// orders: 10 new rows, watcher at its 3rd; kind keep: 4 rows, no watcher).
    func seeded() throws -> (TestServer, Store, String) {
        let server = try TestServer.current()
        let schema = TestServer.freshSchemaName("prunepol")
        let store = try server.store(schema: schema)
        let q = "\"\(schema)\""
        func rows(_ tenant: String, _ kind: String, _ n: Int, age: String) throws {
            try server.admin(
                SQL(
                    unsafeRaw: """
                        INSERT INTO \(q).outbox (id, tenant, kind, key, op, value, version, at)
                        SELECT nextval('\(q).outbox_position'), '\(tenant)', '\(kind)', 'k' || g, 'create', '\\x01', 1, now() - interval '\(age)'
                          FROM generate_series(1, \(n)) g
                        """))
        }
        try rows("acme", "orders", 10, age: "2 hours")
        try rows("acme", "orders", 5, age: "0 s")
        try rows("beta", "orders", 10, age: "0 s")
        try rows("beta", "keep", 4, age: "0 s")
        try server.admin(
            SQL(
                unsafeRaw: """
                    INSERT INTO \(q).outbox_heads (tenant, kind, head_id, appended_total)
                    SELECT tenant, kind, max(id), count(*) FROM \(q).outbox GROUP BY tenant, kind
                    """))
        for (tenant, name, nth) in [("acme", "mailer", 4), ("beta", "search", 3)] {
            try server.admin(SQL(unsafeRaw: "SELECT \(q).tenant_ensure('\(tenant)')"))
            try server.admin(
                SQL(
                    unsafeRaw: """
                        INSERT INTO \(q).cursors (tenant, name, source, filter, position)
                        SELECT '\(tenant)', '\(name)', 'outbox', '{"kind": "orders"}',
                               (SELECT id FROM \(q).outbox WHERE tenant = '\(tenant)' AND kind = 'orders' ORDER BY id OFFSET \(nth - 1) LIMIT 1)
                        """))
        }
        return (server, store, schema)
    }

    /// The config file, and the environment its password reference needs.
    func config(_ server: TestServer, _ schema: String) throws -> (String, [String: String]) {
        let path = NSTemporaryDirectory() + "storetop-policy-\(UUID().uuidString).yaml"
        var env: [String: String] = [:]
        try """
        targets:
        \(try FleetTests.entry("t", server.directDSN, env: &env))
            schema: \(schema)
        retention:
          everyone:
            schema: \(schema)
            mode: safe
          acme:
            schema: \(schema)
            tenant: acme
            mode: safe+age
            max_age: 1h
            batch: 3
          young-keep:
            schema: \(schema)
            tenant: beta
            kind: keep
            mode: safe
            min_age: 1d
        """.write(toFile: path, atomically: true, encoding: .utf8)
        return (path, env)
    }

    func count(_ server: TestServer, _ sql: String) throws -> Int { Int(try server.admin(SQL(unsafeRaw: sql)).first![0]!)! }

    @Test func aPolicyRunPrunesEachOutboxByItsRuleAndAuditsEachPrune() throws {
        let (server, store, schema) = try seeded()
        defer { store.close(); server.dropSchema(schema) }
        let q = "\"\(schema)\""
        let (path, env) = try config(server, schema)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let pos = { (t: String) in "(SELECT position FROM \(q).cursors WHERE tenant = '\(t)')" }
        let box = { (t: String, k: String) in "SELECT count(*) FROM \(q).outbox WHERE tenant = '\(t)' AND kind = '\(k)'" }
        // what the rules promise, from SQL before the run: acme passed rows or older than 1h; beta passed rows only
        let acmeKept = try count(server, box("acme", "orders") + " AND id > \(pos("acme")) AND at >= now() - interval '1 hour'")
        let acmeUnpassedOld = try count(server, box("acme", "orders") + " AND id > \(pos("acme")) AND at < now() - interval '1 hour'")
        let betaKept = try count(server, box("beta", "orders") + " AND id > \(pos("beta"))")
        let keepAll = try count(server, box("beta", "keep"))
        let dry = try storetop(["prune", "--policy", "--config", path, "--dry-run"], env: env)
        #expect(dry.status == 0, "\(dry.err)")
        #expect(
            dry.out.contains("acme/orders: rule acme: safe+1h") && dry.out.contains("WARNING: watchers that will miss rows: mailer"), "\(dry.out)")
        #expect(try count(server, "SELECT count(*) FROM \(q).prune_audit") == 0, "a dry run changes nothing")

        let run = try storetop(["prune", "--policy", "--config", path, "--json"], env: env)
        #expect(run.status == 0, "\(run.err)")
        #expect(try count(server, box("acme", "orders")) == acmeKept)
        #expect(try count(server, box("beta", "orders")) == betaKept)
        #expect(try count(server, box("beta", "keep")) == keepAll, "no watcher reads beta/keep, but its rows are younger than its rule's min_age")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(run.out.utf8)) as? [String: Any])
        let outboxes = ((doc["targets"] as? [[String: Any]])?.first?["outboxes"] as? [[String: Any]]) ?? []
        let steps = { (t: String, k: String) in
            (outboxes.first { $0["tenant"] as? String == t && $0["kind"] as? String == k }?["steps"] as? [[String: Any]]) ?? []
        }
        #expect(steps("acme", "orders").map { $0["mode"] as? String } == ["safe", "forced"])
        #expect(steps("acme", "orders").last?["deleted"] as? Int == acmeUnpassedOld)
        #expect(steps("acme", "orders").last?["missed_watchers"] as? [String] == ["mailer"])
        #expect(steps("beta", "keep").first?["status"] as? String == "nothing")
        // one audit row per prune that deleted, with the rows the output says
        let audit = try server.admin(
            SQL(unsafeRaw: "SELECT tenant, kind, mode, rows_deleted, status FROM \(q).prune_audit ORDER BY id")
        ).rows.map { $0.values.map { $0 ?? "" } }
        let executed = outboxes.flatMap { o in
            ((o["steps"] as? [[String: Any]]) ?? []).filter { $0["audit_id"] != nil }.map {
                [o["tenant"] as? String ?? "", o["kind"] as? String ?? "", $0["mode"] as? String ?? "", "\($0["deleted"] as? Int ?? -1)", "done"]
            }
        }
        #expect(audit == executed && audit.count == 3, "\(audit)")
        // each audit row names the rule that asked for it
        let reasons = try server.admin(SQL(unsafeRaw: "SELECT reason FROM \(q).prune_audit ORDER BY id")).rows.map { $0[0] ?? "" }
        #expect(reasons.count == 3 && reasons.allSatisfy { $0.hasPrefix("retention policy rule ") }, "\(reasons)")
        let summary = doc["summary"] as? [String: Any]
        #expect(summary?["rows_deleted"] as? Int == 25 - acmeKept - betaKept && summary?["failed"] as? Int == 0)
        try outboxesShowPolicyAndLastPrune(server, schema, path, env)
    }

    /// The snapshot's last prune per outbox is the newest `prune_audit` row of it; the dashboard shows the policy.
    func outboxesShowPolicyAndLastPrune(_ server: TestServer, _ schema: String, _ path: String, _ env: [String: String]) throws {
        let q = "\"\(schema)\""
        let collector = try Collector(dsn: server.directDSN, schema: schema)
        defer { collector.close() }
        let snap = try collector.snapshot()
        for o in snap.outboxes {
            let r = try server.admin(
                SQL(
                    unsafeRaw: """
                        SELECT status, rows_deleted FROM \(q).prune_audit WHERE tenant = '\(o.tenant)' AND kind = '\(o.kind)' ORDER BY id DESC LIMIT 1
                        """)
            ).first
            #expect(o.lastPruneStatus == r?[0] && o.lastPruneRows.map(String.init) == r?[1], "\(o.tenant)/\(o.kind)")
        }
        let top = try storetop(["--config", path, "--view", "outboxes", "--iterations", "1"], env: env.merging(["COLUMNS": "200"]) { a, _ in a })
        #expect(top.status == 0, "\(top.err)")
        let line = { (name: String) in top.out.split(separator: "\n").first { $0.contains(name) }.map(String.init) ?? "" }
        #expect(line("acme/orders").contains("safe+1h") && line("beta/orders").contains("safe"), "\(top.out)")
        #expect(line("acme/orders").contains("done"), "\(top.out)")
    }
}
