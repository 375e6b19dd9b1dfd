import Foundation

/// The outboxes panel (`metrics.outboxes` and probes) and the bookmarks panel (`metrics.bookmarks`).
extension Snapshot {
    public struct Outbox: Sendable, Codable, Equatable {
        public var tenant: String
        public var kind: String
        /// Rows now (appended − pruned; exact).
        public var rows: Int64
        public var headID: Int64
        public var appendedTotal: Int64
        public var oldestAt: Date?
        public var oldestID: Int64?
        /// Position of the slowest registered durable watcher (nil: none).
        public var slowestWatcher: String?
        public var slowestWatcherPosition: Int64?
        public var watchers: Int
        /// Rows a safe prune would delete, estimated from the id range (exact figure: `prune --dry-run`).
        public var safeToPruneEstimate: Int64
    }

    public struct Bookmark: Sendable, Codable, Equatable {
        public var tenant: String
        public var key: String
        public var updatedAt: Date
    }
}
