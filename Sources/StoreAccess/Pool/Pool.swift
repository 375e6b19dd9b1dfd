import Foundation
import Histogram
import Logging

/// A bounded, lazy pool of libpq connections, safe to use from many threads and tasks at once.
///
/// Calls block the calling thread (as libpq does) for at most `acquireTimeout` while waiting for a free
/// connection, then for the statement itself. Broken connections (server restart, terminated backend) are
/// dropped and replaced; the caller that hit the break gets a typed `.connectionLost` error, never a hang.
public final class Pool: @unchecked Sendable {
    public let configuration: PoolConfiguration
    let logger: Logger
    /// Wall-clock time the pool was created (part of its report key).
    public let startedAt: Date

    private struct Entry {
        let connection: Connection
        let idleSince: ContinuousClock.Instant
    }

    // All mutable state is guarded by `state`.
    private let state = NSCondition()
    private var idle: [Entry] = []
    private var total = 0
    private var inUse = 0
    private var waiting = 0
    private var closed = false
    private var peakInUse = 0
    private var createdTotal = 0
    private var closedTotal = 0
    private var acquisitionsTotal = 0
    private var timeoutsTotal = 0
    private var connectionErrorsTotal = 0
    private var acquireSumMicros: Double = 0
    private var histogram = Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000,
                                              numberOfSignificantValueDigits: .two)

    /// Set when the server refused the `options` startup parameter: a transaction pooler sits in between.
    private var poolerDetected = false

    private let stopMaintenance = NSCondition()
    private var maintenanceStopped = false
    private var reporter: PoolReporter?

    /// Creates the pool. Opens no connection unless `minConnections` > 0 (then in the background).
    public init(_ configuration: PoolConfiguration, logger: Logger = Logger(label: "storeaccess.pool")) throws {
        try configuration.validate()
        self.configuration = configuration
        self.logger = logger
        self.startedAt = Date()
        let thread = Thread { [weak self] in self?.maintenanceLoop() }
        thread.name = "storeaccess-pool-maintenance"
        thread.start()
    }

    deinit {
        stopMaintenance.lock()
        maintenanceStopped = true
        stopMaintenance.broadcast()
        stopMaintenance.unlock()
    }

    // MARK: using connections

    /// Pins one connection for `body` (a unit of work), then returns it to the pool.
    public func withConnection<T>(_ body: (Connection) throws -> T) throws -> T {
        let connection = try acquire()
        defer { release(connection) }
        return try body(connection)
    }

    /// Runs `body` in a transaction on one pinned connection: COMMIT on return, ROLLBACK on throw.
    public func transaction<T>(_ body: (Connection) throws -> T) throws -> T {
        try withConnection { c in
            try c.transaction { c in
                if behindTransactionPooler, let t = configuration.statementTimeout {
                    try c.query("SELECT set_config('statement_timeout', \(String(t.milliseconds)), true)")
                }
                return try body(c)
            }
        }
    }

    /// Runs one statement on a pooled connection.
    @discardableResult
    public func query(_ sql: SQL) throws -> QueryResult { try withConnection { try $0.query(sql) } }

    /// Takes a connection out of the pool; pair with `release`. Prefer `withConnection`.
    public func acquire() throws -> Connection { try acquire(recording: true) }

    func acquire(recording: Bool) throws -> Connection {
        let start = ContinuousClock.now
        let deadline = start + configuration.acquireTimeout
        state.lock()
        while true {
            if closed {
                state.unlock()
                throw StoreError(.closed, "the pool for \(configuration.applicationName) is closed")
            }
            if let entry = idle.popLast() {
                inUse += 1
                state.unlock()
                if reusable(entry) {
                    finishAcquire(start, recording: recording)
                    return entry.connection
                }
                entry.connection.close()
                state.lock()
                inUse -= 1
                total -= 1
                closedTotal += 1
                continue
            }
            if total < configuration.maxConnections {
                total += 1
                inUse += 1
                state.unlock()
                do {
                    let c = try open()
                    state.lock()
                    createdTotal += 1
                    state.unlock()
                    finishAcquire(start, recording: recording)
                    return c
                } catch {
                    state.lock()
                    total -= 1
                    inUse -= 1
                    connectionErrorsTotal += 1
                    state.signal()
                    state.unlock()
                    throw error
                }
            }
            let remaining = ContinuousClock.now.duration(to: deadline)
            if remaining <= .zero {
                timeoutsTotal += 1
                let (t, w) = (total, waiting)
                state.unlock()
                throw StoreError(.poolTimeout,
                                 "no connection became free within \(configuration.acquireTimeout) (pool \(configuration.applicationName): \(t) of \(configuration.maxConnections) in use, \(w) other callers waiting)")
            }
            waiting += 1
            _ = state.wait(until: Date(timeIntervalSinceNow: remaining.seconds))
            waiting -= 1
        }
    }

    /// Returns a connection taken with `acquire`. A broken one, one left inside a transaction, or one past its
    /// lifetime is closed instead of kept.
    public func release(_ connection: Connection) {
        let expired = connection.openedAt.duration(to: .now) > configuration.maxLifetime
        let keep = connection.isOpen && !connection.inTransaction && !expired
        state.lock()
        inUse -= 1
        if keep && !closed {
            idle.append(Entry(connection: connection, idleSince: .now))
            state.signal()
            state.unlock()
            return
        }
        total -= 1
        closedTotal += 1
        state.signal()
        state.unlock()
        connection.close()
    }

    private func reusable(_ entry: Entry) -> Bool {
        let c = entry.connection
        if c.openedAt.duration(to: .now) > configuration.maxLifetime { return false }
        if !c.quickAliveCheck() { return false }
        if configuration.testBeforeAcquire {
            do { try c.query("") } catch { return false }
        }
        return true
    }

    private func finishAcquire(_ start: ContinuousClock.Instant, recording: Bool) {
        let micros = max(1, UInt64(start.duration(to: .now).seconds * 1_000_000))
        state.lock()
        if inUse > peakInUse { peakInUse = inUse }
        if recording {
            acquisitionsTotal += 1
            acquireSumMicros += Double(micros)
            _ = histogram.record(micros)
        }
        state.unlock()
    }

    /// True when configured for, or found to be behind, a transaction pooler (PgBouncer refuses `options`).
    public var behindTransactionPooler: Bool {
        state.lock()
        defer { state.unlock() }
        return configuration.transactionPooler || poolerDetected
    }

    private func open() throws -> Connection {
        let pooler = behindTransactionPooler
        let options = Connection.Options(connectTimeout: configuration.connectTimeout,
                                         statementTimeout: pooler ? nil : configuration.statementTimeout)
        do {
            return try Connection(configuration.source, applicationName: configuration.applicationName, options: options)
        } catch let e as StoreError where !pooler && options.statementTimeout != nil
            && e.message.contains("unsupported startup parameter") {
            // PgBouncer: connect again without startup options and apply the timeout per transaction instead.
            state.lock()
            poolerDetected = true
            state.unlock()
            logger.notice("server refused startup options: treating it as a transaction pooler (PgBouncer)")
            return try open()
        } catch {
            logger.warning("connection failed", metadata: ["error": "\(error)"])
            throw error
        }
    }

    // MARK: metrics and health

    /// The pool's metrics now.
    public func metrics() -> PoolMetrics {
        state.lock()
        defer { state.unlock() }
        let count = histogram.totalCount
        return PoolMetrics(
            size: total, idle: idle.count, inUse: inUse, waiting: waiting,
            maxConnections: configuration.maxConnections, minConnections: configuration.minConnections,
            peakInUse: peakInUse, createdTotal: createdTotal, closedTotal: closedTotal,
            acquisitionsTotal: acquisitionsTotal, timeoutsTotal: timeoutsTotal,
            connectionErrorsTotal: connectionErrorsTotal,
            acquireMeanMilliseconds: acquisitionsTotal == 0 ? 0 : acquireSumMicros / Double(acquisitionsTotal) / 1000,
            acquireP99Milliseconds: count == 0 ? 0 : Double(histogram.valueAtPercentile(99)) / 1000,
            acquireMaxMilliseconds: count == 0 ? 0 : Double(histogram.max) / 1000)
    }

    /// Round trip, pool state and (when `schema` is given) the store schema's presence and version.
    public func healthCheck(schema: StoreSchema? = nil) -> PoolHealth {
        var health = PoolHealth(healthy: false, roundTrip: nil, metrics: metrics(), schemaVersion: nil, problem: nil)
        do {
            try withConnection { c in
                let t0 = ContinuousClock.now
                try c.query("SELECT 1")
                health.roundTrip = t0.duration(to: .now)
                if let schema {
                    health.schemaVersion = try schema.installedVersion(on: c)
                    if health.schemaVersion == nil {
                        health.problem = "schema \(schema.name) is missing"
                    } else if health.schemaVersion != StoreSchema.currentVersion {
                        health.problem = "schema \(schema.name) is at version \(health.schemaVersion!), library expects \(StoreSchema.currentVersion)"
                    }
                }
            }
            health.healthy = health.problem == nil
        } catch {
            health.problem = "\(error)"
        }
        health.metrics = metrics()
        return health
    }

    // MARK: lifecycle

    /// True once `close()` was called.
    public var isClosed: Bool {
        state.lock()
        defer { state.unlock() }
        return closed
    }

    /// Stops reporting (removing the pool's report row), closes idle connections, and makes every later call
    /// fail with `.closed`. Connections in use are closed when released. Idempotent.
    public func close() {
        state.lock()
        let already = closed
        let r = reporter
        reporter = nil
        state.unlock()
        if already { return }
        r?.stop()
        state.lock()
        closed = true
        let toClose = idle
        idle.removeAll()
        total -= toClose.count
        closedTotal += toClose.count
        state.broadcast()
        state.unlock()
        toClose.forEach { $0.connection.close() }
        stopMaintenance.lock()
        maintenanceStopped = true
        stopMaintenance.broadcast()
        stopMaintenance.unlock()
    }

    /// Starts publishing metrics into `schema`'s pool_reports table every `reportInterval`.
    public func startReporting(schema: StoreSchema) {
        guard let interval = configuration.reportInterval else { return }
        state.lock()
        defer { state.unlock() }
        guard reporter == nil, !closed else { return }
        let r = PoolReporter(pool: self, schema: schema, interval: interval)
        reporter = r
        r.start()
    }

    private func maintenanceLoop() {
        while true {
            stopMaintenance.lock()
            if !maintenanceStopped { _ = stopMaintenance.wait(until: Date(timeIntervalSinceNow: 1)) }
            let stop = maintenanceStopped
            stopMaintenance.unlock()
            if stop { return }
            maintain()
        }
    }

    /// Closes idle connections past `idleTimeout` (keeping `minConnections`), and opens up to `minConnections`.
    func maintain() {
        state.lock()
        if closed { state.unlock(); return }
        var toClose: [Connection] = []
        let now = ContinuousClock.now
        while total > configuration.minConnections, let oldest = idle.first,
              oldest.idleSince.duration(to: now) > configuration.idleTimeout {
            idle.removeFirst()
            total -= 1
            closedTotal += 1
            toClose.append(oldest.connection)
        }
        // Lazy: the minimum is kept only once the pool has been used.
        let missing = createdTotal > 0 ? max(0, configuration.minConnections - total) : 0
        total += missing
        state.unlock()
        toClose.forEach { $0.close() }
        for _ in 0..<missing {
            do {
                let c = try open()
                state.lock()
                createdTotal += 1
                idle.append(Entry(connection: c, idleSince: .now))
                state.signal()
                state.unlock()
            } catch {
                state.lock()
                total -= 1
                connectionErrorsTotal += 1
                state.unlock()
            }
        }
    }
}
