import Foundation

/// A consumer the dashboard operates: tenant and name (StoreAccess's own consumers).
public struct OpTarget: Equatable, Hashable, Sendable {
    /// The consumer's tenant (empty for a foreign consumer).
    public var tenant: String
    /// The consumer's name.
    public var name: String
    /// Another library's store (`factstr:public`, `eventcore:ledger`) whose cursor this is; nil: StoreAccess's own.
    public var store: String? = nil

    /// A target.
    public init(tenant: String, name: String, store: String? = nil) { (self.tenant, self.name, self.store) = (tenant, name, store) }

    /// `tenant/name`, or `factstr:public name`.
    public var label: String { store.map { "\($0) \(name)" } ?? tenant + "/" + name }
}

/// Where a move takes a consumer, as the dialog asks for it (the UI does not import StoreAccess).
public enum MoveRequest: Equatable, Sendable {
    case rewindBy(Int)
    /// A time as typed (`03:12`, `-5m`, ISO 8601), read like `g`'s.
    case rewindToTime(String)
    case rewindTo(Int64)
    case skip(Int)
    case skipToHead
    case resetToStart
    case resetToNow
}

/// An operation on a consumer.
public enum ConsumerOp: Equatable, Sendable {
    case move(MoveRequest)
    /// Pause a running consumer, or resume a paused one (the service reads which).
    case pauseOrResume
    /// Replay (or discard) parked events: these positions, or all of the consumer's (nil).
    case replayParked([Int64]?)
    case discardParked([Int64]?)
}

/// A previewed operation as the confirm dialog shows it; the service keeps its own preview in `payload` and
/// executes that (which refuses if anything moved since).
public struct OpProposal: Equatable, Sendable {
    /// The consumer.
    public var target: OpTarget
    /// The operation.
    public var op: ConsumerOp
    /// The dialog's title (`Rewind acme/billing?`).
    public var title: String
    /// The preview, line by line (positions now and after, events and their first and last, who runs it).
    public var lines: [String]
    /// The confirm button (`Yes, rewind`).
    public var yesLabel: String
    /// Why it would be refused now (a running consumer that is not paused): shown; Yes then needs force (`f`).
    public var refusal: String?
    /// Whether forcing past the refusal is offered.
    public var canForce: Bool
    /// The service's own preview (opaque here; not compared).
    public var payload: (any Sendable)?

    /// A proposal.
    public init(
        target: OpTarget, op: ConsumerOp, title: String, lines: [String], yesLabel: String, refusal: String? = nil,
        canForce: Bool = false, payload: (any Sendable)? = nil
    ) {
        (self.target, self.op, self.title, self.lines, self.yesLabel) = (target, op, title, lines, yesLabel)
        (self.refusal, self.canForce, self.payload) = (refusal, canForce, payload)
    }

    /// Equal when everything shown is equal (the payload is not compared).
    public static func == (a: OpProposal, b: OpProposal) -> Bool {
        (a.target, a.op, a.title, a.lines, a.yesLabel) == (b.target, b.op, b.title, b.lines, b.yesLabel)
            && (a.refusal, a.canForce) == (b.refusal, b.canForce)
    }
}

/// The move menu's choices, in order; those that take an argument say what.
enum MoveChoice: CaseIterable, Sendable {
    case rewindBy, rewindToTime, rewindTo, skip, skipToHead, resetToStart, resetToNow

    var label: String {
        switch self {
        case .rewindBy: return "rewind by N of its events"
        case .rewindToTime: return "rewind to a time (03:12, -5m, ISO 8601)"
        case .rewindTo: return "rewind to a position"
        case .skip: return "skip its next N events"
        case .skipToHead: return "skip to the head (everything not handled yet)"
        case .resetToStart: return "reset to the start (everything again)"
        case .resetToNow: return "reset to now"
        }
    }

    /// What the typed text means, or nil when this choice takes none.
    var argument: String? {
        switch self {
        case .rewindBy, .skip: return "N"
        case .rewindToTime: return "time"
        case .rewindTo: return "position"
        case .skipToHead, .resetToStart, .resetToNow: return nil
        }
    }

    /// The request for `text`; nil when the text does not fit.
    func request(_ text: String) -> MoveRequest? {
        let t = text.trimmingCharacters(in: .whitespaces)
        switch self {
        case .rewindBy: return Int(t).flatMap { $0 > 0 ? .rewindBy($0) : nil }
        case .skip: return Int(t).flatMap { $0 > 0 ? .skip($0) : nil }
        case .rewindTo: return Int64(t).flatMap { $0 >= 0 ? .rewindTo($0) : nil }
        case .rewindToTime: return t.isEmpty ? nil : .rewindToTime(t)
        case .skipToHead: return .skipToHead
        case .resetToStart: return .resetToStart
        case .resetToNow: return .resetToNow
        }
    }
}
