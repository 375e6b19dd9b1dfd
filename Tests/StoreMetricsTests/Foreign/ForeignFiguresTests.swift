import Foundation
import StoreAccess
import StoreTestSupport
import Testing

@testable import StoreMetrics

/// The figures issue 18 added to the foreign panels, each read by a real `Collector` and compared with SQL read in
/// the same test: eventcore 2's streams and migration version, factstr's waiting writers, batch sizes and append
/// rate, zestor's outbox growth, axon stores keyed by database.
@Suite(.serialized) struct ForeignFiguresTests {
    func one(_ server: TestServer, _ sql: String) throws -> String? { try server.admin(SQL(unsafeRaw: sql)).first?[0] }

    /// A collector of the foreign database with generous timeouts (a loaded CI lane; see FactstrEventcoreTests).
    func collector(_ server: TestServer, allDatabases: Bool = false) throws -> Collector {
        try Collector(
            dsn: server.directDSN, schema: "storeaccess_absent", statementTimeout: .seconds(60), refreshDeadline: .seconds(120),
            allDatabases: allDatabases)
    }

    @Test func eventcoreStreamsAndMigrationVersionMatchSQL() throws {
        let server = try TestServer.current().inDatabase("storetop_foreign")
        let s = TestServer.freshSchemaName("ec2")
        defer { server.dropSchema(s) }
        try ForeignFixtures.eventcore2(server, s)
        // another sqlx application shares the table: its timestamp-numbered migration is not eventcore's
        try server.admin(
            SQL(unsafeRaw: "INSERT INTO \(s)._sqlx_migrations VALUES (20240101000000, 'create users', now(), true, '\\x00', 1)"))
        for (stream, n) in [("account-1", 2), ("account-2", 3), ("account-3", 1), ("account-1", 2)] {
            try ForeignFixtures.eventcoreAppend(server, s, stream: stream, types: Array(repeating: "Changed", count: n))
        }
        let c = try collector(server)
        defer { c.close() }
        let snap = try c.snapshot()
        let e = try #require(snap.foreign?.first { $0.kind == .eventcore && $0.schema == s }, "\(snap.errors)")
        #expect(e.tables.contains("_sqlx_migrations"))
        let version = try one(server, "SELECT max(version) FROM \(s)._sqlx_migrations WHERE success AND version BETWEEN 1 AND 7")
        #expect(e.migrationVersion.map(String.init) == version && version == "7")
        #expect(e.streamCount.map(String.init) == (try one(server, "SELECT count(DISTINCT stream_id) FROM \(s).eventcore_events")))
        #expect(e.streamCountExact)
        let expected = try server.admin(
            SQL(
                unsafeRaw: """
                    SELECT r.stream_id, count(*) AS events,
                           (SELECT max(stream_version) FROM \(s).eventcore_events v WHERE v.stream_id = r.stream_id) AS version
                      FROM (SELECT stream_id FROM \(s).eventcore_events ORDER BY event_id DESC LIMIT 1000) r
                     GROUP BY r.stream_id ORDER BY 2 DESC, 1 LIMIT 10
                    """)
        ).rows
        #expect(e.streams.map { "\($0.name) v\($0.version) \($0.events)" } == expected.map { "\($0[0]!) v\($0[2]!) \($0[1]!)" })
        #expect(e.streams.first?.name == "account-1" && e.streams.first?.version == 4)
        #expect(e.database == (try one(server, "SELECT current_database()")))
        // eventcore's count is an estimate: no rate is made of it
        let again = try c.snapshot().foreign?.first { $0.kind == .eventcore && $0.schema == s }
        #expect(again?.appendRatePerSecond == nil)
    }

    /// An appender waits on factstr's table lock while another holds it; the rate is the head's growth between
    /// two snapshots, over their clocks.
    @Test func factstrWritersBatchesAndRateMatchSQL() throws {
        let server = try TestServer.current().inDatabase("storetop_foreign")
        let s = TestServer.freshSchemaName("fst")
        defer { server.dropSchema(s) }
        try ForeignFixtures.factstr(server, s)
        try ForeignFixtures.factstrAppend(server, s, [("A", "{}")])
        try ForeignFixtures.factstrAppend(server, s, [("A", "{}"), ("B", "{}"), ("C", "{}")])
        try ForeignFixtures.factstrAppend(server, s, [("A", "{}"), ("B", "{}")])
        let holder = try Connection(try ConnectionString(server.adminDSN))
        defer { holder.close() }
        try holder.query("BEGIN")
        try holder.query(SQL(unsafeRaw: "LOCK TABLE \(s).events, \(s).append_batches IN EXCLUSIVE MODE"))
        let appended = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            _ = try? ForeignFixtures.factstrAppend(server, s, [("D", "{}"), ("E", "{}")])
            appended.signal()
        }
        let waiting =
            "SELECT count(DISTINCT pid) FROM pg_locks WHERE NOT granted AND relation IN ('\(s).events'::regclass, '\(s).append_batches'::regclass)"
        let deadline = Date().addingTimeInterval(60)
        while try one(server, waiting) == "0", Date() < deadline { usleep(20_000) }

        let c = try collector(server)
        defer { c.close() }
        let first = try c.snapshot()
        let f = try #require(first.foreign?.first { $0.kind == .factstr && $0.schema == s }, "\(first.errors)")
        #expect(f.writersWaiting.map(String.init) == (try one(server, waiting)) && f.writersWaiting == 1)
        let batches = try server.admin(
            SQL(
                unsafeRaw: """
                    SELECT count(*), avg(last_sequence_number - first_sequence_number + 1)::float8, max(last_sequence_number - first_sequence_number + 1)
                      FROM \(s).append_batches
                    """)
        ).rows[0]
        #expect(f.batchesSampled.map(String.init) == batches[0] && f.batchSizeMax.map(String.init) == batches[2])
        #expect(abs((f.batchSizeAvg ?? 0) - (try batches.decode(1, as: Double.self))) < 1e-9)
        #expect(f.appendRatePerSecond == nil, "no previous head on the first snapshot")

        try holder.query("COMMIT")
        #expect(appended.wait(timeout: .now() + 60) == .success)
        let second = try c.snapshot()
        let g = try #require(second.foreign?.first { $0.kind == .factstr && $0.schema == s }, "\(second.errors)")
        let head = try #require(try one(server, "SELECT max(sequence_number) FROM \(s).events").flatMap(Int64.init))
        let rate = Double(head - Int64(f.head!)!) / second.clock.timeIntervalSince(first.clock)
        #expect(g.head == String(head) && abs((g.appendRatePerSecond ?? -1) - rate) < 1e-9, "\(String(describing: g.appendRatePerSecond)) vs \(rate)")
        #expect(g.writersWaiting == 0 && g.batchesSampled == 3)
    }

    @Test func zestorOutboxGrowthIsTheHeadIdDeltaOverTime() throws {
        let server = try TestServer.current().inDatabase("storetop_foreign")
        let schema = TestServer.freshSchemaName("zst")
        let w = try ZFAFixtures.connect(server)
        defer { w.close(); server.dropSchema(schema) }
        try ZFAFixtures.createZestor(w, schema: schema)
        try ForeignFixtures.grantReads(server, schema)
        try ZFAFixtures.zestorSet(w, ns: 0, kind: "orders", key: "a", value: [1])
        let c = try collector(server)
        defer { c.close() }
        let first = try c.snapshot()
        let o1 = try #require(first.foreign?.first { $0.schema == schema }?.outboxes.first, "\(first.errors)")
        #expect(o1.rowsPerSecond == nil)
        for i in 0..<4 { try ZFAFixtures.zestorSet(w, ns: 0, kind: "orders", key: "b\(i)", value: [2]) }
        let second = try c.snapshot()
        let o2 = try #require(second.foreign?.first { $0.schema == schema }?.outboxes.first)
        let head = try #require(
            try one(server, "SELECT max(id) FROM \(schema).zestor_outbox WHERE ns_id = 0 AND kind = 'orders'").flatMap(Int64.init))
        #expect(o2.headID == head)
        let rate = Double(head - o1.headID) / second.clock.timeIntervalSince(first.clock)
        #expect(abs((o2.rowsPerSecond ?? -1) - rate) < 1e-9 && rate > 0)
    }

    /// Under --all-databases, axon stores of one name in two databases stay two stores, each with its namespaces.
    @Test func axonStoresAreKeyedByDatabase() throws {
        let foreign = try TestServer.current().inDatabase("storetop_foreign")
        let home = try TestServer.current()
        let name = "ax\(UInt32.random(in: 0...UInt32.max))"
        let sessions = [
            try ZFAFixtures.connect(foreign, applicationName: "axon-store/\(name)/acme"),
            try ZFAFixtures.connect(foreign, applicationName: "axon-store/\(name)/acme"),
            try ZFAFixtures.connect(foreign, applicationName: "axon-store/\(name)"),
            try ZFAFixtures.connect(home, applicationName: "axon-store/\(name)/beta"),
        ]
        defer { for s in sessions { s.close() } }
        let c = try collector(foreign, allDatabases: true)
        defer { c.close() }
        let snap = try c.snapshot()
        let stores = (snap.foreign ?? []).filter { $0.kind == .axon && $0.schema == name }
        let expected = try foreign.admin(
            SQL(
                "SELECT datname, coalesce(nullif(split_part(application_name, '/', 3), ''), '') AS ns, count(*) FROM pg_stat_activity WHERE application_name LIKE \("axon-store/\(name)%") GROUP BY 1, 2 ORDER BY 1, 2"
            )
        ).rows
        let got = stores.flatMap { s in s.namespaces.map { "\(s.database ?? "?")/\($0.name)=\($0.sessions)" } }.sorted()
        #expect(got == expected.map { "\($0[0]!)/\($0[1]!)=\($0[2]!)" }.sorted())
        #expect(Set(stores.compactMap(\.database)).count == 2 && stores.count == 2, "\(stores.map(\.label))")
        #expect(stores.map { $0.listeners ?? 0 }.reduce(0, +) == 4)
    }

    /// Every statement the factstr and eventcore panels can send runs against a schema of their kind (eventcore's
    /// two heads each against its own version's schema), and is named as theirs.
    @Test func everyFactstrAndEventcoreStatementRuns() throws {
        let server = try TestServer.current().inDatabase("storetop_foreign")
        let f = TestServer.freshSchemaName("fst"), e2 = TestServer.freshSchemaName("ec2"), e1 = TestServer.freshSchemaName("ec01")
        defer { for x in [f, e2, e1] { server.dropSchema(x) } }
        try ForeignFixtures.factstr(server, f)
        try ForeignFixtures.eventcore2(server, e2)
        try ForeignFixtures.eventcore01(server, e1)
        let c = try Connection(try ConnectionString(server.directDSN))
        defer { c.close() }
        func runs(_ sql: SQL) -> Bool { (try? c.query(sql)) != nil }
        for sql in FactstrPanel.statements(try Identifier(f)) {
            #expect(runs(sql) && sql.name?.hasPrefix("metrics.foreign.factstr_") == true, "\(sql.name ?? "?")")
        }
        let v2 = EventcorePanel.statements(try Identifier(e2)), v1 = EventcorePanel.statements(try Identifier(e1))
        for (a, b) in zip(v2, v1) {
            #expect(runs(a) || runs(b), "\(a.name ?? "?") runs against neither version's schema")
            #expect(a.name?.hasPrefix("metrics.foreign.eventcore_") == true)
        }
    }
}
