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
        /// kind) after its position, up to the deliverable position. Counted up to `LagPlanner.cap` (100,000; 10,000
        /// in a snapshot of more than 1,000 consumers); when `lagCapped`, it is a lower bound (shown "≥100k").
        /// Nil when it was not counted this snapshot (the count failed, or the refresh's counting budget ran out
        /// before it): shown "not counted", never replaced by another figure. `lagPositions` is then an upper bound.
        public var lagEvents: Int64?
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
        /// When a pause was asked for (schema version 9, `consumer_pause`); nil: not paused.
        public var pausedAt: Date? = nil
        /// Who asked for the pause (the role and application `consumer_pause` recorded).
        public var pausedBy: String? = nil
        /// Why, as the pause's reason text said.
        public var pauseReason: String? = nil
        /// The consumer loop itself reported that it is paused (`loop_state = 'paused'`): it stopped after its
        /// current handler and keeps its lock. False while the pause is only requested.
        public var pauseAcknowledged: Bool = false
        /// What a handler that keeps failing leads to: `stop` (the consumer stops there) or `park` (the event is
        /// parked and the consumer moves on); nil before schema version 9.
        public var onFailure: String? = nil
        /// Attempts before that policy applies.
        public var maxAttempts: Int? = nil
        /// The position its handler fails at now (cleared when the cursor moves past it).
        public var failingPosition: Int64? = nil
        /// The handler's last error there, as the consumer recorded it.
        public var failingError: String? = nil
        /// Attempts at that position so far.
        public var failingAttempts: Int? = nil
        /// When the first of those attempts failed.
        public var failingSince: Date? = nil
        /// Parked events of this consumer (its rows in `parked`, replays still pending included).
        public var parked: Int64 = 0
        /// Of those, the ones whose replay was asked for and that the consumer has not redelivered yet.
        public var parkedReplaying: Int64 = 0
    }
}

extension Snapshot.Cursor {
    enum CodingKeys: String, CodingKey {
        case tenant, name, source, kind, position, head, lagEvents, lagCapped, lagPositions, filter, waitingAboveSafe
        case handledSincePrevious, lagSeconds, ownerApplication, ownerHost, ownerPid, ownerBackendPid, ownerConnected
        case heartbeatAt, movedAt, createdAt, pausedAt, pausedBy, pauseReason, pauseAcknowledged, onFailure, maxAttempts
        case failingPosition, failingError, failingAttempts, failingSince, parked, parkedReplaying
    }

    /// Decodes a consumer; keys a document or recording written before them does not have take their defaults.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func opt<T: Decodable>(_ k: CodingKeys) throws -> T? { try c.decodeIfPresent(T.self, forKey: k) }
        self.init(
            tenant: try c.decode(String.self, forKey: .tenant), name: try c.decode(String.self, forKey: .name),
            source: try c.decode(String.self, forKey: .source), kind: try opt(.kind), position: try c.decode(Int64.self, forKey: .position),
            head: try c.decode(Int64.self, forKey: .head), lagEvents: try opt(.lagEvents),
            lagCapped: try opt(.lagCapped) ?? false, lagPositions: try opt(.lagPositions) ?? 0, filter: try opt(.filter),
            waitingAboveSafe: try opt(.waitingAboveSafe) ?? false, handledSincePrevious: try opt(.handledSincePrevious),
            lagSeconds: try c.decode(Double.self, forKey: .lagSeconds), ownerApplication: try opt(.ownerApplication),
            ownerHost: try opt(.ownerHost), ownerPid: try opt(.ownerPid), ownerBackendPid: try opt(.ownerBackendPid),
            ownerConnected: try c.decode(Bool.self, forKey: .ownerConnected), heartbeatAt: try opt(.heartbeatAt),
            movedAt: try opt(.movedAt), createdAt: try opt(.createdAt))
        (pausedAt, pausedBy, pauseReason) = (try opt(.pausedAt), try opt(.pausedBy), try opt(.pauseReason))
        pauseAcknowledged = try opt(.pauseAcknowledged) ?? false
        (onFailure, maxAttempts) = (try opt(.onFailure), try opt(.maxAttempts))
        (failingPosition, failingError) = (try opt(.failingPosition), try opt(.failingError))
        (failingAttempts, failingSince) = (try opt(.failingAttempts), try opt(.failingSince))
        (parked, parkedReplaying) = (try opt(.parked) ?? 0, try opt(.parkedReplaying) ?? 0)
    }
}
