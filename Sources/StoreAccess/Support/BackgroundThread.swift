import Foundation

/// A dedicated thread with a stop flag and a sleep that a stop interrupts: the one place StoreAccess starts a
/// thread (subscriptions, watches, the pool's reporter and maintenance). libpq blocks its thread, so long waits
/// run here and never on Swift's cooperative pool.
final class BackgroundThread: @unchecked Sendable {
    private let condition = NSCondition()
    private var stopRequested = false
    private var finished = false

    /// Starts a thread named `name` that runs `body` once; `body` should return soon after `isStopping`.
    init(name: String, _ body: @escaping @Sendable (BackgroundThread) -> Void) {
        let thread = Thread { [self] in
            body(self)
            condition.lock()
            finished = true
            condition.broadcast()
            condition.unlock()
        }
        thread.name = name
        thread.start()
    }

    /// True once a stop was requested.
    var isStopping: Bool {
        condition.lock()
        defer { condition.unlock() }
        return stopRequested
    }

    /// Sleeps up to `duration`, less when a stop is requested. Returns false when stopping.
    @discardableResult
    func sleep(_ duration: Duration) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        if !stopRequested { _ = condition.wait(until: Date(timeIntervalSinceNow: duration.seconds)) }
        return !stopRequested
    }

    /// Asks the thread to stop without waiting for it.
    func requestStop() {
        condition.lock()
        stopRequested = true
        condition.broadcast()
        condition.unlock()
    }

    /// Asks the thread to stop and waits until `body` returned, at most `timeout` (nil: as long as it takes).
    /// Returns whether it finished.
    @discardableResult
    func stop(waitingUpTo timeout: Duration? = nil) -> Bool {
        requestStop()
        condition.lock()
        defer { condition.unlock() }
        let deadline = timeout.map { Date(timeIntervalSinceNow: $0.seconds) }
        while !finished {
            if let deadline {
                if !condition.wait(until: deadline) { break }
            } else {
                _ = condition.wait(until: Date(timeIntervalSinceNow: 1))
            }
        }
        return finished
    }
}
