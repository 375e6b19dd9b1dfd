import Foundation

/// A consumer's health. Decided from what the database records — its last move, heartbeat, owner lock and
/// creation time, the age of its first unhandled row, its pause and its failing handler (schema version 9) — so it
/// is right on the first snapshot; the window of
/// snapshots adds only what needs two readings (a rewind, rates, catch-up time).
public enum LagStatus: String, Sendable, Codable, Equatable, CaseIterable {
    /// Caught up, or behind by less than the lagging thresholds and moving.
    case ok
    /// Moving, but behind by at least `LagRules.lagEvents` rows whose oldest waits for `LagRules.lagSeconds` or more.
    case lagging
    /// Running (its owner holds the consumer lock, or it heartbeats), behind, and no move for `LagRules.stallAfter`
    /// while work waited.
    case stalled
    /// Behind, and nothing runs it: nobody holds its consumer lock and no heartbeat within `LagRules.heartbeatFresh`.
    case stopped
    /// Its position moved backwards.
    case rewound
    /// A pause was asked for (`consumer_pause`, schema version 9): the consumer loop stops after its current handler
    /// and keeps its lock until it is resumed. Shown PAUSED; the reason says whether the loop acknowledged it.
    case paused
}

/// Thresholds for `LagStatus` (storetop's `--stall-after`, `--lag-seconds`, `--lag-events`).
public struct LagRules: Sendable, Equatable {
    /// Snapshots considered for rewinds, rates and catch-up time (the most recent ones).
    public var window = 5
    /// Behind with no move for this long, while its first unhandled row waited this long too: stalled.
    public var stallAfter: TimeInterval = 10
    /// LAGGING needs its first unhandled row to be at least this old…
    public var lagSeconds: TimeInterval = 30
    /// …and at least this many rows to handle.
    public var lagEvents: Int64 = 10
    /// A consumer whose owner holds no lock but that heartbeated this recently is running (driven from SQL).
    public var heartbeatFresh: TimeInterval = 60
    /// Consumers' own thresholds, the first match wins (`resolved(store:tenant:consumer:)`); empty by default.
    public var overrides: [ConsumerThreshold] = []

    /// Rules over the `window` most recent snapshots with these thresholds.
    public init(
        window: Int = 5, stallAfter: TimeInterval = 10, lagSeconds: TimeInterval = 30, lagEvents: Int64 = 10,
        heartbeatFresh: TimeInterval = 60
    ) {
        self.window = window
        self.stallAfter = stallAfter
        self.lagSeconds = lagSeconds
        self.lagEvents = lagEvents
        self.heartbeatFresh = heartbeatFresh
    }
}
