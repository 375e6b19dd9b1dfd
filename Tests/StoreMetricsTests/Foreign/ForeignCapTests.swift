import Foundation
import StoreAccess
import StoreTestSupport
import Testing

@testable import StoreMetrics

/// The backlog caps, reached on real stores: factstr counts a cursor's backlog among the `FactstrPanel.window`
/// positions after it, eventcore 2 counts a subscription's up to `EventcorePanel.cap`. Both caps are constants (no
/// option sets them), so the logs here are written past the real ones with `generate_series`. Each side of each cap
/// is checked: exactly at the cap the count is exact, one event beyond it the count stops and says "≥".
@Suite(.serialized) struct ForeignCapTests {
    func one(_ server: TestServer, _ sql: String) throws -> String? { try server.admin(SQL(unsafeRaw: sql)).first?[0] }

    func snapshot(_ server: TestServer) throws -> Snapshot {
        let c = try Collector(
            dsn: server.directDSN, schema: "storeaccess_absent", statementTimeout: .seconds(60), refreshDeadline: .seconds(120))
        defer { c.close() }
        return try c.snapshot()
    }

    @Test func factstrBacklogsPastTheWindowAreCappedWithAtLeast() throws {
        let server = try TestServer.current().inDatabase("storetop_foreign")
        let s = TestServer.freshSchemaName("fcap")
        defer { server.dropSchema(s) }
        try ForeignFixtures.factstr(server, s)
        let window = FactstrPanel.window, events = window + 500
        // one factstr append of `events` events, as factstr writes one: the table lock, max+1 numbering, a batch row;
        // every third event is a `B`
        try ForeignFixtures.sql(
            server,
            """
            BEGIN;
            LOCK TABLE \(s).events, \(s).append_batches IN EXCLUSIVE MODE;
            INSERT INTO \(s).events (sequence_number, occurred_at, event_type, payload)
                SELECT m.first + i - 1, now() - interval '10 minutes' + i * interval '1 ms', CASE WHEN i % 3 = 0 THEN 'B' ELSE 'A' END, '{}'
                  FROM (SELECT coalesce(max(sequence_number), 0) + 1 AS first FROM \(s).events) m, generate_series(1, \(events)) i;
            INSERT INTO \(s).append_batches SELECT 1, max(sequence_number) FROM \(s).events;
            COMMIT;
            """)
        let all = #"{"filters":null,"min_sequence_number":null}"#, onlyB = #"{"filters":[{"event_types":["B"],"payload_predicates":null}]}"#
        let cursors: [(name: String, query: String, predicate: String, at: Int, capped: Bool)] = [
            ("all-over", all, "true", 499, true),  // 10,001 positions behind: one past the window
            ("all-edge", all, "true", 500, false),  // exactly the window behind: counted whole
            ("b-over", onlyB, "event_type = 'B'", 0, true),
            ("b-near", onlyB, "event_type = 'B'", 9_000, false),
        ]
        for c in cursors { try ForeignFixtures.factstrCursor(server, s, c.name, query: c.query, at: Int64(c.at)) }

        let snap = try snapshot(server)
        let f = try #require(snap.foreign?.first { $0.kind == .factstr && $0.schema == s }, "\(snap.errors)")
        for c in cursors {
            let got = try #require(f.consumers.first { $0.name == c.name })
            let behind = "sequence_number > \(c.at) AND (\(c.predicate))"
            let total = Int64(try #require(try one(server, "SELECT count(*) FROM \(s).events WHERE \(behind)")))!
            let inWindow = Int64(
                try #require(try one(server, "SELECT count(*) FROM \(s).events WHERE \(behind) AND sequence_number <= \(c.at + window)")))!
            #expect(got.lagCapped == c.capped, "\(c.name)")
            #expect(got.lagEvents == (c.capped ? inWindow : total), "\(c.name): \(String(describing: got.lagEvents)) vs \(inWindow) of \(total)")
            #expect(c.capped ? total > inWindow : total == inWindow, "\(c.name): the fixture is on the side of the window it says")
            #expect(got.lagPositions == Int64(events - c.at), "\(c.name)")
            #expect(got.why.contains("\(got.lagEvents ?? -1) events to handle") && got.why.contains("≥") == c.capped, "\(c.name): \(got.why)")
        }
    }

    @Test func eventcoreBacklogsPastTheCapAreCappedWithAtLeast() throws {
        let server = try TestServer.current().inDatabase("storetop_foreign")
        let s = TestServer.freshSchemaName("ecap")
        defer { server.dropSchema(s) }
        try ForeignFixtures.eventcore2(server, s)
        let cap = EventcorePanel.cap, events = cap + 2
        // UUIDv7 ids from a clock one millisecond apart (the time in the top 48 bits, as eventcore's client makes
        // them), over 100 streams; eventcore's own trigger numbers each stream's versions
        try ForeignFixtures.sql(
            server,
            """
            INSERT INTO \(s).eventcore_events (event_id, stream_id, event_type, event_data, created_at)
            SELECT (lpad(to_hex(t.ms + i), 12, '0') || '7000' || '8' || lpad(to_hex(i), 15, '0'))::uuid, 'account-' || (i % 100),
                   'Deposited', '{}', to_timestamp((t.ms + i) / 1000.0)
              FROM (SELECT (extract(epoch FROM now()) * 1000)::bigint - \(events) - 60000 AS ms) t, generate_series(1, \(events)) i;
            ANALYZE \(s).eventcore_events;
            """)
        func id(_ n: Int) throws -> String {
            try #require(try one(server, "SELECT event_id::text FROM \(s).eventcore_events ORDER BY event_id OFFSET \(n - 1) LIMIT 1"))
        }
        let subscriptions: [(name: String, after: Int, capped: Bool)] = [("over", 1, true), ("edge", 2, false)]
        for sub in subscriptions {
            try server.admin(
                SQL(
                    unsafeRaw:
                        "INSERT INTO \(s).eventcore_subscription_versions VALUES ('\(sub.name)', '\(try id(sub.after))', now() - interval '2 minutes')"
                ))
        }

        let snap = try snapshot(server)
        let e = try #require(snap.foreign?.first { $0.kind == .eventcore && $0.schema == s }, "\(snap.errors)")
        for sub in subscriptions {
            let got = try #require(e.consumers.first { $0.name == sub.name })
            let after = "FROM \(s).eventcore_events WHERE event_id > '\(got.position)'"
            let total = Int64(try #require(try one(server, "SELECT count(*) \(after)")))!
            #expect(total == Int64(events - sub.after) && (total > cap) == sub.capped, "\(sub.name): the fixture is on its side of the cap")
            #expect(got.lagCapped == sub.capped && got.lagEvents == min(total, Int64(cap)), "\(sub.name): \(got)")
            #expect(got.why.contains("\(cap) events to handle") && got.why.contains("≥") == sub.capped, "\(sub.name): \(got.why)")
            let first = Double(try #require(try one(server, "SELECT extract(epoch FROM created_at) \(after) ORDER BY event_id LIMIT 1")))!
            #expect(abs((got.oldestUnhandledAgeSeconds ?? -100) - (snap.clock.timeIntervalSince1970 - first)) < 0.01, "\(sub.name)")
        }
    }
}
