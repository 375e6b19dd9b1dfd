import Foundation

/// The pool's metrics, health, background work (reporter, maintenance) and close.
extension Pool {
    /// The pool's metrics now.
    public func metrics() -> PoolMetrics {
        lock.lock()
        defer { lock.unlock() }
        let m = machine.metrics
        let count = histogram.totalCount
        return PoolMetrics(
            size: m.size, idle: m.idle, inUse: m.inUse, waiting: m.waiting,
            maxConnections: configuration.maxConnections, minConnections: configuration.minConnections,
            peakInUse: m.peakInUse, createdTotal: m.createdTotal, closedTotal: m.closedTotal,
            acquisitionsTotal: m.acquisitionsTotal, timeoutsTotal: m.timeoutsTotal,
            connectionErrorsTotal: m.connectionErrorsTotal,
            acquireMeanMilliseconds: m.acquisitionsTotal == 0 ? 0 : acquireSumMicros / Double(m.acquisitionsTotal) / 1000,
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
                    health.problem = Pool.schemaProblem(schema, found: health.schemaVersion)
                }
            }
            health.healthy = health.problem == nil
        } catch {
            health.problem = "\(error)"
        }
        health.metrics = metrics()
        return health
    }

    private static func schemaProblem(_ schema: StoreSchema, found: Int?) -> String? {
        guard let found else { return "schema \(schema.name) is missing" }
        if found != StoreSchema.currentVersion {
            return "schema \(schema.name) is at version \(found), library expects \(StoreSchema.currentVersion)"
        }
        return nil
    }

    /// True once `close()` was called.
    public var isClosed: Bool {
        lock.lock()
        defer { lock.unlock() }
        return machine.isClosed
    }

    /// Stops reporting (removing the pool's report row), closes idle connections, and makes every later call
    /// fail with `.closed`. Connections in use are closed when released. Idempotent.
    public func close() {
        lock.lock()
        let already = machine.isClosed
        let r = reporter
        reporter = nil
        lock.unlock()
        if already { return }
        r?.stop()
        lock.lock()
        perform(machine.close())
        let m = maintenance
        lock.unlock()
        m?.requestStop()
    }

    /// Starts publishing metrics into `schema`'s pool_reports table every `reportInterval`.
    public func startReporting(schema: StoreSchema) {
        guard let interval = configuration.reportInterval else { return }
        lock.lock()
        defer { lock.unlock() }
        guard reporter == nil, !machine.isClosed else { return }
        let r = PoolReporter(pool: self, schema: schema, interval: interval)
        reporter = r
        r.start()
    }

    /// The maintenance thread: a tick every second until the pool closes or goes away.
    func startMaintenance() {
        maintenance = BackgroundThread(name: "storeaccess-pool-maintenance") { [weak self] thread in
            while thread.sleep(.seconds(1)) {
                guard let pool = self else { return }
                pool.maintain()
            }
        }
    }

    /// Closes idle connections past `idleTimeout` (keeping `minConnections`), and opens up to `minConnections`.
    func maintain() {
        lock.lock()
        let actions = machine.maintain(now: .now)
        perform(actions)
        lock.unlock()
        for case .create(for: nil) in actions {
            do {
                let c = try open()
                lock.lock()
                perform(machine.connectionCreated(c, for: nil, now: .now))
                lock.unlock()
            } catch {
                lock.lock()
                perform(machine.connectionFailed(for: nil))
                lock.unlock()
            }
        }
    }
}
