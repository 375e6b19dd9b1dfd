import Foundation
import StoreAccess
import StoreTestSupport
import Testing

extension ConsumerCLITests {
    @Test func parkedEventsAreListedReplayedDiscardedAndAudited() throws {
        let s = try Seeded(at: 8)
        defer { s.close() }
        // two events parked by the consumer; one error carries an escape sequence and a newline
        try s.sql("SELECT \(s.q).consumer_park('acme', 'plain', 4, 'order-2', 'Shipped', E'no carrier\\n\\u001b[2Jgone', 5, now())")
        try s.sql("SELECT \(s.q).consumer_park('acme', 'plain', 7, 'order-2', 'Shipped', 'timeout', 5, now())")
        let list = try s.run(["parked", "--tenant", "acme"])
        #expect(list.status == 0, "\(list.err)")
        #expect(!list.out.contains("\u{1b}"), "a database string reached the terminal raw")
        #expect(list.out.contains("no carrier\\n\\x1b[2Jgone") && list.out.contains("timeout"), "\(list.out)")
        #expect(list.out.split(separator: "\n").count == 3, "a header and one line per parked event: \(list.out)")

        let noTTY = try s.run(["replay", "--tenant", "acme", "plain", "--position", "4"])
        #expect(noTTY.status == 64 && noTTY.err.contains("not a terminal"), "\(noTTY.err)")
        #expect(try s.one("SELECT count(*) FROM \(s.q).parked WHERE state = 'replay'") == "0")
        let replay = try s.run(["replay", "--tenant", "acme", "plain", "--position", "4", "--yes", "--reason", "carrier back"])
        #expect(replay.status == 0, "\(replay.err)")
        #expect(replay.out.hasPrefix("replay 1 parked events of acme/plain; running: no"), "\(replay.out)")
        #expect(
            try s.sql("SELECT position, state FROM \(s.q).parked ORDER BY position").rows.map { "\($0[0]!):\($0[1]!)" } == ["4:replay", "7:parked"])
        let missing = try s.run(["discard", "--tenant", "acme", "plain", "--position", "5", "--yes"])
        #expect(missing.status == 65 && missing.err.contains("no parked event"), "\(missing.status) \(missing.err)")
        let discard = try s.run(["discard", "--tenant", "acme", "plain", "--all", "--yes", "--json"])
        #expect(discard.status == 0, "\(discard.err)")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(discard.out.utf8)) as? [String: Any])
        #expect(doc["positions"] as? [Int] == [7] && (doc["result"] as? [String: Any])?["rows"] as? Int == 1, "\(discard.out)")
        #expect(try s.one("SELECT string_agg(position::text, ',') FROM \(s.q).parked") == "4", "a replay pending is not discarded")

        let audit = try s.run(["audit", "--limit", "5"])
        #expect(audit.status == 0, "\(audit.err)")
        let want = try s.sql("SELECT id, action, rows, reason FROM \(s.q).actions_audit ORDER BY id DESC").rows
        let lines = audit.out.split(separator: "\n").dropFirst().map { $0.split(separator: " ", omittingEmptySubsequences: true) }
        #expect(lines.map { String($0[0]) } == want.map { $0[0]! }, "\(audit.out)")
        #expect(lines.map { String($0[2]) } == want.map { $0[1]! }, "\(audit.out)")
        #expect(audit.out.contains("carrier back"))
    }
}
