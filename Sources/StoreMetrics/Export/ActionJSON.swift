import Foundation
import StoreAccess

/// The JSON `storetop consumer … --json` prints (docs/operations.md): a move's preview and result, parked events,
/// audit rows. snake_case keys, ISO 8601 dates, every documented key present (`null` when unknown), and the
/// invisible characters a terminal might act on written as `\uXXXX` escapes, as in `JSONExport`.
public enum ActionJSON {
    /// A move's preview, with its audit row once executed.
    public static func encode(preview p: MovePreview, record: ActionRecord? = nil) throws -> String {
        try encode(MoveOut(preview: p, record: record))
    }

    /// A preview that moves nothing (the position would stay where it is).
    public static func encode(nothing p: MovePreview) throws -> String { try encode(MoveOut(preview: p, record: nil, nothing: true)) }

    /// One audit row (pause, resume, replay, discard).
    public static func encode(record: ActionRecord) throws -> String { try encode(RecordOut(record)) }

    /// Audit rows.
    public static func encode(records: [ActionRecord]) throws -> String { try encode(records.map(RecordOut.init)) }

    /// Parked events.
    public static func encode(parked: [ParkedEvent]) throws -> String { try encode(parked.map(ParkedOut.init)) }

    /// A replay's or discard's preview, with its audit row once executed.
    public static func encode(parked p: ParkedPreview, record: ActionRecord? = nil) throws -> String {
        try encode(
            ParkedPreviewOut(
                tenant: p.consumer.tenant, consumer: p.consumer.name, positions: p.positions,
                events: p.events.map(ParkedOut.init), running: p.running.map(RunnerOut.init), previewedAt: p.previewedAt,
                result: record.map(RecordOut.init)))
    }

    /// `JSONEncoder`'s pretty, sorted, snake_case document (an infinite or NaN double throws, as it did there).
    static func encode<T: Encodable>(_ value: T) throws -> String {
        try JSONBytesEncoder(nonConforming: nil).string(value)
    }
}

extension ActionJSON {
    struct MoveOut: Encodable {
        let tenant: String, consumer: String, action: String, source: String, from: Int64, to: Int64, redeliver: Bool, events: Int64
        let first: EventOut?, last: EventOut?, running: RunnerOut?, pause: String, pausedAt: Date?, pausedBy: String?
        let refusal: String?, previewedAt: Date, nothing: Bool, result: RecordOut?

        init(preview p: MovePreview, record: ActionRecord?, nothing: Bool = false) {
            (tenant, consumer, action, source) = (p.consumer.tenant, p.consumer.name, p.move.action, p.source)
            (from, to, redeliver, events) = (p.from, p.to, p.redeliver, p.events)
            (first, last, running) = (p.first.map(EventOut.init), p.last.map(EventOut.init), p.running.map(RunnerOut.init))
            switch p.pause {
            case .none: (pause, pausedAt, pausedBy) = ("none", nil, nil)
            case .requested(let at, let by): (pause, pausedAt, pausedBy) = ("requested", at, by)
            case .acknowledged(let at, let by): (pause, pausedAt, pausedBy) = ("acknowledged", at, by)
            }
            (refusal, previewedAt, self.nothing, result) = (p.refusal, p.previewedAt, nothing, record.map(RecordOut.init))
        }
    }

    struct EventOut: Encodable {
        let position: Int64, type: String, stream: String, recordedAt: Date
        init(_ e: EventSummary) { (position, type, stream, recordedAt) = (e.position, e.type, e.stream, e.recordedAt) }
    }

    struct RunnerOut: Encodable {
        let backendPid: Int32, application: String?, host: String?, pid: Int32?
        init(_ r: ConsumerRunner) { (backendPid, application, host, pid) = (r.backendPID, r.application, r.host, r.pid) }
    }

    struct RecordOut: Encodable {
        let id: Int64, action: String, status: String, tenant: String, target: String, fromPosition: Int64?, toPosition: Int64?
        let rows: Int64, reason: String, byUser: String, byApplication: String, startedAt: Date, finishedAt: Date?
        init(_ r: ActionRecord) {
            (id, action, status, tenant, target) = (r.id, r.action, r.status, r.tenant, r.target)
            (fromPosition, toPosition, rows, reason) = (r.fromPosition, r.toPosition, r.rows, r.reason)
            (byUser, byApplication, startedAt, finishedAt) = (r.byUser, r.byApplication, r.startedAt, r.finishedAt)
        }
    }

    struct ParkedOut: Encodable {
        let tenant: String, consumer: String, position: Int64, stream: String, type: String, error: String, attempts: Int
        let firstFailedAt: Date, lastFailedAt: Date, parkedAt: Date, replayRequested: Bool
        init(_ e: ParkedEvent) {
            (tenant, consumer, position, stream, type) = (e.consumer.tenant, e.consumer.name, e.position, e.stream, e.type)
            (error, attempts, firstFailedAt, lastFailedAt) = (e.error, e.attempts, e.firstFailedAt, e.lastFailedAt)
            (parkedAt, replayRequested) = (e.parkedAt, e.replayRequested)
        }
    }

    struct ParkedPreviewOut: Encodable {
        let tenant: String, consumer: String, positions: [Int64], events: [ParkedOut], running: RunnerOut?, previewedAt: Date
        let result: RecordOut?
    }
}
