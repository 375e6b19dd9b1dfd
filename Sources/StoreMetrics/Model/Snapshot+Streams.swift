import Foundation

/// The streams panel (`metrics.streams`): heads and per-tenant totals of the event log.
extension Snapshot {
    /// The event log: heads, per-tenant totals, the most active streams.
    public struct Streams: Sendable, Codable, Equatable {
        /// Highest allocated global position.
        public var headPosition: Int64
        /// Highest position readers may deliver now (below it nothing can still commit).
        public var safePosition: Int64
        /// When a stream was last written.
        public var lastWriteAt: Date?
        /// Per-tenant totals, counted up to the safe position.
        public var tenants: [TenantHead]
        /// The 20 streams written last.
        public var mostActive: [StreamHead]
    }

    /// One tenant's part of the event log.
    public struct TenantHead: Sendable, Codable, Equatable {
        /// The tenant.
        public var tenant: String
        /// Its highest event position (up to the safe position).
        public var headPosition: Int64
        /// Events of the tenant (sum of its stream versions; exact).
        public var events: Int64
        /// Its streams.
        public var streams: Int
        /// When it last wrote (committed, delivered or held back).
        public var lastWriteAt: Date?
        /// Its events committed above the safe position: written, waiting for delivery (held back).
        public var waitingEvents: Int64 = 0
        /// Every committed event: `events` + `waitingEvents` (append rates count these).
        public var committedEvents: Int64 { events + waitingEvents }
    }

    /// One stream's head.
    public struct StreamHead: Sendable, Codable, Equatable {
        /// Its tenant.
        public var tenant: String
        /// The stream's name.
        public var stream: String
        /// Its version (events in it).
        public var version: Int64
        /// The global position of its last event.
        public var headPosition: Int64
        /// When it was last written.
        public var updatedAt: Date
    }
}
