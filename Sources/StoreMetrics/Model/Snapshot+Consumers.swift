import Foundation

/// The consumers panel (`metrics.cursors`, heads and probes joined in by the collector).
extension Snapshot {
    public struct Cursor: Sendable, Codable, Equatable {
        public var tenant: String
        public var name: String
        /// `events` or `outbox`.
        public var source: String
        /// For outbox watchers: the kind.
        public var kind: String?
        public var position: Int64
        public var head: Int64
        /// head − position (positions, not matching events).
        public var lagEvents: Int64
        /// Age of the oldest event or outbox row the consumer has not handled (0 when caught up).
        public var lagSeconds: Double
        public var ownerApplication: String?
        public var ownerHost: String?
        public var ownerPid: Int32?
        public var ownerBackendPid: Int32?
        /// Is the owner's session still connected (holding the consumer lock)?
        public var ownerConnected: Bool
        public var heartbeatAt: Date?
        public var movedAt: Date?
    }
}
