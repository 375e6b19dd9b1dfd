import Foundation

/// The consumers panel (`metrics.cursors`, heads and probes joined in by the collector).
extension Snapshot {
    /// A durable consumer (event subscription or outbox watcher) and how far behind it is.
    public struct Cursor: Sendable, Codable, Equatable {
        /// Its tenant.
        public var tenant: String
        /// Its name (unique per tenant).
        public var name: String
        /// `events` or `outbox`.
        public var source: String
        /// For outbox watchers: the kind.
        public var kind: String?
        /// The last position it handled.
        public var position: Int64
        /// Its tenant's event head, or its outbox's head id.
        public var head: Int64
        /// head − position (positions, not matching events).
        public var lagEvents: Int64
        /// Age of the oldest event or outbox row the consumer has not handled (0 when caught up).
        public var lagSeconds: Double
        /// The application_name of the process that runs it.
        public var ownerApplication: String?
        /// The host of that process.
        public var ownerHost: String?
        /// The process id of that process.
        public var ownerPid: Int32?
        /// The backend that holds its consumer lock.
        public var ownerBackendPid: Int32?
        /// Is the owner's session still connected (holding the consumer lock)?
        public var ownerConnected: Bool
        /// Its last heartbeat.
        public var heartbeatAt: Date?
        /// When its position last moved.
        public var movedAt: Date?
    }
}
