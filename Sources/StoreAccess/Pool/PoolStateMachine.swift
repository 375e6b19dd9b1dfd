/// The pool's decisions as a value type: an event goes in (a caller wants a connection, one was released,
/// created, failed, a waiter's deadline passed, close, a maintenance tick), actions come out (lease this
/// connection to that waiter, open a new one, let a waiter wait, fail it, close a connection). It does no I/O
/// and takes no lock: `Pool` owns the lock, opens and closes connections and blocks the waiting threads, and
/// asks this machine what to do. Tests feed events one by one without sockets (as postgres-nio's pool).
///
/// Waiters are served first come, first served: a released connection goes to the longest waiter, never to a
/// caller that arrived later.
struct PoolStateMachine<Conn> {
    /// Identifies one `acquire` call while it is in the pool.
    typealias WaiterID = Int

    /// What the pool must do.
    enum Action {
        /// Hand `connection` (idle or just released) to `waiter`. The pool still checks it is alive; when it is
        /// not, it reports `leaseRejected`.
        case lease(Conn, to: WaiterID)
        /// Open a new connection for `waiter` (nil: to keep the pool's minimum); report `connectionCreated` or
        /// `connectionFailed`.
        case create(for: WaiterID?)
        /// `waiter` must wait until an action names it, or until its deadline (then report `timedOut`).
        case wait(WaiterID)
        /// End `waiter`'s acquire with an error.
        case fail(WaiterID, Failure)
        /// Close this connection (it left the pool).
        case close(Conn)
    }

    /// Why an acquire failed.
    enum Failure: Equatable {
        case closed
        /// No connection became free in time; the figures are for the message.
        case timeout(inUse: Int, waiting: Int)
    }

    /// The limits the decisions follow.
    struct Limits {
        var maxConnections: Int
        var minConnections: Int
        var idleTimeout: Duration
    }

    /// The counters `PoolMetrics` reports.
    struct Counters: Equatable {
        var size = 0, idle = 0, inUse = 0, waiting = 0, peakInUse = 0
        var createdTotal = 0, closedTotal = 0, acquisitionsTotal = 0, timeoutsTotal = 0, connectionErrorsTotal = 0
    }

    private struct Idle {
        let connection: Conn
        let since: ContinuousClock.Instant
    }

    let limits: Limits
    private var idle: [Idle] = []
    private var queue: [WaiterID] = []
    /// Open connections plus those being opened.
    private var total = 0
    private var inUse = 0
    private(set) var isClosed = false
    private var counters = Counters()

    init(limits: Limits) { self.limits = limits }

    /// The counters now.
    var metrics: Counters {
        var c = counters
        c.size = total
        c.idle = idle.count
        c.inUse = inUse
        c.waiting = queue.count
        return c
    }

    // MARK: events

    /// A caller wants a connection: the newest idle one, else a new one while below the maximum, else it waits.
    mutating func acquire(_ waiter: WaiterID) -> Action {
        if isClosed { return .fail(waiter, .closed) }
        if let entry = idle.popLast() {
            markInUse()
            return .lease(entry.connection, to: waiter)
        }
        if total < limits.maxConnections {
            total += 1
            markInUse()
            return .create(for: waiter)
        }
        queue.append(waiter)
        return .wait(waiter)
    }

    /// A leased connection failed the pool's liveness check: it is closed, and the waiter tries again.
    mutating func leaseRejected(_ waiter: WaiterID) -> Action {
        inUse -= 1
        total -= 1
        counters.closedTotal += 1
        return acquire(waiter)
    }

    /// The caller got its connection (from a lease or a creation); `recorded` false for the pool's own work
    /// (the reporter), which does not count as an acquisition.
    mutating func acquired(recorded: Bool) {
        if recorded { counters.acquisitionsTotal += 1 }
    }

    /// A connection was opened: for `waiter` it is already in use; for the pool's minimum it goes to the first
    /// waiter, or becomes idle.
    mutating func connectionCreated(_ connection: Conn, for waiter: WaiterID?, now: ContinuousClock.Instant) -> [Action] {
        counters.createdTotal += 1
        if waiter != nil { return [] }
        if isClosed {
            total -= 1
            counters.closedTotal += 1
            return [.close(connection)]
        }
        return park(connection, now: now)
    }

    /// Opening a connection failed: its slot is free again, and the first waiter (if any) may try.
    mutating func connectionFailed(for waiter: WaiterID?) -> [Action] {
        total -= 1
        if waiter != nil { inUse -= 1 }
        counters.connectionErrorsTotal += 1
        return replaceForFirstWaiter()
    }

    /// A caller returned its connection; `keep` false when it is broken, inside a transaction or too old.
    mutating func released(_ connection: Conn, keep: Bool, now: ContinuousClock.Instant) -> [Action] {
        inUse -= 1
        if keep && !isClosed { return park(connection, now: now) }
        total -= 1
        counters.closedTotal += 1
        return [.close(connection)] + replaceForFirstWaiter()
    }

    /// `waiter`'s deadline passed. It fails unless an action already named it (then the pool delivers that).
    mutating func timedOut(_ waiter: WaiterID) -> Action? {
        guard let i = queue.firstIndex(of: waiter) else { return nil }
        queue.remove(at: i)
        counters.timeoutsTotal += 1
        return .fail(waiter, .timeout(inUse: total, waiting: queue.count))
    }

    /// Close: every waiter fails, idle connections close; connections in use close when released.
    mutating func close() -> [Action] {
        if isClosed { return [] }
        isClosed = true
        let waiters = queue.map { Action.fail($0, .closed) }
        queue.removeAll()
        let idles = idle.map { Action.close($0.connection) }
        total -= idle.count
        counters.closedTotal += idle.count
        idle.removeAll()
        return waiters + idles
    }

    /// The maintenance tick: close idle connections past the idle timeout (keeping the minimum), and open up to
    /// the minimum (only once the pool has been used: it is lazy).
    mutating func maintain(now: ContinuousClock.Instant) -> [Action] {
        if isClosed { return [] }
        var actions: [Action] = []
        while total > limits.minConnections, let oldest = idle.first,
            oldest.since.duration(to: now) > limits.idleTimeout
        {
            idle.removeFirst()
            total -= 1
            counters.closedTotal += 1
            actions.append(.close(oldest.connection))
        }
        let missing = counters.createdTotal > 0 ? max(0, limits.minConnections - total) : 0
        total += missing
        actions += Array(repeating: .create(for: nil), count: missing)
        return actions
    }

    // MARK: helpers

    private mutating func markInUse() {
        inUse += 1
        counters.peakInUse = max(counters.peakInUse, inUse)
    }

    /// A free connection: to the first waiter, else idle.
    private mutating func park(_ connection: Conn, now: ContinuousClock.Instant) -> [Action] {
        if !queue.isEmpty {
            let waiter = queue.removeFirst()
            markInUse()
            return [.lease(connection, to: waiter)]
        }
        idle.append(Idle(connection: connection, since: now))
        return []
    }

    /// A slot became free: the first waiter may open a connection in it.
    private mutating func replaceForFirstWaiter() -> [Action] {
        guard !isClosed, !queue.isEmpty, total < limits.maxConnections else { return [] }
        let waiter = queue.removeFirst()
        total += 1
        markInUse()
        return [.create(for: waiter)]
    }
}
