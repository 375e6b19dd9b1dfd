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

    /// The client backends of the store's database (`all`: of every database), when each started waiting for a lock,
    /// with the whole cluster's count and whether this role sees every session's details (`pg_monitor` or superuser;
    /// otherwise PostgreSQL shows other roles' sessions without their query, state and times). The first row carries
    /// the counts even when no backend matches (the LATERAL side is then NULL).
    ///
    /// One pass over the backends: `pg_stat_get_activity(NULL)` (what `pg_stat_activity` reads) is called once and
    /// kept (`a`, its query text already cut to 300 characters); the count and the rows both come from it. Each call
    /// builds a row for every backend and looks each one's process up in the proc array (a linear search), so its cost
    /// grows with the square of the backends (Benchmarks/results/scale-server.md). User and database names are
    /// looked up for the rows shown only (`pg_get_userbyid` is a cache lookup; NULL for a dropped role, as the view
    /// gives; `pg_database` is searched only for another database's backends), and `pg_locks` (a pass over every
    /// backend's lock slots) is read only when some backend waits on a lock.
    static func statement(all: Bool) -> SQL {
        let scope = all ? "" : " AND a.datid = (SELECT d.oid FROM pg_database d WHERE d.datname = current_database())"
        return SQL(
            """
            WITH a AS MATERIALIZED (
                   SELECT s.pid, s.datid, s.usesysid, s.application_name, s.state, s.wait_event_type, s.wait_event, s.query_start,
                          s.xact_start, s.state_change, s.backend_xmin, left(s.query, 300) AS query, s.client_addr, s.client_port,
                          s.backend_start, s.query_id
                     FROM pg_stat_get_activity(NULL) s WHERE s.backend_type = 'client backend')
            SELECT t.cluster_backends, t.sees_all, b.*
              FROM (SELECT (SELECT count(*) FROM a) AS cluster_backends,
                           pg_has_role(current_user, 'pg_monitor', 'USAGE')
                           OR (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS sees_all) t
              LEFT JOIN LATERAL (
                   SELECT a.pid, coalesce(a.application_name, '') AS application_name,
                          nullif(pg_get_userbyid(a.usesysid), 'unknown (OID=' || a.usesysid || ')') AS usename,
                          coalesce(a.state, 'unknown') AS state, a.wait_event_type, a.wait_event, a.query_start, a.xact_start,
                          a.state_change, age(a.backend_xmin) AS xmin_age,
                          CASE WHEN a.wait_event_type = 'Lock' THEN pg_blocking_pids(a.pid)::text END AS blocked_by,
                          a.query,
                          CASE WHEN a.datid = (SELECT d.oid FROM pg_database d WHERE d.datname = current_database()) THEN current_database()
                               ELSE (SELECT d.datname FROM pg_database d WHERE d.oid = a.datid) END AS datname,
                          host(a.client_addr) AS client_addr, nullif(a.client_port, -1) AS client_port, a.backend_start,
                          w.wait_start, a.query_id
                     FROM a
                     LEFT JOIN (SELECT l.pid, min(l.waitstart) AS wait_start FROM pg_locks l
                                 WHERE NOT l.granted AND EXISTS (SELECT FROM a WHERE a.wait_event_type = 'Lock')
                                 GROUP BY l.pid) w ON w.pid = a.pid
                    WHERE a.pid <> pg_backend_pid()\(unsafeRaw: scope)
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
            clientAddress: r["client_addr"], clientPort: try r.decodeOptional("client_port"),
            backendStart: try r.decodeOptional("backend_start"), waitStart: try r.decodeOptional("wait_start"),
            queryId: try r.decodeOptional("query_id"))
    }
}
