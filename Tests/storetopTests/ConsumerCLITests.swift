import Foundation
import StoreAccess
import StoreTestSupport
import Testing

/// `storetop consumer …` run as a user runs it: a rewind of a stopped consumer with `--yes`, checked against the
/// cursor row and the audit row in SQL; the refusal without `--yes` when stdin is not a terminal; a running
/// consumer refused; parked events listed (their error made visible), replayed and discarded; the audit listed.
@Suite(.serialized) struct ConsumerCLITests {
    /// A fresh store whose tenant `acme` has 6 events (and tenant `other` 2, interleaved) and a stopped consumer
    /// `plain` at position `at`.
    final class Seeded {
        let server: TestServer
        let store: Store
        let schema: String
        var q: String { "\"\(schema)\"" }

        init(at: Int64) throws {
            server = try TestServer.current()
            schema = TestServer.freshSchemaName("ccli")
            store = try server.store(schema: schema)
            let acme = try store.events(tenant: "acme"), other = try store.events(tenant: "other")
            try acme.append(to: "order-1", (1...3).map { _ in EventData(type: "Placed") })
            try other.append(to: "x", (1...2).map { _ in EventData(type: "Other") })
            try acme.append(to: "order-2", (1...3).map { _ in EventData(type: "Shipped") })
            try sql("SELECT \(q).cursor_open('acme', 'plain', 'events', '[]', 'st:svc/consumer/acme', 'h1', 77)")
            try sql("SELECT \(q).cursor_advance('acme', 'plain', \(at))")
        }

        @discardableResult func sql(_ text: String) throws -> QueryResult { try server.admin(SQL(unsafeRaw: text)) }
        func one(_ text: String) throws -> String? { try sql(text).first?[0] }
        /// `storetop consumer ARGS --dsn … --schema …`.
        func run(_ args: [String]) throws -> (status: Int32, out: String, err: String) {
            try storetop(["consumer"] + args + ["--dsn", server.directDSN, "--schema", schema])
        }
        func close() { store.close(); server.dropSchema(schema) }
    }

    @Test func aStoppedConsumerIsRewoundWithYesAndAudited() throws {
        let s = try Seeded(at: 8)
        defer { s.close() }
        let count = try #require(try s.one("SELECT count(*) FROM \(s.q).events WHERE tenant = 'acme' AND position > 2 AND position <= 8"))
        let r = try s.run(["rewind", "--tenant", "acme", "plain", "--to-position", "2", "--yes", "--reason", "projection fixed"])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("rewind acme/plain (events): position 8 → 2"), "\(r.out)")
        #expect(r.out.contains("events of its own delivered again: \(count) (positions 3…8)"), "\(r.out)")
        #expect(r.out.contains("first: 3 Placed in stream order-1 at ") && r.out.contains("last:  8 Shipped in stream order-2 at "), "\(r.out)")
        #expect(r.out.contains("running: no (nothing holds its consumer lock)"), "\(r.out)")
        let cursor = try #require(try s.sql("SELECT position, epoch FROM \(s.q).cursors WHERE tenant = 'acme' AND name = 'plain'").first)
        #expect(cursor[0] == "2" && cursor[1] == "1")
        let audit = try #require(
            try s.sql(
                "SELECT id, action, status, tenant, target, from_position, to_position, rows, reason, by_application FROM \(s.q).actions_audit"
            ).first)
        #expect((1...8).map { audit[$0] } == ["rewind", "done", "acme", "plain", "8", "2", count, "projection fixed"])
        #expect(r.out.contains("rewind acme/plain: done, position 8 → 2, \(count) rows; audit id \(audit[0]!)"), "\(r.out)")
        #expect(audit[9]?.hasPrefix("st:storetop/actions") == true, "\(audit[9] ?? "")")

        // JSON: the preview and the result in one document, matching the same rows
        let j = try s.run(["skip", "--tenant", "acme", "plain", "--events", "2", "--yes", "--json"])
        #expect(j.status == 0, "\(j.err)")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(j.out.utf8)) as? [String: Any])
        let to = try #require(try s.one("SELECT position FROM \(s.q).cursors WHERE name = 'plain'"))
        #expect(doc["from"] as? Int == 2 && doc["to"] as? Int == Int(to) && doc["events"] as? Int == 2 && doc["redeliver"] as? Bool == false)
        let result = try #require(doc["result"] as? [String: Any])
        #expect(result["id"] as? Int == Int(try s.one("SELECT max(id) FROM \(s.q).actions_audit")!))
    }

    @Test func anOutboxWatcherIsPreviewedInItsOwnRows() throws {
        let s = try Seeded(at: 0)
        defer { s.close() }
        let kv = try s.store.kv(tenant: "acme", codec: RawCodec())
        for i in 0..<5 { try kv.set("orders", "o\(i)", [1]) }
        try s.sql("SELECT \(s.q).cursor_open('acme', 'shipper', 'outbox', '{\"kind\":\"orders\"}', 'st:svc/consumer/acme', 'h1', 77)")
        let r = try s.run(["skip", "--tenant", "acme", "shipper", "--to-head", "--read-only"])
        let rows = try #require(
            try s.one(
                "SELECT count(*) FROM \(s.q).outbox WHERE tenant = 'acme' AND kind = 'orders' AND id > (SELECT position FROM \(s.q).cursors WHERE name = 'shipper')"
            ))
        #expect(r.status == 77, "\(r.err)")
        #expect(r.out.contains("skip acme/shipper (outbox): position "), "\(r.out)")
        #expect(r.out.contains("outbox rows of its own skipped (never delivered to it): \(rows) (ids "), "\(r.out)")
    }

    @Test func withoutYesAndNoTerminalNothingMoves() throws {
        let s = try Seeded(at: 8)
        defer { s.close() }
        // the connection string as prune takes it, positionally after the consumer's name
        let r = try storetop(["consumer", "reset", "--tenant", "acme", "plain", s.server.directDSN, "--schema", s.schema, "--to-start"])
        #expect(r.status == 64, "\(r.status) \(r.err)")
        #expect(r.out.contains("position 8 → 0") && r.err.contains("not a terminal: pass --yes to reset without confirmation"), "\(r.err)")
        #expect(try s.one("SELECT position FROM \(s.q).cursors WHERE name = 'plain'") == "8")
        #expect(try s.one("SELECT count(*) FROM \(s.q).actions_audit") == "0")
        let ro = try s.run(["reset", "--tenant", "acme", "plain", "--to-start", "--yes", "--read-only"])
        #expect(ro.status == 77 && ro.err.contains("read-only"), "\(ro.err)")
        // --json: the preview alone is the one document when it stops before executing
        let roJSON = try s.run(["rewind", "--tenant", "acme", "plain", "--to-time", "2000-01-01T00:00:00Z", "--read-only", "--json"])
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(roJSON.out.utf8)) as? [String: Any], "\(roJSON.out) \(roJSON.err)")
        #expect(roJSON.status == 77 && doc["from"] as? Int == 8 && doc["to"] as? Int == 0 && doc["result"] is NSNull, "\(roJSON.out)")
        let listed = try storetop(["consumer", "parked", s.server.directDSN, "--schema", s.schema])
        #expect(listed.status == 0 && listed.out == "no parked events\n", "\(listed.status) \(listed.out) \(listed.err)")
        let usage = try s.run(["rewind", "--tenant", "acme", "plain", "--to-position", "1", "--by", "2"])
        #expect(usage.status == 64 && usage.err.contains("choose one of"), "\(usage.err)")
        #expect(try s.one("SELECT position FROM \(s.q).cursors WHERE name = 'plain'") == "8")
    }

    @Test func aRunningConsumerIsRefusedWithTheReason() throws {
        let s = try Seeded(at: 0)
        defer { s.close() }
        let live = try s.store.events(tenant: "acme").subscribeDurable(name: "live") { _ in }
        defer { live.stop() }
        let head = Int64(try s.one("SELECT max(position) FROM \(s.q).events WHERE tenant = 'acme'")!)!
        #expect(live.waitForPosition(head, timeout: .seconds(30)))
        let r = try s.run(["rewind", "--tenant", "acme", "live", "--by", "2", "--yes"])
        #expect(r.status == 1, "\(r.status) \(r.err)")
        #expect(r.out.contains("running: yes, backend pid "), "\(r.out)")
        #expect(r.err.contains("rewind refused: consumer acme/live is running"), "\(r.err)")
        #expect(try s.one("SELECT position FROM \(s.q).cursors WHERE name = 'live'") == String(head))
        #expect(try s.one("SELECT count(*) FROM \(s.q).actions_audit") == "0")

        let pause = try s.run(["pause", "--tenant", "acme", "live", "--reason", "rebuild"])
        #expect(pause.status == 0 && pause.out.hasPrefix("pause acme/live: done, at position \(head)"), "\(pause.out) \(pause.err)")
        let by = try #require(try s.one("SELECT paused_by FROM \(s.q).cursors WHERE name = 'live' AND pause_reason = 'rebuild'"))
        let seen = try s.run(["rewind", "--tenant", "acme", "live", "--by", "2", "--read-only"])
        #expect(seen.status == 77 && seen.out.contains("pause: "), "\(seen.out) \(seen.err)")
        #expect(seen.out.contains("by \(by) at "), "\(seen.out)")
        let resume = try s.run(["resume", "--tenant", "acme", "live", "--json"])
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(resume.out.utf8)) as? [String: Any])
        let last = try s.one("SELECT max(id) FROM \(s.q).actions_audit").flatMap { Int($0) }
        #expect(doc["action"] as? String == "resume" && doc["id"] as? Int == last)
        #expect(try s.one("SELECT paused_at IS NULL FROM \(s.q).cursors WHERE name = 'live'") == "t")
        #expect(try s.sql("SELECT action FROM \(s.q).actions_audit ORDER BY id").rows.map { $0[0]! } == ["pause", "resume"])
    }
}
