import Foundation
import StoreAccess
import StoreTestSupport
import Testing

@testable import StoreMetrics

/// Top queries against the test server's pg_stat_statements: a query run N times is found with its calls, at least
/// the time it slept, its shape and the group that ran it; without the extension there is no figure and no error;
/// a role without pg_read_all_stats sees other roles' entries labelled, never their texts.
@Suite(.serialized) struct TopQueriesIntegrationTests {
    func one(_ server: TestServer, _ sql: String) throws -> String? { try server.admin(SQL(unsafeRaw: sql)).first?[0] }

    @Test func aQueryRunNTimesIsFoundWithItsCallsTimeShapeAndGroup() throws {
        let server = try TestServer.current()
        let table = "topq_\(UInt32.random(in: 0...UInt32.max))"
        _ = try server.admin(SQL(unsafeRaw: "CREATE TABLE public.\(table) (x int)"))
        _ = try server.admin(SQL(unsafeRaw: "GRANT SELECT ON public.\(table) TO app"))
        defer { _ = try? server.admin(SQL(unsafeRaw: "DROP TABLE IF EXISTS public.\(table)")) }
        let runner = try Connection(
            try ConnectionString(server.directDSN), applicationName: ApplicationName(service: "topsvc", store: "reports", tenant: "acme"))
        defer { runner.close() }
        let sql = "SELECT pg_sleep(0.05), count(*) FROM public.\(table)"
        try runner.query(SQL(unsafeRaw: sql))  // the entry exists before the first read
        let id = try #require(
            try one(server, "SELECT queryid FROM pg_stat_statements WHERE query LIKE 'SELECT pg_sleep%\(table)%'").flatMap { Int64($0) })
        func counters() throws -> (Int64, Double) {
            let r = try #require(
                try server.admin(SQL(unsafeRaw: "SELECT sum(calls), sum(total_exec_time) FROM pg_stat_statements WHERE queryid = \(id)")).rows.first)
            return (Int64(r[0]!)!, Double(r[1]!)!)
        }
        let collector = try Collector(dsn: server.monitorDSN)
        defer { collector.close() }
        collector.statementsInterval = .zero  // every refresh reads it (three refreshes in two seconds)
        var history = History()
        _ = history.add(try collector.snapshot())
        let before = try counters()
        let n = 5
        for _ in 0..<(n - 1) { try runner.query(SQL(unsafeRaw: sql)) }
        // the last run is seen running (its query_id in pg_stat_activity) by a refresh
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) let r = runner
        Thread.detachNewThread {
            _ = try? r.query(SQL(unsafeRaw: sql.replacingOccurrences(of: "0.05", with: "1.5"))); done.signal()
        }
        Thread.sleep(forTimeInterval: 0.5)
        _ = history.add(try collector.snapshot())
        _ = done.wait(timeout: .now() + 10)
        let derived = history.add(try collector.snapshot())
        let after = try counters()
        let q = try #require(derived.topQueries.first { $0.queryId == id })
        #expect(q.calls == Int64(n) && q.calls == after.0 - before.0)
        #expect(abs(q.execMilliseconds - (after.1 - before.1)) < 0.01)
        #expect(q.execMilliseconds >= Double(n - 1) * 50 + 1500)
        #expect(q.shape == "SELECT pg_sleep(?), count(*) FROM public.\(table)")
        #expect(q.groups == ["st:topsvc/reports/acme"])
        #expect(q.users == ["app"] && !q.hidden)
    }

    @Test func withoutTheExtensionThereIsNoFigureAndNoError() throws {
        let server = try TestServer.current()
        let dsn = server.adminDSN.replacingOccurrences(of: "dbname=storetop_test", with: "dbname=postgres")
        #expect(try one(server, "SELECT count(*) FROM pg_extension WHERE extname = 'pg_stat_statements'") == "1")
        let collector = try Collector(dsn: dsn)
        defer { collector.close() }
        let s = try collector.snapshot()
        #expect(s.statementStatistics == nil)
        #expect(!s.errors.contains { $0.panel == StatementsPanel.name })
    }

    @Test func aRoleWithoutReadAllStatsSeesOtherRolesEntriesLabelled() throws {
        let server = try TestServer.current()
        _ = try server.admin("SELECT 1 AS admin_ran_this")
        let collector = try Collector(dsn: server.nobodyDSN)
        defer { collector.close() }
        let st = try #require(try collector.snapshot().statementStatistics)
        #expect(!st.seesAllTexts)
        let others = st.entries.filter { $0.user != "nobody" }
        #expect(!others.isEmpty)
        for e in others { #expect(e.hidden && e.queryId == nil && e.query == "<insufficient privilege>") }
        var history = History()
        var s = Snapshot(takenAt: Date())
        s.statementStatistics = st
        _ = history.add(s)
        // an entry that appeared after a complete read counts in full; hidden ones keep their label as shape
        var later = st
        later.readAt = st.readAt.addingTimeInterval(1)
        later.entries = st.entries.map {
            var e = $0; e.calls += 1; return e
        }
        s.takenAt = s.takenAt.addingTimeInterval(1)
        s.statementStatistics = later
        for q in history.add(s).topQueries where q.hidden { #expect(q.shape == "<insufficient privilege>" && q.calls >= 1) }
    }
}
