import Foundation

/// When to refresh next: a value type fed with events (a refresh succeeded or failed, the interval changed,
/// pause, refresh now) that answers "is a refresh due?" and "how long may I sleep?". It does no I/O and owns no
/// thread, so tests step it with plain dates.
///
/// Rules (as the dashboard has always behaved): the first refresh is due at once; after a success the next
/// one is one interval later and is held while paused; after a failure the retry comes one interval later
/// (at least 0.5 s; not a growing backoff, so the dashboard is back within two intervals of the server) and is
/// not held by pause; "refresh now" and an interval change make a refresh due at once, paused or not.
public struct RefreshScheduler: Sendable, Equatable {
    /// Seconds between refreshes.
    public private(set) var interval: Double
    /// Refreshes after a success are held.
    public private(set) var paused = false
    /// When the next refresh is due (nil: at once).
    public private(set) var deadline: Date?
    /// The deadline is a retry after a failure (pause does not hold it).
    public private(set) var retrying = false
    /// A refresh was asked for and has not run yet.
    public private(set) var requested = false

    /// A scheduler whose first refresh is due at once.
    public init(interval: Double) {
        self.interval = interval
    }

    /// Whether a refresh should run at `now`.
    public func isDue(now: Date) -> Bool {
        if requested || deadline == nil { return true }
        if paused && !retrying { return false }
        return now >= deadline!
    }

    /// How long the refresh thread may sleep before asking again (it is woken early by any event).
    public func sleep(now: Date) -> TimeInterval {
        if isDue(now: now) { return 0 }
        if paused && !retrying { return 0.5 }
        return max(0, deadline!.timeIntervalSince(now))
    }

    /// A refresh starts: a request made from now on asks for another one.
    public mutating func started() { requested = false }

    /// The refresh succeeded, finishing at `now`.
    public mutating func succeeded(finishedAt now: Date) {
        retrying = false
        deadline = now.addingTimeInterval(interval)
    }

    /// A refresh failed at `now`; returns when it will be retried.
    @discardableResult
    public mutating func failed(at now: Date) -> Date {
        retrying = true
        let retry = now.addingTimeInterval(max(0.5, interval))
        deadline = retry
        return retry
    }

    /// A new interval; the next refresh runs at once.
    public mutating func setInterval(_ seconds: Double) {
        interval = seconds
        requested = true
    }

    /// Holds (or releases) the refreshes that follow a success.
    public mutating func setPaused(_ on: Bool) { paused = on }

    /// The next refresh runs at once, paused or not.
    public mutating func refreshNow() { requested = true }
}
