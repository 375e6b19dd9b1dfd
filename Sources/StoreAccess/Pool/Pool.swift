import Foundation
import Histogram
import Logging

/// A bounded, lazy pool of libpq connections, safe to use from many threads and tasks at once.
///
/// Calls block the calling thread (as libpq does) for at most `acquireTimeout` while waiting for a free
/// connection, then for the statement itself. Broken connections (server restart, terminated backend) are
/// dropped and replaced; the caller that hit the break gets a typed `.connectionLost` error, never a hang.
///
/// The decisions (who gets which connection, when to open or close one) are `PoolStateMachine`'s; this type
/// holds the lock, does the I/O (connect, close, liveness check) and blocks the waiting callers.
public final class Pool: @unchecked Sendable {
    public let configuration: PoolConfiguration
    let logger: Logger
    /// Wall-clock time the pool was created (part of its report key).
    public let startedAt: Date

    typealias Machine = PoolStateMachine<Connection>

    // All mutable state is guarded by `lock`.
    let lock = NSCondition()
    var machine: Machine
    /// Actions for waiting callers, by waiter, delivered when they wake.
    private var mailbox: [Machine.WaiterID: Machine.Action] = [:]
    private var nextWaiter = 0
    var acquireSumMicros: Double = 0
    var histogram = Histogram<UInt64>(
        lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000,
        numberOfSignificantValueDigits: .two)
    /// Set when the server refused the `options` startup parameter: a transaction pooler sits in between.
    private var poolerDetected = false
    var reporter: PoolReporter?
    var maintenance: BackgroundThread?

    /// Creates the pool. Opens no connection unless `minConnections` > 0 (then in the background).
    public init(_ configuration: PoolConfiguration, logger: Logger = Logger(label: "storeaccess.pool")) throws {
        try configuration.validate()
        self.configuration = configuration
        self.logger = logger
        self.startedAt = Date()
        self.machine = Machine(
            limits: .init(
                maxConnections: configuration.maxConnections,
                minConnections: configuration.minConnections,
                idleTimeout: configuration.idleTimeout))
        startMaintenance()
    }

    deinit { maintenance?.requestStop() }

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
        let deadline = Date(timeIntervalSinceNow: configuration.acquireTimeout.seconds)
        lock.lock()
        nextWaiter += 1
        let me = nextWaiter
        var next = machine.acquire(me)
        while true {
            switch next {
            case .lease(let c, _):
                lock.unlock()
                if reusable(c) { return finishAcquire(c, start, recording: recording) }
                c.close()
                lock.lock()
                next = machine.leaseRejected(me)
            case .create:
                lock.unlock()
                return try create(for: me, start, recording: recording)
            case .wait:
                next = waitForTurn(me, until: deadline)
            case .fail(_, let failure):
                lock.unlock()
                throw error(for: failure)
            case .close(let c):
                lock.unlock()
                c.close()
                lock.lock()
            }
        }
    }

    /// Waits (lock held) until an action names `me` or its deadline passed.
    private func waitForTurn(_ me: Machine.WaiterID, until deadline: Date) -> Machine.Action {
        while mailbox[me] == nil {
            if !lock.wait(until: deadline), mailbox[me] == nil, let failed = machine.timedOut(me) { return failed }
        }
        return mailbox.removeValue(forKey: me)!
    }

    /// Opens a connection for waiter `me` (lock not held) and hands it over, or reports the failure.
    private func create(for me: Machine.WaiterID, _ start: ContinuousClock.Instant, recording: Bool) throws -> Connection {
        do {
            let c = try open()
            lock.lock()
            perform(machine.connectionCreated(c, for: me, now: .now))
            lock.unlock()
            return finishAcquire(c, start, recording: recording)
        } catch {
            lock.lock()
            perform(machine.connectionFailed(for: me))
            lock.unlock()
            throw error
        }
    }

    /// Returns a connection taken with `acquire`. A broken one, one left inside a transaction, or one past its
    /// lifetime is closed instead of kept.
    public func release(_ connection: Connection) {
        let expired = connection.openedAt.duration(to: .now) > configuration.maxLifetime
        let keep = connection.isOpen && !connection.inTransaction && !expired
        lock.lock()
        perform(machine.released(connection, keep: keep, now: .now))
        lock.unlock()
    }

    /// Carries out actions for other callers (lock held): leases and creations go to their waiters' mailboxes,
    /// closes happen here (PQfinish does not wait for the server).
    func perform(_ actions: [Machine.Action]) {
        for action in actions {
            switch action {
            case .lease(_, let waiter), .create(for: let waiter?), .fail(let waiter, _), .wait(let waiter):
                mailbox[waiter] = action
                lock.broadcast()
            case .create(for: nil):
                break  // the maintenance thread opens these itself
            case .close(let c):
                c.close()
            }
        }
    }

    private func reusable(_ c: Connection) -> Bool {
        if c.openedAt.duration(to: .now) > configuration.maxLifetime { return false }
        if !c.quickAliveCheck() { return false }
        if configuration.testBeforeAcquire {
            do { try c.query("") } catch { return false }
        }
        return true
    }

    private func finishAcquire(_ c: Connection, _ start: ContinuousClock.Instant, recording: Bool) -> Connection {
        let micros = max(1, UInt64(start.duration(to: .now).seconds * 1_000_000))
        lock.lock()
        machine.acquired(recorded: recording)
        if recording {
            acquireSumMicros += Double(micros)
            _ = histogram.record(micros)
        }
        lock.unlock()
        return c
    }

    private func error(for failure: Machine.Failure) -> StoreError {
        switch failure {
        case .closed:
            return StoreError(.closed, "the pool for \(configuration.applicationName) is closed")
        case .timeout(let inUse, let waiting):
            return StoreError(
                .poolTimeout,
                "no connection became free within \(configuration.acquireTimeout) (pool \(configuration.applicationName): \(inUse) of \(configuration.maxConnections) in use, \(waiting) other callers waiting)"
            )
        }
    }

    /// True when configured for, or found to be behind, a transaction pooler (PgBouncer refuses `options`).
    public var behindTransactionPooler: Bool {
        lock.lock()
        defer { lock.unlock() }
        return configuration.transactionPooler || poolerDetected
    }

    func open() throws -> Connection {
        let pooler = behindTransactionPooler
        let options = Connection.Options(
            connectTimeout: configuration.connectTimeout,
            statementTimeout: pooler ? nil : configuration.statementTimeout, lockTimeout: pooler ? nil : configuration.lockTimeout,
            settings: pooler ? [:] : configuration.settings)
        do {
            return try Connection(configuration.source, applicationName: configuration.applicationName, options: options)
        } catch let e as StoreError
            where !pooler && (options.statementTimeout != nil || options.lockTimeout != nil || !options.settings.isEmpty)
            && e.message.contains("unsupported startup parameter")
        {
            // PgBouncer: connect again without startup options and apply the timeout per transaction instead.
            lock.lock()
            poolerDetected = true
            lock.unlock()
            logger.notice("server refused startup options: treating it as a transaction pooler (PgBouncer)")
            return try open()
        } catch {
            logger.warning("connection failed", metadata: ["error": "\(error)"])
            throw error
        }
    }
}
