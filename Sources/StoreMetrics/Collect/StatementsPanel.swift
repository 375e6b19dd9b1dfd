import Foundation
import StoreAccess

/// The statements panel: pg_stat_statements' most expensive entries (top `limit` by total execution time), with role
/// and database names, and pg_wait_sampling's profile when that extension is there. The extensions' schemas are
/// looked up first (`metrics.statements_lookup`, one catalog statement); without pg_stat_statements the panel sends
/// nothing more and the snapshot's `statementStatistics` is nil, with no error.
enum StatementsPanel: Panel {
    static let name = "statements"
    /// At most this many entries are read.
    static let limit = 200
    /// The last read (nil inside: the extension is not there) and when it was made.
    typealias Carry = (read: Snapshot.Statements?, at: ContinuousClock.Instant)

    /// The lookup and both forms of the read, in `public` where the test server installs the extension (pg_wait_sampling's
    /// statement is left out: that extension is not packaged for the test server).
    static func statements(_ schema: Identifier) -> [SQL] {
        let sample = try! Identifier("public")
        return [lookup, statement(sample, all: false, info: true), statement(sample, all: true, info: false)]
    }

    /// Where the extensions are installed, and whether this role sees other roles' query texts.
    static let lookup = SQL(
        """
        SELECT (SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
                 WHERE e.extname = 'pg_stat_statements') AS statements_schema,
               (SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
                 WHERE e.extname = 'pg_wait_sampling') AS wait_sampling_schema,
               (SELECT to_regclass(quote_ident(n.nspname) || '.pg_stat_statements_info') IS NOT NULL
                  FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
                 WHERE e.extname = 'pg_stat_statements') AS has_info,
               pg_has_role(current_user, 'pg_read_all_stats', 'USAGE')
               OR (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS sees_all
        """
    ).named("metrics.statements_lookup")

    /// The top entries by total execution time, summed per query id, role and database (top-level and nested rows
    /// together). Another role's entries that this role may not see have no query id: they are summed per role and
    /// database. `info`: the extension has `pg_stat_statements_info` (its reset time).
    static func statement(_ schema: Identifier, all: Bool, info: Bool) -> SQL {
        let scope = all ? "" : "WHERE s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database())"
        let reset = info ? "(SELECT stats_reset FROM \(schema.quoted).pg_stat_statements_info)" : "NULL::timestamptz"
        return SQL(
            """
            SELECT t.queryid, t.userid::int8 AS userid, t.dbid::int8 AS dbid, r.rolname, d.datname, t.calls, t.total_exec_time,
                   t.rows, t.query, \(unsafeRaw: reset) AS stats_reset, clock_timestamp() AS read_at
              FROM (SELECT s.queryid, s.userid, s.dbid, sum(s.calls)::int8 AS calls, sum(s.total_exec_time) AS total_exec_time,
                           sum(s.rows)::int8 AS rows, left(min(s.query), 300) AS query
                      FROM \(ident: schema).pg_stat_statements s \(unsafeRaw: scope)
                     GROUP BY s.queryid, s.userid, s.dbid
                     ORDER BY 5 DESC LIMIT \(unsafeRaw: String(limit))) t
              LEFT JOIN pg_roles r ON r.oid = t.userid
              LEFT JOIN pg_database d ON d.oid = t.dbid
             ORDER BY t.total_exec_time DESC
            """
        ).named(all ? "metrics.statements_cluster" : "metrics.statements")
    }

    /// pg_wait_sampling's profile per wait event (untested here: the extension is not packaged for the test server).
    static func waitProfile(_ schema: Identifier) -> SQL {
        SQL(
            """
            SELECT event_type, event, sum(count)::int8 AS count
              FROM \(ident: schema).pg_wait_sampling_profile
             WHERE event_type IS NOT NULL GROUP BY event_type, event ORDER BY 3 DESC LIMIT 100
            """
        ).named("metrics.wait_sampling")
    }

    /// Reads the panel: nil when pg_stat_statements is not installed in this database. `statements` counts the
    /// statements sent beyond the first.
    static func read(_ c: Connection, all: Bool, statements: inout Int) throws -> Snapshot.Statements? {
        guard let found = try c.query(lookup).rows.first, let name: String = found["statements_schema"] else { return nil }
        let seesAll = try found.decodeOptional("sees_all", as: Bool.self) ?? false
        let rows = try c.query(statement(try Identifier(name), all: all, info: try found.decodeOptional("has_info", as: Bool.self) ?? false)).rows
        statements += 1
        var out = Snapshot.Statements(
            readAt: try rows.first?.decodeOptional("read_at") ?? Date(), schema: name, entries: try rows.map(decode), limit: limit,
            allDatabases: all, seesAllTexts: seesAll, statsReset: try rows.first?.decodeOptional("stats_reset"))
        if let sampling: String = found["wait_sampling_schema"] {
            statements += 1
            out.waitProfile = try c.query(waitProfile(try Identifier(sampling))).rows.map {
                Snapshot.WaitSample(type: try $0.decode("event_type"), event: $0["event"] ?? "", count: try $0.decode("count"))
            }
        }
        return out
    }

    /// One entry from its row.
    static func decode(_ r: Row) throws -> Snapshot.Statement {
        let id: Int64? = try r.decodeOptional("queryid")
        let hidden = id == nil || r["query"] == "<insufficient privilege>"
        return Snapshot.Statement(
            queryId: id, userId: try r.decode("userid"), databaseId: try r.decode("dbid"), user: r["rolname"], database: r["datname"],
            calls: try r.decode("calls"), totalExecMilliseconds: try r.decode("total_exec_time"), rows: try r.decode("rows"),
            query: hidden ? "<insufficient privilege>" : QueryText.redactPasswords(r["query"] ?? ""), hidden: hidden)
    }
}
