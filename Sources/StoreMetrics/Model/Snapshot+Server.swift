import Foundation

/// The server panel (`metrics.server`): facts about the server and this database.
extension Snapshot {
    /// The server and this database.
    public struct Server: Sendable, Codable, Equatable {
        /// "PostgreSQL 15.8".
        public var version: String
        /// When the postmaster started.
        public var startedAt: Date
        /// Client backends connected (the collector's own included).
        public var connections: Int
        /// `max_connections`.
        public var maxConnections: Int
        /// Committed + rolled back transactions in this database since stats reset (a counter; the rate is in `Derived`).
        public var transactions: Int64
        /// Size of this database (read at most every 10 s).
        public var databaseBytes: Int64
        /// This database's name.
        public var database: String
        /// The server is in recovery (a standby).
        public var isStandby: Bool
        /// Standbys streaming from this server (at most 32).
        public var replicas: [Replica]
        /// The server's clock when the snapshot was taken: ages of store rows are computed against it.
        public var now: Date
    }

    /// A standby streaming from this server (`pg_stat_replication`).
    public struct Replica: Sendable, Codable, Equatable {
        /// Its application_name.
        public var name: String
        /// Its client address.
        public var address: String?
        /// Its replication state (`streaming`, `catchup`, …).
        public var state: String
        /// Its replay lag.
        public var replayLagSeconds: Double?
    }
}
