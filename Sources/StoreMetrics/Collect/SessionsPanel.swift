import Foundation
import StoreAccess

/// The sessions panel: client backends (bounded), with the blockers of those waiting on locks, grouped by
/// application_name (`SessionGroups`). The window count is the number of client backends, which the server
/// panel reports as connections in use.
enum SessionsPanel: Panel {
    static let name = "sessions"

    static func statements(_ schema: Identifier) -> [SQL] { [statement()] }

    static func statement() -> SQL {
        SQL("""
            SELECT pid, coalesce(application_name, '') AS application_name, usename, coalesce(state, 'unknown') AS state,
                   wait_event_type, wait_event, query_start, xact_start, state_change, age(backend_xmin) AS xmin_age,
                   CASE WHEN wait_event_type = 'Lock' THEN pg_blocking_pids(pid)::text END AS blocked_by,
                   left(query, 300) AS query, count(*) OVER () AS backends
              FROM pg_stat_activity
             WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()
             ORDER BY xact_start NULLS LAST LIMIT 2000
            """).named("metrics.sessions")
    }

    /// Reads and groups the backends; `count` is every client backend but this one (beyond the bound too).
    static func read(_ c: Connection, blockers: [Snapshot.DeliveryBlocker], count: inout Int?) throws -> Snapshot.Sessions {
        let rows = try c.query(statement()).rows
        count = try rows.first?.decode("backends", as: Int.self) ?? 0
        return SessionGroups.group(try rows.map(decode), blockers: blockers, now: Date())
    }

    /// One backend from its row.
    static func decode(_ r: Row) throws -> Snapshot.Backend {
        let blocked = (r["blocked_by"] ?? "{}").trimmingCharacters(in: CharacterSet(charactersIn: "{}"))
            .split(separator: ",").compactMap { Int32($0) }
        return Snapshot.Backend(pid: try r.decode("pid"), applicationName: try r.decode("application_name"), user: r["usename"],
                                state: try r.decode("state"), waitEventType: r["wait_event_type"], waitEvent: r["wait_event"],
                                queryStart: try r.decodeOptional("query_start"), transactionStart: try r.decodeOptional("xact_start"),
                                stateChange: try r.decodeOptional("state_change"), xminAge: try r.decodeOptional("xmin_age"),
                                blockedBy: blocked, query: r["query"] ?? "")
    }
}

/// The pools panel: what each StoreAccess pool reported about itself (`pool_reports`).
enum PoolsPanel: Panel {
    static let name = "pools"

    static func statements(_ schema: Identifier) -> [SQL] { [statement(schema)] }

    static func statement(_ schema: Identifier) -> SQL {
        SQL("""
            SELECT host, pid, started_at, application_name, service, store, tenant, interval_ms,
                   extract(epoch FROM now() - reported_at) AS report_age, size, idle, in_use, waiting, max_size, peak_in_use,
                   acquisitions_total, timeouts_total, connection_errors_total, acquire_mean_ms, acquire_p99_ms
              FROM \(ident: schema).pool_reports ORDER BY service, store, tenant, host, pid LIMIT 1000
            """).named("metrics.pools")
    }

    static func read(_ c: Connection, _ schema: Identifier) throws -> [Snapshot.Pool] {
        try c.query(statement(schema)).rows.map(decode)
    }

    /// One pool from its row; stale when the report missed three intervals.
    static func decode(_ r: Row) throws -> Snapshot.Pool {
        let interval: Int = try r.decode("interval_ms")
        let age: Double = try r.decode("report_age")
        return Snapshot.Pool(host: try r.decode("host"), pid: try r.decode("pid"), startedAt: try r.decode("started_at"),
                             applicationName: try r.decode("application_name"), service: try r.decode("service"),
                             store: try r.decode("store"), tenant: try r.decode("tenant"), intervalMilliseconds: interval,
                             reportAgeSeconds: age, size: try r.decode("size"), idle: try r.decode("idle"), inUse: try r.decode("in_use"),
                             waiting: try r.decode("waiting"), maxSize: try r.decode("max_size"), peakInUse: try r.decode("peak_in_use"),
                             acquisitionsTotal: try r.decode("acquisitions_total"), timeoutsTotal: try r.decode("timeouts_total"),
                             connectionErrorsTotal: try r.decode("connection_errors_total"),
                             acquireMeanMilliseconds: try r.decode("acquire_mean_ms"), acquireP99Milliseconds: try r.decode("acquire_p99_ms"),
                             stale: age * 1000 > Double(3 * interval))
    }
}
