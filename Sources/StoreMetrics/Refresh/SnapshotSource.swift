import Foundation
import StoreAccess

/// Where a dashboard or exporter pulls snapshots from. Today: the live `Collector`. The shape leaves room for a
/// recording (a source that answers `snapshot(now:)` from a file, ignoring the server) and for a fleet (one
/// source per target, each driven by its own `RefreshLoop`).
public protocol SnapshotSource: AnyObject, Sendable {
    /// One reading, taken at (or, for a recording, as of) `now`. Throws when the source cannot be read at all;
    /// the caller shows "reconnecting" and tries again.
    func snapshot(now: Date) throws -> Snapshot
    /// Releases connections or files. Idempotent.
    func close()
    /// Tries every panel switched off (for a missing grant) again at the next reading; nothing for a source without
    /// panels.
    func retryDisabledPanels()
}

extension SnapshotSource {
    /// A source without panels has nothing to retry.
    public func retryDisabledPanels() {}
}

extension Collector: SnapshotSource {
    /// One redacted line for the screen.
    public static func shortError(_ e: Error) -> String {
        if let s = e as? StoreError { return s.message.replacingOccurrences(of: "\n", with: " ") }
        return Secrets.redact("\(e)")
    }
}

/// The wall clock, injected so tests control time.
public protocol WallClock: Sendable {
    /// The current time.
    func now() -> Date
}

/// The system clock.
public struct SystemClock: WallClock {
    /// The system clock.
    public init() {}
    /// `Date()`.
    public func now() -> Date { Date() }
}

/// What one refresh attempt produced.
public enum RefreshEvent: Sendable {
    /// A snapshot and what it derives with the history, received at `at` (wall clock).
    case refreshed(Snapshot, Derived, at: Date)
    /// The source could not be read; the next attempt is at `retryAt`.
    case failed(error: String, retryAt: Date)
}

/// A clock tests set and advance by hand.
public final class ManualClock: WallClock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    /// A clock showing `start`.
    public init(_ start: Date) { current = start }

    /// The time the test set.
    public func now() -> Date { lock.lock(); defer { lock.unlock() }; return current }

    /// Moves the clock on by `seconds`.
    public func advance(_ seconds: Double) { lock.lock(); current = current.addingTimeInterval(seconds); lock.unlock() }
}

/// What the UI may ask of a refresh loop (the effects of +, -, Space and r).
public protocol RefreshControl: AnyObject, Sendable {
    /// A new interval; refreshes at once.
    func setInterval(_ seconds: Double)
    /// Holds (or releases) the refreshes after a success.
    func setPaused(_ on: Bool)
    /// Refreshes at once, paused or not.
    func refreshNow()
}

extension RefreshLoop: RefreshControl {}
