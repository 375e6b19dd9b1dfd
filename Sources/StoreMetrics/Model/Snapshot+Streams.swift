import Foundation

/// The streams panel (`metrics.streams`): heads and per-tenant totals of the event log.
extension Snapshot {
    public struct Streams: Sendable, Codable, Equatable {
        /// Highest allocated global position.
        public var headPosition: Int64
        /// Highest position readers may deliver now (below it nothing can still commit).
        public var safePosition: Int64
        public var lastWriteAt: Date?
        public var tenants: [TenantHead]
        public var mostActive: [StreamHead]
    }

    public struct TenantHead: Sendable, Codable, Equatable {
        public var tenant: String
        public var headPosition: Int64
        /// Events of the tenant (sum of its stream versions; exact).
        public var events: Int64
        public var streams: Int
        public var lastWriteAt: Date?
    }

    public struct StreamHead: Sendable, Codable, Equatable {
        public var tenant: String
        public var stream: String
        public var version: Int64
        public var headPosition: Int64
        public var updatedAt: Date
    }
}
