import Foundation

/// The outboxes panel (`metrics.outboxes` and probes) and the bookmarks panel (`metrics.bookmarks`).
extension Snapshot {
    /// A tenant's outbox of one kind.
    public struct Outbox: Sendable, Codable, Equatable {
        /// Its tenant.
        public var tenant: String
        /// The kind of its rows.
        public var kind: String
        /// Rows now (appended − pruned; exact).
        public var rows: Int64
        /// The id of its newest row.
        public var headID: Int64
        /// Rows ever written to it (a counter).
        public var appendedTotal: Int64
        /// When its oldest row was written.
        public var oldestAt: Date?
        /// The id of its oldest row.
        public var oldestID: Int64?
        /// Position of the slowest registered durable watcher (nil: none).
        public var slowestWatcher: String?
        /// That watcher's position.
        public var slowestWatcherPosition: Int64?
        /// Its registered durable watchers.
        public var watchers: Int
        /// Rows a safe prune would delete, estimated from the id range (exact figure: `prune --dry-run`).
        public var safeToPruneEstimate: Int64
        /// When its newest prune in `prune_audit` ended, or started while it runs (nil: none among the newest
        /// 10,000 audit rows, or none ever).
        public var lastPruneAt: Date? = nil
        /// That prune's status: `running`, `done`, `cancelled` or `failed`.
        public var lastPruneStatus: String? = nil
        /// The rows that prune deleted (so far, while it runs).
        public var lastPruneRows: Int64? = nil
    }

    /// A bookmark (a key of the state store) and when it was last written.
    public struct Bookmark: Sendable, Codable, Equatable {
        /// Its tenant.
        public var tenant: String
        /// Its key.
        public var key: String
        /// When it was last written.
        public var updatedAt: Date
    }
}
