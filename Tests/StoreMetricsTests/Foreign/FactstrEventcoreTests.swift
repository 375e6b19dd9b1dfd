import Foundation
import StoreAccess
import StoreTestSupport
import Testing

@testable import StoreMetrics

/// factstr and eventcore stores as their libraries leave them (issue 18): detected by themselves beside
/// StoreAccess's own schema, every figure compared with SQL read at the same moment.
@Suite(.serialized) struct FactstrEventcoreTests {
    func one(_ server: TestServer, _ sql: String) throws -> String? { try server.admin(SQL(unsafeRaw: sql)).first?[0] }

    func snapshot(_ server: TestServer, thresholds: [ConsumerThreshold] = []) throws -> Snapshot {
        // a generous refresh deadline: under a sanitizer, beside other tests' stores in this database, the default 5 s
        // can pass before the last store's panel starts (it is then skipped and named in errors, as it should be)
        // (and statement timeout: a CI lane of 571 tests on 2 cores timed out a trivial read at the default 2 s)
        let c = try Collector(
            dsn: server.directDSN, schema: "storeaccess_absent", statementTimeout: .seconds(60), refreshDeadline: .seconds(120))
        defer { c.close() }
        c.foreignDetection.thresholds = thresholds
        return try c.snapshot()
    }

    @Test func factstrHeadsCursorsAndBacklogsMatchSQL() throws {
        let server = try TestServer.current().inDatabase("storetop_foreign")
        let s = TestServer.freshSchemaName("fst"), old = TestServer.freshSchemaName("fst4")
        let look = TestServer.freshSchemaName("look")
        let own = try server.store()  // StoreAccess's own schema: never a foreign store
        defer { own.close(); for x in [s, old, look, own.schema.name.name] { server.dropSchema(x) } }
        try ForeignFixtures.factstr(server, s)
        try ForeignFixtures.factstr(server, old, version: "0.4")
        try ForeignFixtures.sql(server, "CREATE SCHEMA \(look); CREATE TABLE \(look).events (id bigint PRIMARY KEY, name text)")
        let past = Date().addingTimeInterval(-120)
        try ForeignFixtures.factstrAppend(server, s, [("A", #"{"k":1}"#)], at: past)
        try ForeignFixtures.factstrAppend(server, s, [("B", #"{"k":2}"#), ("A", #"{"k":3}"#), ("B", #"{"k":4}"#)], at: past)
        try ForeignFixtures.factstrAppend(server, s, [("C", #"{"k":5}"#)])
        try ForeignFixtures.factstrCursor(server, s, "all", query: #"{"filters":null,"min_sequence_number":null}"#, at: 1)
        try ForeignFixtures.factstrCursor(server, s, "only-b", query: #"{"filters":[{"event_types":["B"],"payload_predicates":null}]}"#, at: 0)
        try ForeignFixtures.factstrCursor(
            server, s, "k4", query: #"{"filters":[{"event_types":null,"payload_predicates":[{"k":4},{"k":5}]}]}"#, at: 0)
        try ForeignFixtures.factstrCursor(server, s, "nothing", query: #"{"filters":[{"event_types":[],"payload_predicates":null}]}"#, at: 0)
        try ForeignFixtures.factstrCursor(server, s, "done", query: #"{"filters":null}"#, at: 5)

        let snap = try snapshot(server)
        let foreign = try #require(snap.foreign)
        #expect(!foreign.contains { $0.schema == own.schema.name.name || $0.schema == look }, "\(foreign.map(\.label))")
        let f = try #require(foreign.first { $0.kind == .factstr && $0.schema == s }, "\(foreign.map(\.label)) \(snap.errors)")
        #expect(f.version == "0.5" && foreign.first { $0.schema == old }?.version == "0.4", "\(foreign.map(\.label)) \(snap.errors)")
        #expect(f.head == (try one(server, "SELECT max(sequence_number) FROM \(s).events")))
        #expect(f.events.map(String.init) == (try one(server, "SELECT count(*) FROM \(s).events")) && f.eventsExact)
        let lastWrite = try one(server, "SELECT extract(epoch FROM max(occurred_at)) FROM \(s).events").flatMap(Double.init)
        #expect(abs((f.lastWriteAt?.timeIntervalSince1970 ?? 0) - (lastWrite ?? -1)) < 0.001)
        func consumer(_ n: String) throws -> Snapshot.ForeignStore.Consumer { try #require(f.consumers.first { $0.name == n }) }
        // the backlog each cursor's own query selects, counted by SQL written independently of the panel's
        let expected: [(String, String)] = [
            ("all", "sequence_number > 1"), ("only-b", "event_type = 'B'"), ("k4", "payload @> '{\"k\":4}' OR payload @> '{\"k\":5}'"),
            ("nothing", "false"), ("done", "sequence_number > 5"),
        ]
        for (name, predicate) in expected {
            let c = try consumer(name)
            let pos = Int64(c.position)!
            #expect(
                c.lagEvents.map(String.init)
                    == (try one(server, "SELECT count(*) FROM \(s).events WHERE sequence_number > \(pos) AND (\(predicate))")), "\(name)")
            #expect(c.lagPositions.map(String.init) == (try one(server, "SELECT max(sequence_number) - \(pos) FROM \(s).events")), "\(name)")
            // the age at the snapshot's own instant (the server clock it read), not at this later statement's: on a
            // loaded CI machine seconds pass between the two
            let oldest = try one(
                server, "SELECT extract(epoch FROM min(occurred_at)) FROM \(s).events WHERE sequence_number > \(pos) AND (\(predicate))"
            ).flatMap(Double.init)
            if let oldest {
                let age = snap.clock.timeIntervalSince1970 - oldest
                #expect(
                    abs((c.oldestUnhandledAgeSeconds ?? -100) - age) < 0.01, "\(name): \(String(describing: c.oldestUnhandledAgeSeconds)) vs \(age)")
            } else {
                #expect(c.oldestUnhandledAgeSeconds == nil && c.status == "OK", "\(name)")
            }
        }
        // statuses on the first snapshot: a 2-minute-old backlog is lagging, and WHY says factstr records no progress time
        #expect(try consumer("only-b").status == "LAGGING")
        #expect(try consumer("only-b").why.contains("factstr records no progress time"))
        #expect(try consumer("nothing").why == "caught up")
        // the config file's thresholds judge foreign consumers too, by `factstr:<schema>`: only-b may lag 10 minutes
        // and is OK; `all`, with the same 2-minute-old backlog and no threshold, stays LAGGING; a threshold for
        // another kind of store does not apply
        func status(_ t: ConsumerThreshold, _ name: String) throws -> String? {
            try snapshot(server, thresholds: [t]).foreign?.first { $0.kind == .factstr && $0.schema == s }?.consumers.first { $0.name == name }?
                .status
        }
        #expect(try status(ConsumerThreshold(store: "factstr:\(s)", consumer: "only-*", lagSeconds: 600), "only-b") == "OK")
        #expect(try status(ConsumerThreshold(store: "factstr:\(s)", consumer: "only-*", lagSeconds: 600), "all") == "LAGGING")
        #expect(try status(ConsumerThreshold(store: "eventcore:*", consumer: "only-b", lagSeconds: 600), "only-b") == "LAGGING")
        #expect(try status(ConsumerThreshold(store: "factstr:*", consumer: "only-b", lagEvents: 5), "only-b") == "OK", "2 events < 5")
    }

    @Test func eventcoreSubscriptionsAreRightOnTheFirstSnapshot() throws {
        let server = try TestServer.current().inDatabase("storetop_foreign")
        let s = TestServer.freshSchemaName("ec2"), v01 = TestServer.freshSchemaName("ec01")
        defer { server.dropSchema(s); server.dropSchema(v01) }
        try ForeignFixtures.eventcore2(server, s)
        try ForeignFixtures.eventcore01(server, v01)
        let early = try ForeignFixtures.eventcoreAppend(
            server, s, stream: "account-1", types: ["Opened", "Deposited"], at: Date().addingTimeInterval(-600))
        try ForeignFixtures.eventcoreAppend(server, s, stream: "account-2", types: ["Opened", "Deposited", "Withdrew"])
        let head = try #require(try one(server, "SELECT event_id::text FROM \(s).eventcore_events ORDER BY event_id DESC LIMIT 1"))
        try server.admin(
            SQL(
                unsafeRaw: """
                    INSERT INTO \(s).eventcore_subscription_versions VALUES
                      ('projector', '\(early[0].uuidString.lowercased())', now() - interval '5 minutes'),
                      ('live', '\(head)', now())
                    """))
        try server.admin(SQL(unsafeRaw: "ANALYZE \(s).eventcore_events"))
        // the live projector's leader holds its lock, as eventcore takes it (a session lock on FNV-1a 64 of the name)
        let k = EventcorePanel.leaderKey("live")
        let leader = try Connection(try ConnectionString(server.directDSN))
        defer { leader.close() }
        try leader.query(SQL("SELECT pg_try_advisory_lock(\(Int64(bitPattern: UInt64(k.hi) << 32 | UInt64(k.lo))))"))

        let snap = try snapshot(server)
        let foreign = try #require(snap.foreign)
        let e = try #require(foreign.first { $0.kind == .eventcore && $0.schema == s }, "\(foreign.map(\.label)) \(snap.errors)")
        #expect(e.version == "2" && e.head == head)
        #expect(
            e.events.map(String.init) == (try one(server, "SELECT reltuples::bigint FROM pg_class WHERE oid = '\(s).eventcore_events'::regclass")))
        #expect(!e.eventsExact)
        let lastWrite = try one(server, "SELECT extract(epoch FROM created_at) FROM \(s).eventcore_events ORDER BY event_id DESC LIMIT 1").flatMap(
            Double.init)
        #expect(abs((e.lastWriteAt?.timeIntervalSince1970 ?? 0) - (lastWrite ?? -1)) < 0.001)
        let projector = try #require(e.consumers.first { $0.name == "projector" })
        #expect(
            projector.lagEvents.map(String.init)
                == (try one(server, "SELECT count(*) FROM \(s).eventcore_events WHERE event_id > '\(projector.position)'")))
        #expect(projector.status == "STALLED", "\(projector)")
        #expect(projector.leaderConnected == false && projector.why.contains("no process holds its leader lock"))
        #expect((projector.sinceCheckpointSeconds ?? 0) >= 299)
        // the age of the first event the projector has not handled, at the snapshot's own instant (its server clock):
        // the write time of the first event after its position, read by SQL
        let firstUnhandled = try #require(
            try one(
                server,
                "SELECT extract(epoch FROM created_at) FROM \(s).eventcore_events WHERE event_id > '\(projector.position)' ORDER BY event_id LIMIT 1"
            ).flatMap(Double.init))
        let age = snap.clock.timeIntervalSince1970 - firstUnhandled
        #expect(
            abs((projector.oldestUnhandledAgeSeconds ?? -100) - age) < 0.01, "\(String(describing: projector.oldestUnhandledAgeSeconds)) vs \(age)")
        #expect(age > 590, "its first unhandled event is account-1's second, written 10 minutes ago")
        let live = try #require(e.consumers.first { $0.name == "live" })
        #expect(live.lagEvents == 0 && live.status == "OK" && live.leaderConnected == true)
        #expect(live.oldestUnhandledAgeSeconds == nil, "nothing after the head: no first unhandled event")
        // eventcore 0.1: its whole-table statement trigger is a warning with the table's size
        let old = try #require(foreign.first { $0.kind == .eventcore && $0.schema == v01 })
        #expect(old.version == "0.1" && old.warnings.contains { $0.contains("scans the whole events table") }, "\(old.warnings)")
    }
}
