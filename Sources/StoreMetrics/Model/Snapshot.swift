import Foundation

/// One reading of a live store database: immutable, taken by `Collector.snapshot()`. Figures that are estimates
/// say so in their name (`…Estimate`). Rates and statuses are not here: they come from two or more snapshots
/// (`Derivation`).
public struct Snapshot: Sendable, Codable, Equatable {
    public var takenAt: Date
    public var server: Server?
    public var sessions: Sessions?
    public var pools: [Pool]
    public var streams: Streams?
    public var cursors: [Cursor]
    public var outboxes: [Outbox]
    public var bookmarks: [Bookmark]
    public var tenants: [String]
    /// Panels that could not be read, and why (privilege, timeout, missing schema).
    public var errors: [PanelError]
    /// Statements the snapshot ran, and the time the server spent on them (ms, measured by the collector).
    public var statements: Int
    public var collectMilliseconds: Double

    public init(takenAt: Date) {
        self.takenAt = takenAt
        pools = []; cursors = []; outboxes = []; bookmarks = []; tenants = []; errors = []
        statements = 0; collectMilliseconds = 0
    }

    public struct PanelError: Sendable, Codable, Equatable {
        public var panel: String
        public var reason: String
        /// True when the panel is switched off for good (privilege), false for a one-off (timeout).
        public var disabled: Bool
    }
}
