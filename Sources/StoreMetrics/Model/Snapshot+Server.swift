import Foundation

/// The server panel (`metrics.server`): facts about the server and this database.
extension Snapshot {
    public struct Server: Sendable, Codable, Equatable {
        public var version: String
        public var startedAt: Date
        public var connections: Int
        public var maxConnections: Int
        /// Committed + rolled back transactions in this database since stats reset (a counter; rate in Derivation).
        public var transactions: Int64
        public var databaseBytes: Int64
        public var database: String
        public var isStandby: Bool
        public var replicas: [Replica]
        public var now: Date
    }

    public struct Replica: Sendable, Codable, Equatable {
        public var name: String
        public var address: String?
        public var state: String
        public var replayLagSeconds: Double?
    }
}
