import Foundation

/// Drives a `SnapshotSource` with a `RefreshScheduler` and keeps the `History` that rates and statuses come
/// from. Started, it runs on its own thread (libpq blocks, and the UI must never wait on the database) and
/// queues its results for `poll()`. Not started, `poll()` runs a due refresh inline on the caller's thread:
/// tests drive it step by step with a controlled clock.
public final class RefreshLoop<Source: SnapshotSource, Clock: WallClock>: @unchecked Sendable {
    /// Where snapshots come from.
    public let source: Source
    /// The wall clock ages and deadlines use.
    public let clock: Clock
    private let lock = NSCondition()
    private var scheduler: RefreshScheduler
    private var history: History
    private var events: [RefreshEvent] = []
    private var threaded = false
    private var stopping = false

    /// A loop over `source`, refreshing every `interval` seconds.
    public init(source: Source, interval: Double, clock: Clock, history: History = History()) {
        self.source = source
        self.clock = clock
        self.scheduler = RefreshScheduler(interval: interval)
        self.history = history
    }

    /// Starts the refresh thread.
    public func start() {
        lock.lock()
        threaded = true
        lock.unlock()
        let t = Thread { [self] in run() }
        t.name = "storetop-refrsh"  // Linux keeps 15 characters of a thread name: a longer one is never set
        t.start()
    }

    /// Results since the last call. Not started: runs a refresh first if one is due.
    public func poll() -> [RefreshEvent] {
        lock.lock()
        let inline = !threaded && scheduler.isDue(now: clock.now())
        lock.unlock()
        if inline { refreshOnce() }
        lock.lock()
        defer { lock.unlock() }
        let out = events
        events.removeAll()
        return out
    }

    /// Waits up to `seconds` for a result (the plain-text runner sleeps here).
    public func waitForEvents(seconds: Double) {
        lock.lock()
        if events.isEmpty { _ = lock.wait(until: Date().addingTimeInterval(seconds)) }
        lock.unlock()
    }

    /// A new interval; refreshes at once.
    public func setInterval(_ seconds: Double) { change { $0.setInterval(seconds) } }
    /// Holds (or releases) the refreshes after a success.
    public func setPaused(_ on: Bool) { change { $0.setPaused(on) } }
    /// Refreshes at once, paused or not, trying switched-off panels again (a grant may have been given).
    public func refreshNow() {
        source.retryDisabledPanels()
        change { $0.refreshNow() }
    }

    /// Ends the thread after the refresh in progress.
    public func stop() {
        lock.lock()
        stopping = true
        lock.broadcast()
        lock.unlock()
    }

    private func change(_ f: (inout RefreshScheduler) -> Void) {
        lock.lock()
        f(&scheduler)
        lock.broadcast()
        lock.unlock()
    }

    private func run() {
        while true {
            lock.lock()
            while !stopping && !scheduler.isDue(now: clock.now()) {
                _ = lock.wait(until: Date().addingTimeInterval(scheduler.sleep(now: clock.now())))
            }
            let stop = stopping
            lock.unlock()
            if stop { return }
            refreshOnce()
        }
    }

    /// One attempt: the source is read outside the lock, so setting the interval never waits on the database.
    private func refreshOnce() {
        change { $0.started() }
        let event: RefreshEvent
        do {
            let snap = try source.snapshot(now: clock.now())
            lock.lock()
            let derived = history.add(snap)
            let at = clock.now()
            scheduler.succeeded(finishedAt: at)
            event = .refreshed(snap, derived, at: at)
        } catch {
            lock.lock()
            event = .failed(error: Collector.shortError(error), retryAt: scheduler.failed(at: clock.now()))
        }
        events.append(event)
        lock.broadcast()
        lock.unlock()
    }
}
