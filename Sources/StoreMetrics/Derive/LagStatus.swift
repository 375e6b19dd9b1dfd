import Foundation

/// A consumer's health, by rules like Burrow's, over a sliding window of snapshots.
public enum LagStatus: String, Sendable, Codable, Equatable, CaseIterable {
    /// Caught up, or catching up.
    case ok
    /// Behind and falling further behind over the window.
    case lagging
    /// Connected (its owner holds the consumer lock) but its position has not moved over the window while behind.
    case stalled
    /// Behind and no process runs it (nobody holds its consumer lock).
    case stopped
    /// Its position moved backwards.
    case rewound
}

/// Thresholds for `LagStatus`.
public struct LagRules: Sendable, Equatable {
    /// Snapshots considered (the most recent ones).
    public var window = 5
    /// A position unchanged for at least this long (and over the whole window) while behind is a stall.
    public var stallAfter: TimeInterval = 10
    /// Rules over the `window` most recent snapshots; a stall after `stallAfter` seconds.
    public init(window: Int = 5, stallAfter: TimeInterval = 10) {
        self.window = window
        self.stallAfter = stallAfter
    }
}
