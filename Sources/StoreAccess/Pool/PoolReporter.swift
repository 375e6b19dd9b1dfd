import Foundation
import Logging

/// Publishes a pool's metrics into `<schema>.pool_reports` every interval, keyed by instance
/// (host, pid, pool start time), through the SQL function `pool_report_put`; removes the row on clean close.
/// A row whose `reported_at` is older than three intervals is stale (the process died or hangs).
final class PoolReporter: @unchecked Sendable {
    private weak var pool: Pool?
    private let schema: StoreSchema
    private let interval: Duration
    private let host: String
    private let pid: Int32
    private let startedAt: Date
    private var thread: BackgroundThread?

    init(pool: Pool, schema: StoreSchema, interval: Duration) {
        self.pool = pool
        self.schema = schema
        self.interval = interval
        self.host = ProcessInfo.processInfo.hostName
        self.pid = getpid()
        self.startedAt = pool.startedAt
    }

    /// Starts the reporting thread: a report now, then one every interval until `stop`.
    func start() {
        thread = BackgroundThread(name: "storeaccess-pool-reporter") { [self] thread in
            repeat { publish() } while thread.sleep(interval)
        }
    }

    /// Writes one report now.
    func publish() {
        guard let pool else { return }
        let m = pool.metrics()
        let name = pool.configuration.applicationName
        let sql: SQL = """
            SELECT \(ident: schema.name).pool_report_put(\(host), \(pid), \(startedAt), \(name.rendered), \(name.service), \
            \(name.store), \(name.tenant ?? ""), \(interval.milliseconds), \(m.size), \(m.idle), \(m.inUse), \(m.waiting), \
            \(m.maxConnections), \(m.minConnections), \(m.peakInUse), \(m.createdTotal), \(m.closedTotal), \
            \(m.acquisitionsTotal), \(m.timeoutsTotal), \(m.connectionErrorsTotal), \(m.acquireMeanMilliseconds), \
            \(m.acquireP99Milliseconds), \(m.acquireMaxMilliseconds))
            """
        do {
            let c = try pool.acquire(recording: false)
            defer { pool.release(c) }
            try c.query(sql.named("pool.report"))
        } catch {
            pool.logger.debug("pool report failed", metadata: ["error": "\(error)"])
        }
    }

    /// Stops the thread, waits for it, and deletes this instance's row.
    func stop() {
        thread?.stop(waitingUpTo: .seconds(5))
        guard let pool else { return }
        do {
            let c = try pool.acquire(recording: false)
            defer { pool.release(c) }
            try c.query(SQL("SELECT \(ident: schema.name).pool_report_remove(\(host), \(pid), \(startedAt))").named("pool.report_remove"))
        } catch {
            pool.logger.debug("pool report removal failed", metadata: ["error": "\(error)"])
        }
    }
}
