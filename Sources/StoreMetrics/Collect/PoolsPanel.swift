import Foundation
import StoreAccess

/// The pools panel: what each StoreAccess pool reported about itself (`pool_reports`).
enum PoolsPanel: Panel {
    static let name = "pools"

    static func statements(_ schema: Identifier) -> [SQL] { [statement(schema)] }

    static func statement(_ schema: Identifier) -> SQL {
        SQL(
            """
            SELECT host, pid, started_at, application_name, service, store, tenant, interval_ms,
                   extract(epoch FROM now() - reported_at) AS report_age, size, idle, in_use, waiting, max_size, peak_in_use,
                   acquisitions_total, timeouts_total, connection_errors_total, acquire_mean_ms, acquire_p99_ms
              FROM \(ident: schema).pool_reports ORDER BY service, store, tenant, host, pid LIMIT 1000
            """
        ).named("metrics.pools")
    }

    static func read(_ c: Connection, _ schema: Identifier) throws -> [Snapshot.Pool] {
        try c.query(statement(schema)).rows.map(decode)
    }

    /// One pool from its row; stale when the report missed three intervals.
    static func decode(_ r: Row) throws -> Snapshot.Pool {
        let interval: Int = try r.decode("interval_ms")
        let age: Double = try r.decode("report_age")
        return Snapshot.Pool(
            host: try r.decode("host"), pid: try r.decode("pid"), startedAt: try r.decode("started_at"),
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
