import Foundation
import StoreAccess

/// A consumer of another library's store whose cursor storetop can move: factstr's `durable_stream_cursors`, eventcore
/// 2's `eventcore_subscription_versions`.
public struct ForeignConsumerRef: Sendable, Hashable {
    /// The library (`.factstr` or `.eventcore`).
    public var kind: Snapshot.ForeignStore.Kind
    /// The store's schema.
    public var schema: String
    /// The cursor's name (factstr: `durable_stream_id`).
    public var name: String

    /// A consumer of the store of `kind` in `schema`.
    public init(kind: Snapshot.ForeignStore.Kind, schema: String, name: String) {
        (self.kind, self.schema, self.name) = (kind, schema, name)
    }
}

/// What moving a foreign cursor would do, computed now; execute it with `Actions.executeForeignMove`.
public struct ForeignMovePreview: Sendable, Equatable {
    /// One of the consumer's events.
    public struct Event: Sendable, Equatable {
        /// Its position (factstr: `sequence_number`; eventcore: `event_id`).
        public var position: String
        /// Its type.
        public var type: String
        /// When it was recorded (factstr: `occurred_at`, eventcore: `created_at`; both the appender's clock).
        public var recordedAt: Date
    }

    public var consumer: ForeignConsumerRef
    public var move: ConsumerMove
    /// The cursor's position now and after the move (factstr: a sequence number; eventcore: an event id).
    public var from: String
    public var to: String
    /// The store's head now.
    public var head: String
    /// true: a rewind (the events in (to, from] are delivered again); false: the events in (from, to] are skipped.
    public var redeliver: Bool
    /// Exactly how many of the consumer's events (factstr: by its own query; eventcore: every event) lie in that range.
    public var events: Int
    public var first: Event?
    public var last: Event?
    /// Why execute refuses now, force or not (eventcore: a process holds the subscription's leader lock).
    public var refusal: String?
    /// Why execute needs `force` (factstr records no owner, so whether a process consumes is unknown).
    public var forceRequired: String?
    /// Why this role may not move the cursor (nil: it may; the audit table also needs CREATE or INSERT in its schema).
    public var missingPrivileges: String?
    public var previewedAt: Date
}

/// A foreign move that was executed: its audit row.
public struct ForeignMoveRecord: Sendable, Equatable {
    /// The row's id in `<auditSchema>.storetop_foreign_actions_audit`.
    public var auditID: Int64
    /// The audit table, qualified.
    public var auditTable: String
    public var preview: ForeignMovePreview
}

extension Actions {
    /// Previews moving a foreign cursor (read-only: allowed in read-only mode). Throws `.notFound` for a missing
    /// cursor, `.invalidArgument` for a store kind storetop cannot move yet.
    public func previewForeignMove(_ c: ForeignConsumerRef, _ move: ConsumerMove, now: Date = Date()) throws -> ForeignMovePreview {
        let s = try Identifier(c.schema)
        let conn = try Connection(try ConnectionString(dsn), applicationName: Self.zestorPruneApplicationName)
        defer { conn.close() }
        switch c.kind {
        case .factstr: return try previewFactstr(conn, s, c, move, now: now)
        case .eventcore: return try previewEventcore(conn, s, c, move, now: now)
        default: throw StoreError(.invalidArgument, "moving a \(c.kind.rawValue) consumer is not supported (factstr and eventcore 2 only)")
        }
    }

    func previewFactstr(_ conn: Connection, _ s: Identifier, _ c: ForeignConsumerRef, _ move: ConsumerMove, now: Date) throws -> ForeignMovePreview {
        guard let row = try conn.query(ForeignMoveStatements.cursor(s, c.name)).first else {
            throw StoreError(.notFound, "factstr store \(c.schema) has no durable stream \(c.name)")
        }
        let (from, query, head): (Int64, String, Int64) = (try row.decode("position"), try row.decode("query"), try row.decode("head"))
        let to = try Self.target(conn, s, query, move, from: from, head: head)
        let lo = min(from, to), hi = max(from, to)
        let r = try conn.query(ForeignMoveStatements.range(s, query, lo: lo, hi: hi)).first!
        func event(_ p: String) throws -> ForeignMovePreview.Event? {
            guard let pos = try r.decodeOptional("\(p)_position", as: String.self) else { return nil }
            return .init(position: pos, type: try r.decode("\(p)_type"), recordedAt: try r.decode("\(p)_at"))
        }
        return ForeignMovePreview(
            consumer: c, move: move, from: String(from), to: String(to), head: String(head), redeliver: to < from,
            events: try r.decode("events"), first: try event("first"), last: try event("last"), refusal: nil,
            forceRequired: "factstr records no owner of a cursor: storetop cannot tell whether a process is consuming it; "
                + "stop the consumer, then force the move", missingPrivileges: try Self.mayUpdate(row, "durable_stream_cursors"),
            previewedAt: now)
    }

    /// The factstr position `move` leads to from `from`.
    static func target(_ c: Connection, _ s: Identifier, _ q: String, _ move: ConsumerMove, from: Int64, head: Int64) throws -> Int64 {
        switch move {
        case .rewindTo(let p): return max(0, min(p, from))
        case .rewindToTime(let at): return min(from, try c.query(ForeignMoveStatements.before(s, at)).first!.decode(0, as: Int64.self))
        case .rewindBy(let n):
            // the nth of its events at or below the position is delivered again, with everything after it
            let nth = try c.query(ForeignMoveStatements.nth(s, q, from: from, n: n, after: false)).first?.decode(0, as: Int64.self)
            return n <= 0 ? from : (nth.map { $0 - 1 } ?? 0)
        case .skip(let n):
            let nth = try c.query(ForeignMoveStatements.nth(s, q, from: from, n: n, after: true)).first?.decode(0, as: Int64.self)
            return n <= 0 ? from : (nth ?? max(from, head))
        case .skipToHead, .resetToNow: return max(from, head)
        case .resetToStart: return 0
        }
    }

    /// Moves the cursor as previewed, in one transaction that first checks the position did not move since the
    /// preview (`.conflict` when it did), with an audit row in `<auditSchema>.storetop_foreign_actions_audit`
    /// (created when missing). Refuses in read-only mode, and without `force` while `preview.refusal` says why.
    public func executeForeignMove(_ p: ForeignMovePreview, reason: String, force: Bool = false, auditSchema: String) throws -> ForeignMoveRecord {
        if readOnly { throw StoreError(.readOnly, "moving a consumer is disabled: storetop runs with --read-only") }
        if let why = p.missingPrivileges { throw StoreError(.insufficientPrivilege, "cannot move the consumer: \(why)") }
        if let why = p.forceRequired, !force { throw StoreError(.conflict, "move refused without force: \(why)") }
        if let why = p.refusal { throw StoreError(.consumerBusy, "move refused: \(why)") }
        let s = try Identifier(p.consumer.schema), audit = try Identifier(auditSchema)
        guard auditSchema != p.consumer.schema else {
            throw StoreError(.invalidArgument, "the audit schema must not be the store's own: storetop never writes into it")
        }
        let conn = try Connection(try ConnectionString(dsn), applicationName: Self.zestorPruneApplicationName)
        defer { conn.close() }
        let q = { (v: String?) in v.map { "\"\($0)\"" } ?? "null" }
        let detail = "{\"head\":\(q(p.head)),\"redeliver\":\(p.redeliver),\"first\":\(q(p.first?.position)),\"last\":\(q(p.last?.position))}"
        let id: Int64 = try conn.transaction { c in
            try c.query(ForeignMoveStatements.createAudit(audit))
            let eventcore = p.consumer.kind == .eventcore
            let lock = eventcore ? ForeignMoveStatements.ecLock(s, p.consumer.name) : ForeignMoveStatements.lock(s, p.consumer.name)
            guard let row = try c.query(lock).first else {
                throw StoreError(.notFound, "\(p.consumer.kind.rawValue) store \(p.consumer.schema) has no consumer \(p.consumer.name)")
            }
            let now: String = try row.decode(0)
            guard now == p.from else {
                throw StoreError(.conflict, "the cursor moved since the preview (\(p.from) then, \(now) now): preview again")
            }
            if eventcore, let pid = try Self.leader(c, p.consumer.name) {
                throw StoreError(.consumerBusy, "move refused: backend \(pid) holds the subscription's leader lock")
            }
            try c.query(
                eventcore
                    ? ForeignMoveStatements.ecMove(s, p.consumer.name, to: p.to)
                    : ForeignMoveStatements.move(s, p.consumer.name, to: Int64(p.to) ?? 0))
            return try c.query(ForeignMoveStatements.audit(audit, p, reason: reason, forced: force, detail: detail)).first!.decode(0)
        }
        return ForeignMoveRecord(auditID: id, auditTable: "\(auditSchema).\(ForeignMoveStatements.auditTable)", preview: p)
    }
}
