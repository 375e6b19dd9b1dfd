import Foundation

/// The consumers a store started (subscriptions and watches, each one `ConsumerLoop`). `Store.close()` closes
/// the registry: every running loop is stopped (its thread ends, its LISTEN connection closes, nothing is
/// delivered after `close()` returns), and a loop started on a closed store ends at once with `.closed`.
final class ConsumerRegistry: @unchecked Sendable {
    private let lock = NSLock()
    private var closed = false
    private var running: [ObjectIdentifier: ConsumerLoop] = [:]

    /// Adds `loop`; false when the store is closed (the loop must not start).
    func register(_ loop: ConsumerLoop) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard !closed else { return false }
        running[ObjectIdentifier(loop)] = loop
        return true
    }

    /// Removes `loop` (it ended).
    func remove(_ loop: ConsumerLoop) {
        lock.lock()
        running[ObjectIdentifier(loop)] = nil
        lock.unlock()
    }

    /// True once `close()` ran.
    var isClosed: Bool {
        lock.lock()
        defer { lock.unlock() }
        return closed
    }

    /// Number of loops running now.
    var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return running.count
    }

    /// Refuses new loops and stops the running ones: all are asked at once, then each is waited for, so closing
    /// N consumers takes about one poll interval, not N. Idempotent.
    func close() {
        lock.lock()
        closed = true
        let loops = Array(running.values)
        lock.unlock()
        for loop in loops { loop.requestStop(closingStore: true) }
        for loop in loops { loop.stop() }
    }
}

/// The error of a consumer started on (or ended by) a closed store.
extension StoreError {
    static func storeClosed(_ what: String) -> StoreError {
        StoreError(.closed, "the store is closed: \(what)")
    }
}

extension Subscription {
    /// The store whose `close()` stops this subscription.
    var owner: Store { events.store }
}

extension Watch {
    /// The store whose `close()` stops this watch.
    var owner: Store { kv.store }
}
