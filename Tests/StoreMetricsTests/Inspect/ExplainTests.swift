import Foundation
import StoreAccess
import StoreTestSupport
import Testing

@testable import StoreMetrics

/// `BackendInspector.explain` on real backends: an idle backend's last SELECT is planned; DML, a cut-off text, a
/// statement with bind parameters, a data-modifying WITH and another database's backend are refused; nothing is
/// ever run with ANALYZE (pg_stat_statements, where the server has it, and the plan's own lines).
@Suite(.serialized) struct ExplainTests {
    @Test func anIdleSelectIsPlannedAndEverythingElseIsRefused() throws {
        let f = try InspectFixture()
        defer { f.drop() }
        let s = f.schema
        let tracked = try Self.statementsTracked(f.server)
        let inspector = try BackendInspector(dsn: f.server.dsn)
        defer { inspector.close() }
        let select = try f.connect(), dml = try f.connect(), long = try f.connect(), bound = try f.connect(), cte = try f.connect()
        defer { for c in [select, dml, long, bound, cte] { c.close() } }

        try select.query(SQL(unsafeRaw: "SELECT id, v FROM \"\(s)\".orders WHERE id = 42"))
        guard case .plan(let lines) = try inspector.explain(pid: select.backendPID) else {
            Issue.record("an idle SELECT was not planned: \(try inspector.explain(pid: select.backendPID))")
            return
        }
        #expect(lines.contains { $0.contains("cost=") } && lines.contains { $0.contains("orders") }, "\(lines)")
        #expect(!lines.contains { $0.contains("actual time") }, "EXPLAIN without ANALYZE: \(lines)")

        try dml.query("BEGIN")
        try dml.query(SQL(unsafeRaw: "UPDATE \"\(s)\".orders SET v = v + 1 WHERE id = 7"))
        #expect(Self.refusal(try inspector.explain(pid: dml.backendPID)).contains("UPDATE"))
        try dml.query("ROLLBACK")

        let size = try #require(
            try f.server.admin("SELECT setting::int AS size FROM pg_settings WHERE name = 'track_activity_query_size'").first?
                .decode("size", as: Int.self))
        let pad = String(repeating: "x", count: size + 100)
        try long.query(SQL(unsafeRaw: "SELECT id FROM \"\(s)\".orders WHERE id = 42 OR '\(pad)' = ''"))
        #expect(Self.refusal(try inspector.explain(pid: long.backendPID)).contains("cut off"))
        let cut = try #require(try inspector.detail(pid: long.backendPID))
        #expect(cut.queryTruncated && cut.query.utf8.count == size - 1 && cut.trackActivityQuerySize == size)

        try bound.query(SQL("SELECT v FROM \(ident: try Identifier(s)).orders WHERE id = \(42)"))
        #expect(Self.refusal(try inspector.explain(pid: bound.backendPID)).contains("$1"))

        try cte.query(SQL(unsafeRaw: "WITH gone AS (DELETE FROM \"\(s)\".orders WHERE id = -1 RETURNING id) SELECT count(*) FROM gone"))
        #expect(Self.refusal(try inspector.explain(pid: cte.backendPID)).contains("DELETE"))

        #expect(Self.refusal(try inspector.explain(pid: Int32.max)).contains("ended"))
        if tracked {
            // the inspector's EXPLAIN is there; no statement about this schema was ever run with ANALYZE
            let texts = try f.server.admin(SQL("SELECT query FROM pg_stat_statements WHERE strpos(query, \(s)) > 0")).rows.compactMap { $0[0] }
            #expect(texts.contains { $0.hasPrefix("EXPLAIN") }, "\(texts)")
            #expect(!texts.contains { $0.localizedCaseInsensitiveContains("ANALYZE") }, "\(texts)")
        }
    }

    /// A backend of another database: its query cannot be planned here, and the reason says so.
    @Test func aBackendOfAnotherDatabaseIsRefused() throws {
        let server = try TestServer.current()
        let elsewhere = try server.inDatabase("storetop_inspect_other")
        let c = try Connection(try ConnectionString(elsewhere.directDSN))
        defer { c.close() }
        try c.query("SELECT 1")
        let inspector = try BackendInspector(dsn: server.dsn)
        defer { inspector.close() }
        let why = Self.refusal(try inspector.explain(pid: c.backendPID))
        #expect(why.contains("database storetop_inspect_other"), "\(why)")
        #expect(try inspector.detail(pid: c.backendPID)?.database == "storetop_inspect_other")
    }

    /// A table another session locks: planning waits at most the lock timeout (100 ms) and is refused saying so; a
    /// temporary table of the other session cannot be planned here, and the server's message says why.
    @Test func aLockedTableAndAnotherSessionsTemporaryTableAreRefused() throws {
        let f = try InspectFixture()
        defer { f.drop() }
        let s = f.schema
        let reader = try f.connect(), locker = try f.connect(), temp = try f.connect()
        defer { for c in [reader, locker, temp] { c.close() } }
        try reader.query(SQL(unsafeRaw: "SELECT id, v FROM \"\(s)\".orders WHERE id = 42"))
        try locker.query("BEGIN")
        try locker.query(SQL(unsafeRaw: "LOCK TABLE \"\(s)\".orders IN ACCESS EXCLUSIVE MODE"))
        defer { _ = try? locker.query("ROLLBACK") }
        let inspector = try BackendInspector(dsn: f.server.dsn)
        defer { inspector.close() }
        let t0 = ContinuousClock.now
        let why = Self.refusal(try inspector.explain(pid: reader.backendPID))
        #expect(why.contains("not granted within 100 ms"), "\(why)")
        #expect(t0.duration(to: .now) < .seconds(2), "one short wait, not a statement timeout")
        try locker.query("ROLLBACK")

        try temp.query("CREATE TEMPORARY TABLE scratch (id int)")
        try temp.query("SELECT count(*) FROM scratch")
        let missing = Self.refusal(try inspector.explain(pid: temp.backendPID))
        #expect(missing.contains("could not plan it here") && missing.contains("scratch"), "\(missing)")
        // the inspector's connection is clean afterwards: no transaction left open, the next plan works
        guard case .plan = try inspector.explain(pid: reader.backendPID) else {
            Issue.record("no plan after the refusals")
            return
        }
    }

    /// Plan lines quote the query's constants: a password in a connection string is masked as in query texts.
    @Test func aPasswordInThePlanIsMasked() throws {
        let f = try InspectFixture()
        defer { f.drop() }
        let c = try f.connect()
        defer { c.close() }
        try c.query(SQL(unsafeRaw: "SELECT id FROM \"\(f.schema)\".orders WHERE v::text <> 'host=db password=hunter2'"))
        let inspector = try BackendInspector(dsn: f.server.dsn)
        defer { inspector.close() }
        guard case .plan(let lines) = try inspector.explain(pid: c.backendPID) else {
            Issue.record("not planned")
            return
        }
        #expect(lines.contains { $0.contains("password=") } && !lines.contains { $0.contains("hunter2") }, "\(lines)")
    }

    /// A terminated inspector connection is replaced: the next read works without the caller doing anything.
    @Test func theInspectorReconnectsAfterItsBackendWasTerminated() throws {
        let server = try TestServer.current()
        let inspector = try BackendInspector(dsn: server.directDSN)
        defer { inspector.close() }
        let own = try inspector.pool.withConnection { $0.backendPID }
        let name = try #require(try inspector.detail(pid: own)).applicationName
        #expect(name == "st:storetop/inspect")
        try server.admin(SQL("SELECT pg_terminate_backend(\(own))"))
        let f = try InspectFixture()
        defer { f.drop() }
        #expect(try f.eventually { try server.admin(SQL("SELECT 1 FROM pg_stat_activity WHERE pid = \(own)")).rows.isEmpty })
        #expect(try inspector.detail(pid: Int32.max) == nil, "the first read after the break works")
        #expect(try inspector.explain(pid: own) == .refused("backend \(own) has ended"))
        let again = try inspector.pool.withConnection { $0.backendPID }
        let detail = try inspector.detail(pid: again)
        #expect(again != own && detail?.pid == again)
    }

    /// The reason of a refusal ("" for a plan).
    static func refusal(_ outcome: ExplainOutcome) -> String {
        if case .refused(let why) = outcome { return why }
        return ""
    }

    /// True when pg_stat_statements records this database's statements: created by scripts/pg, or here when the
    /// server preloads it but the database lacks it.
    static func statementsTracked(_ server: TestServer) throws -> Bool {
        if try !server.admin("SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements'").rows.isEmpty { return true }
        let preloaded =
            try server.admin(
                """
                SELECT 1 FROM pg_available_extensions WHERE name = 'pg_stat_statements'
                   AND current_setting('shared_preload_libraries') LIKE '%pg_stat_statements%'
                """
            ).rows.isEmpty == false
        guard preloaded else { return false }
        do { try server.admin("CREATE EXTENSION IF NOT EXISTS pg_stat_statements") } catch let e as StoreError
            where e.has(.uniqueViolation) || e.has(.duplicateDatabase)
        {}  // created by a test running alongside
        return true
    }
}
