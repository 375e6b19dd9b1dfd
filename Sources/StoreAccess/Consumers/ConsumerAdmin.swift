import Foundation

/// Operates durable consumers (docs/operations.md): move them (rewind, skip, reset) after a preview, pause and resume
/// them, replay or discard their parked events, and read the actions audit. Every change is one SQL function call
/// (`consumer_move`, `consumer_pause`, `parked_replay`, …): one transaction that checks nothing moved since the
/// preview, changes, and writes its audit row.
public final class ConsumerAdmin: Sendable {
    /// The store whose consumers it operates.
    public let store: Store

    /// Operates the consumers of `store` (whose schema must be at version 9 or later).
    public init(store: Store) { self.store = store }

    var schema: Identifier { store.schema.name }

    /// What `move` would do to consumer `c` now.
    public func preview(_ c: ConsumerRef, _ move: ConsumerMove) throws -> MovePreview {
        try store.pool.withConnection { conn in
            let row = try state(c, on: conn)
            let from: Int64 = try row.decode("position")
            let head: Int64 = try row.decode("head")
            let to = try target(c, move, from: from, head: head, on: conn)
            let redeliver = to < from
            let (lo, hi) = redeliver ? (to, from) : (from, to)
            let count = try conn.query(
                SQL("SELECT \(ident: schema).consumer_count(\(c.tenant), \(c.name), \(lo), \(hi))").named("consumers.preview_count")
            ).first!.decode(0, as: Int64.self)
            let first = try rows(c, after: lo, upto: hi, descending: false, limit: 1, on: conn).first
            let last = try rows(c, after: lo, upto: hi, descending: true, limit: 1, on: conn).first
            let running = try runner(row)
            let pause = try pauseState(row)
            var refusal: String?
            if let running, !(pause.isAcknowledged) {
                refusal =
                    "consumer \(c) is running (backend \(running.backendPID), \(running.application ?? "?") on \(running.host ?? "?") pid \(running.pid.map(String.init) ?? "?")): pause it first, or force the move"
            }
            return MovePreview(
                consumer: c, move: move, source: try row.decode("source"), from: from, to: to, redeliver: redeliver,
                events: count, first: first, last: last, running: running, pause: pause, refusal: refusal,
                previewedAt: Date())
        }
    }

    /// Where consumer `c` is, who runs it and its pause: one read of its row (what a pause or resume dialog shows).
    public func status(_ c: ConsumerRef) throws -> (position: Int64, running: ConsumerRunner?, pause: PauseState) {
        try store.pool.withConnection { conn in
            let row = try state(c, on: conn)
            return (try row.decode("position"), try runner(row), try pauseState(row))
        }
    }

    /// Carries out a previewed move; refuses (`.conflict`) when the consumer moved since the preview, and
    /// (`.consumerBusy`) while it runs without an acknowledged pause unless `force`.
    public func execute(_ p: MovePreview, reason: String, force: Bool = false) throws -> ActionRecord {
        let id = try store.pool.query(
            SQL(
                """
                SELECT \(ident: schema).consumer_move(\(p.consumer.tenant), \(p.consumer.name), \(p.from), \(p.to), \
                \(p.move.action), \(reason), \(force), \(p.events))
                """
            ).named("consumers.move")
        ).first!.decode(0, as: Int64.self)
        return try record(id)
    }

    /// Asks consumer `c` to pause: its loop stops before its next batch, keeps its lock and heartbeats "paused".
    public func pause(_ c: ConsumerRef, reason: String) throws -> ActionRecord {
        try pauseOrResume(c, reason: reason, pause: true)
    }

    /// Lets a paused consumer go on (from its position, which a move may have changed).
    public func resume(_ c: ConsumerRef, reason: String) throws -> ActionRecord {
        try pauseOrResume(c, reason: reason, pause: false)
    }

    private func pauseOrResume(_ c: ConsumerRef, reason: String, pause: Bool) throws -> ActionRecord {
        let id = try store.pool.query(
            SQL("SELECT \(ident: schema).consumer_pause(\(c.tenant), \(c.name), \(reason), \(pause))").named(
                pause ? "consumers.pause" : "consumers.resume")
        ).first!.decode(0, as: Int64.self)
        return try record(id)
    }

    /// The newest actions audit rows, newest first.
    public func audit(limit: Int = 100) throws -> [ActionRecord] {
        try store.pool.query(
            SQL("SELECT \(unsafeRaw: ActionRecord.columns) FROM \(ident: schema).actions_audit ORDER BY id DESC LIMIT \(limit)")
                .named("consumers.audit")
        ).rows.map(ActionRecord.init(row:))
    }

    /// One audit row.
    public func record(_ id: Int64) throws -> ActionRecord {
        guard
            let row = try store.pool.query(
                SQL("SELECT \(unsafeRaw: ActionRecord.columns) FROM \(ident: schema).actions_audit WHERE id = \(id)").named(
                    "consumers.audit_row")
            ).first
        else { throw StoreError(.notFound, "no actions audit row \(id)") }
        return try ActionRecord(row: row)
    }
}

extension PauseState {
    /// The loop said it stopped.
    public var isAcknowledged: Bool { if case .acknowledged = self { return true } else { return false } }
}

extension ActionRecord {
    static let columns =
        "id, action, status, tenant, target, from_position, to_position, rows, reason, by_user, by_application, started_at, finished_at"

    init(row: Row) throws {
        self.init(
            id: try row.decode(0), action: try row.decode(1), status: try row.decode(2), tenant: try row.decode(3),
            target: try row.decode(4), fromPosition: try row.decodeOptional(5), toPosition: try row.decodeOptional(6),
            rows: try row.decode(7), reason: try row.decode(8), byUser: try row.decode(9), byApplication: try row.decode(10),
            startedAt: try row.decode(11), finishedAt: try row.decodeOptional(12))
    }
}
