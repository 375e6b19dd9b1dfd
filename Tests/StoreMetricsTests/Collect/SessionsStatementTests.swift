import Foundation
import StoreAccess
import StoreTestSupport
import Testing

@testable import StoreMetrics

/// The sessions statement reads the backends in one pass (issue 23): every value it gives equals what the two-pass
/// form over `pg_stat_activity` and `pg_locks` gave, read in the same transaction (PostgreSQL keeps one copy of the
/// backends' status per transaction, so both see the same backends). On the server: a three-level lock chain (wait
/// starts and blockers), an idle session whose last query is 4 kB (cut to 300 characters), a session in another
/// database (only in the cluster form), and a session whose role was dropped while it stayed connected (no user
/// name), as the monitoring role and as a role without pg_monitor (which sees none of them: PostgreSQL hides other
/// roles' backend type from it, and both forms list client backends only).
@Suite(.serialized) struct SessionsStatementTests {
    /// The statement before issue 23 (two passes over pg_stat_activity, pg_locks always read), kept as the reference.
    static func twoPass(all: Bool) -> SQL {
        let scope = all ? "" : " AND a.datname = current_database()"
        return SQL(
            unsafeRaw: """
                SELECT t.cluster_backends, t.sees_all, b.*
                  FROM (SELECT (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend') AS cluster_backends,
                               pg_has_role(current_user, 'pg_monitor', 'USAGE')
                               OR (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS sees_all) t
                  LEFT JOIN LATERAL (
                       SELECT a.pid, coalesce(a.application_name, '') AS application_name, a.usename, coalesce(a.state, 'unknown') AS state,
                              a.wait_event_type, a.wait_event, a.query_start, a.xact_start, a.state_change, age(a.backend_xmin) AS xmin_age,
                              CASE WHEN a.wait_event_type = 'Lock' THEN pg_blocking_pids(a.pid)::text END AS blocked_by,
                              left(a.query, 300) AS query, a.datname, host(a.client_addr) AS client_addr,
                              nullif(a.client_port, -1) AS client_port, a.backend_start, w.wait_start, a.query_id
                         FROM pg_stat_activity a
                         LEFT JOIN (SELECT l.pid, min(l.waitstart) AS wait_start FROM pg_locks l
                                     WHERE NOT l.granted GROUP BY l.pid) w ON w.pid = a.pid
                        WHERE a.backend_type = 'client backend' AND a.pid <> pg_backend_pid()\(scope)
                        ORDER BY a.xact_start NULLS LAST LIMIT \(SessionsPanel.limit)) b ON true
                """)
    }

    /// Columns read live from the backends' process entries or the lock table (not from the per-transaction copy):
    /// compared only for this test's own sessions, which hold still; other tests' sessions move meanwhile.
    static let live: Set<String> = ["wait_event_type", "wait_event", "blocked_by", "wait_start"]

    @Test func onePassGivesWhatTheTwoPassFormGave() throws {
        let server = try TestServer.current()
        let schema = TestServer.freshSchemaName("ss")
        _ = try server.admin(SQL(unsafeRaw: "CREATE SCHEMA \"\(schema)\""))
        defer { server.dropSchema(schema) }
        let t = "\"\(schema)\".chain"
        _ = try server.admin(SQL(unsafeRaw: "CREATE TABLE \(t) (id int PRIMARY KEY, v int)"))
        _ = try server.admin(SQL(unsafeRaw: "INSERT INTO \(t) VALUES (1, 0), (2, 0)"))
        let chain = try LockChain(dsn: server.adminDSN, table: t, service: "sessions1p")
        defer { chain.release() }
        // an idle session whose last statement is 4 kB long
        let long = try Connection(try ConnectionString(server.directDSN))
        defer { long.close() }
        try long.query(SQL(unsafeRaw: "SELECT 1 /* \(String(repeating: "x", count: 4000)) */"))
        // a session in another database
        let elsewhere = try Connection(try ConnectionString(try server.inDatabase("storetop_foreign").directDSN))
        defer { elsewhere.close() }
        // a session whose role is dropped while it stays connected (the unix socket trusts every role)
        let role = "ss_gone_\(UInt32.random(in: 0...UInt32.max))"
        _ = try server.admin(SQL(unsafeRaw: "CREATE ROLE \(role) LOGIN"))
        let orphan = try Connection(try ConnectionString(server.adminDSN.replacingOccurrences(of: "user=postgres", with: "user=\(role)")))
        defer { orphan.close() }
        _ = try server.admin(SQL(unsafeRaw: "DROP ROLE \(role)"))
        let mine: Set<String> = Set(
            [chain.pids.root, chain.pids.first, chain.pids.second, long.backendPID, elsewhere.backendPID, orphan.backendPID].map { "\($0)" })

        for dsn in [server.monitorDSN, server.nobodyDSN] {
            let c = try Connection(try ConnectionString(dsn))
            defer { c.close() }
            for all in [false, true] {
                try c.query("BEGIN")
                let want = try c.query(Self.twoPass(all: all))
                let got = try c.query(SessionsPanel.statement(all: all))
                try c.query("COMMIT")
                #expect(got.columns == want.columns)
                let w = Self.byPID(want), g = Self.byPID(got)
                #expect(Set(g.keys) == Set(w.keys), "all: \(all)")
                #expect(want.first?["cluster_backends"] == got.first?["cluster_backends"])
                #expect(want.first?["sees_all"] == got.first?["sees_all"])
                for (pid, row) in w {
                    guard let other = g[pid] else { continue }
                    for (i, name) in want.columns.enumerated() where mine.contains(pid) || !Self.live.contains(name) {
                        #expect(row.values[i] == other.values[i], "pid \(pid), column \(name), all: \(all), \(dsn.prefix(20))")
                    }
                }
                // this test's sessions are there, with what they show, to the monitoring role; a role without
                // pg_monitor sees no other role's backend type, so neither form lists them
                guard dsn == server.monitorDSN else {
                    #expect(mine.isDisjoint(with: g.keys), "all: \(all)")
                    continue
                }
                #expect(g[String(chain.pids.second)]?["blocked_by"] == "{\(chain.pids.first)}")
                #expect(g[String(chain.pids.first)]?["wait_start"] != nil)
                #expect(g[String(long.backendPID)]?["query"]?.count == 300)
                #expect((g[String(elsewhere.backendPID)] != nil) == all)
                #expect(g[String(orphan.backendPID)] != nil && g[String(orphan.backendPID)]?["usename"] == nil)
            }
        }
    }

    /// The rows that name a backend, by pid.
    static func byPID(_ r: QueryResult) -> [String: Row] {
        Dictionary(r.rows.compactMap { row in row["pid"].map { ($0, row) } }, uniquingKeysWith: { a, _ in a })
    }
}
