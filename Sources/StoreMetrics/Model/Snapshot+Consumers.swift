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
        /// Its tenant's event head, or its outbox's head id, at the deliverable (safe) position.
        public var head: Int64
        /// The rows it still has to handle: events of its tenant matching its filter (outbox rows of its tenant and
        /// kind) after its position, up to the deliverable position. Counted up to `LagCount.cap`; when
        /// `lagCapped`, it is a lower bound (shown "≥100k").
        public var lagEvents: Int64
        /// `lagEvents` reached the count's cap: at least this many.
        public var lagCapped: Bool = false
        /// The position gap, head − position (positions are shared by every tenant of the store).
        public var lagPositions: Int64 = 0
        /// Its recorded filter (JSON, as `cursor_open` took it) for an event consumer that has one; nil: every event.
        public var filter: String? = nil
        /// Rows of its own (tenant and filter) committed above the deliverable position: delivery is held back
        /// (by `Snapshot.Sessions.deliveryBlockers`).
        public var waitingAboveSafe: Bool = false
        /// Rows of its own it handled since this storetop's previous snapshot (nil on the first, or when its lag was
        /// counted afresh): the consume rate and catch-up time count these, in the unit of `lagEvents`.
        public var handledSincePrevious: Int64? = nil
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
        /// When it was registered.
        public var createdAt: Date? = nil
    }
}
