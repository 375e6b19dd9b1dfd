import Foundation

/// A durable consumer, by tenant and name.
public struct ConsumerRef: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Its tenant.
    public var tenant: String
    /// Its name (unique per tenant).
    public var name: String

    /// A consumer of `tenant` named `name`.
    public init(tenant: String, name: String) {
        self.tenant = tenant
        self.name = name
    }

    /// `tenant/name`.
    public var description: String { tenant + "/" + name }
}

/// Where an operator moves a consumer.
public enum ConsumerMove: Sendable, Equatable {
    /// Back to a position: its events after it are delivered again.
    case rewindTo(position: Int64)
    /// Back to just before the first of its source's rows recorded at or after this time.
    case rewindToTime(Date)
    /// Back by this many of its own events (tenant and filter).
    case rewindBy(events: Int)
    /// Forward past this many of its own events, which it will never get.
    case skip(events: Int)
    /// Forward to the deliverable head: everything not handled yet is skipped.
    case skipToHead
    /// To position 0: everything is delivered again.
    case resetToStart
    /// To the deliverable head (as `skipToHead`, audited as a reset).
    case resetToNow

    /// The audit's name of the action: `rewind`, `skip` or `reset`.
    public var action: String {
        switch self {
        case .rewindTo, .rewindToTime, .rewindBy: return "rewind"
        case .skip, .skipToHead: return "skip"
        case .resetToStart, .resetToNow: return "reset"
        }
    }
}

/// One of a consumer's events (or outbox rows: type = operation, stream = key), as a preview names it.
public struct EventSummary: Sendable, Equatable, Codable {
    /// Its position (outbox: id).
    public var position: Int64
    /// Its type (outbox: create, update or delete).
    public var type: String
    /// Its stream (outbox: the key).
    public var stream: String
    /// When it was recorded.
    public var recordedAt: Date
}

/// The process running a consumer: the backend holding its owner lock, and what its cursor row says of its owner.
public struct ConsumerRunner: Sendable, Equatable, Codable {
    /// The backend holding the consumer's lock.
    public var backendPID: Int32
    /// The owner's application_name, host and process id, as recorded when it opened the consumer.
    public var application: String?
    public var host: String?
    public var pid: Int32?
}

/// Whether a consumer was asked to pause, and whether its loop has stopped (acknowledged).
public enum PauseState: Sendable, Equatable, Codable {
    case none
    /// Asked at `at` by `by`; the loop has not said it stopped yet (it may be inside a batch, or not running).
    case requested(at: Date, by: String)
    /// The loop stopped before its next batch and keeps its lock.
    case acknowledged(at: Date, by: String)

    /// Asked to pause, acknowledged or not.
    public var isPaused: Bool { self != .none }
}

/// What a move would do, computed now: show it, then `ConsumerAdmin.execute` it (which refuses if the consumer moved
/// in between).
public struct MovePreview: Sendable, Equatable {
    public var consumer: ConsumerRef
    public var move: ConsumerMove
    /// `events` or `outbox`.
    public var source: String
    /// The position now, and after the move.
    public var from: Int64
    public var to: Int64
    /// True: a rewind (its rows in (to, from] are delivered again); false: a skip (its rows in (from, to] never are).
    public var redeliver: Bool
    /// Exactly how many of its own rows (tenant and filter; outbox: tenant, kind and operations) that is.
    public var events: Int64
    /// The first and last of them.
    public var first: EventSummary?
    public var last: EventSummary?
    /// The process running it (nil: not running).
    public var running: ConsumerRunner?
    public var pause: PauseState
    /// Why `execute` would refuse now without `force` (nil: it would not).
    public var refusal: String?
    public var previewedAt: Date
}

/// One row of the actions audit: who did what to which consumer or outbox, from where to where, and why.
public struct ActionRecord: Sendable, Equatable, Codable {
    public var id: Int64
    /// prune, rewind, skip, reset, pause, resume, replay, discard.
    public var action: String
    /// running, done, cancelled or failed.
    public var status: String
    public var tenant: String
    /// The consumer's name (prune: the outbox kind).
    public var target: String
    public var fromPosition: Int64?
    public var toPosition: Int64?
    /// Events redelivered or skipped, parked events replayed or discarded, outbox rows deleted.
    public var rows: Int64
    public var reason: String
    public var byUser: String
    public var byApplication: String
    public var startedAt: Date
    public var finishedAt: Date?
}

/// An event a consumer's handler gave up on, set aside by its policy.
public struct ParkedEvent: Sendable, Equatable, Codable {
    public var consumer: ConsumerRef
    public var position: Int64
    public var stream: String
    public var type: String
    /// The handler's last error.
    public var error: String
    public var attempts: Int
    public var firstFailedAt: Date
    public var lastFailedAt: Date
    public var parkedAt: Date
    /// A replay was asked for; the consumer delivers it at its next batch.
    public var replayRequested: Bool
}

/// What a replay or discard of parked events would touch.
public struct ParkedPreview: Sendable, Equatable {
    public var consumer: ConsumerRef
    /// The parked events it covers (those not already asked to replay).
    public var events: [ParkedEvent]
    /// Their positions.
    public var positions: [Int64] { events.map(\.position) }
    /// The process running the consumer (a replay is delivered by it; nil: at its next start).
    public var running: ConsumerRunner?
    public var previewedAt: Date
}
