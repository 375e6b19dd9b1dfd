import Foundation
import StoreAccess

/// The sessions panel: client backends (bounded), with the blockers of those waiting on locks, grouped by
/// application_name (`SessionGroups`). The window count is the number of client backends, which the server
/// panel reports as connections in use.
enum SessionsPanel: Panel {
    static let name = "sessions"
    /// At most this many backends are read.
    static let limit = 2000

    static func statements(_ schema: Identifier) -> [SQL] { [statement(all: false), statement(all: true)] }

    /// The client backends of the store's database (`all`: of every database), with the whole cluster's count and
    /// whether this role sees every session's details (`pg_monitor` or superuser; otherwise PostgreSQL shows other
    /// roles' sessions without their query, state and times). The first row carries the counts even when no backend
    /// matches (the LATERAL side is then NULL).
    static func statement(all: Bool) -> SQL {
        let scope = all ? "" : " AND a.datname = current_database()"
        return SQL(
            """
            SELECT t.cluster_backends, t.sees_all, b.*
              FROM (SELECT (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend') AS cluster_backends,
                           pg_has_role(current_user, 'pg_monitor', 'USAGE')
                           OR (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS sees_all) t
              LEFT JOIN LATERAL (
                   SELECT a.pid, coalesce(a.application_name, '') AS application_name, a.usename, coalesce(a.state, 'unknown') AS state,
                          a.wait_event_type, a.wait_event, a.query_start, a.xact_start, a.state_change, age(a.backend_xmin) AS xmin_age,
                          CASE WHEN a.wait_event_type = 'Lock' THEN pg_blocking_pids(a.pid)::text END AS blocked_by,
                          left(a.query, 300) AS query, a.datname, a.query_id
                     FROM pg_stat_activity a
                    WHERE a.backend_type = 'client backend' AND a.pid <> pg_backend_pid()\(unsafeRaw: scope)
                    ORDER BY a.xact_start NULLS LAST LIMIT \(unsafeRaw: String(limit))) b ON true
            """
        ).named(all ? "metrics.sessions_cluster" : "metrics.sessions")
    }

    /// Reads and groups the backends; `count` is every client backend of the cluster, this one included.
    /// - Parameters:
    ///   - all: every database's sessions (those of other databases grouped apart, as other clients named by database).
    ///   - database: the store's database.
    ///   - now: the snapshot's instant (`Snapshot.clock`), for every age.
    static func read(
        _ c: Connection, blockers: [Snapshot.DeliveryBlocker], all: Bool = false, database: String? = nil, now: Date = Date(),
        count: inout Int?
    ) throws -> Snapshot.Sessions {
        let rows = try c.query(statement(all: all)).rows
        count = try rows.first?.decode("cluster_backends", as: Int.self)
        let backends = try rows.filter { $0["pid"] != nil }.map(decode)
        var s = SessionGroups.group(backends, blockers: blockers, now: now, database: all ? database : nil)
        s.seesAll = try rows.first?.decodeOptional("sees_all", as: Bool.self) ?? true
        s.allDatabases = all
        return s
    }

    /// One backend from its row.
    static func decode(_ r: Row) throws -> Snapshot.Backend {
        let blocked = (r["blocked_by"] ?? "{}").trimmingCharacters(in: CharacterSet(charactersIn: "{}"))
            .split(separator: ",").compactMap { Int32($0) }
        return Snapshot.Backend(
            pid: try r.decode("pid"), applicationName: try r.decode("application_name"), user: r["usename"],
            state: try r.decode("state"), waitEventType: r["wait_event_type"], waitEvent: r["wait_event"],
            queryStart: try r.decodeOptional("query_start"), transactionStart: try r.decodeOptional("xact_start"),
            stateChange: try r.decodeOptional("state_change"), xminAge: try r.decodeOptional("xmin_age"),
            blockedBy: blocked, query: QueryText.redactPasswords(r["query"] ?? ""), database: r["datname"],
            queryId: try r.decodeOptional("query_id"))
    }
}
