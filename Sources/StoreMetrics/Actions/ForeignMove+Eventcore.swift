import Foundation
import StoreAccess

/// Moving an eventcore 2 subscription (`eventcore_subscription_versions.last_position`, an event id: UUIDv7 from the
/// appender's clock). A subscription delivers every event after its position in `event_id` order, so the preview
/// counts every event in the range. Refused while a process holds the subscription's leader lock (a session advisory
/// lock keyed by the FNV-1a 64 hash of its name, docs/foreign-stores.md): eventcore would move it back.
extension ForeignMoveStatements {
    /// The position before every event.
    static let nilID = "00000000-0000-0000-0000-000000000000"

    static func ecCursor(_ s: Identifier, _ name: String) -> SQL {
        SQL(
            """
            SELECT v.last_position::text AS position,
                   has_table_privilege(\(s.quoted + ".eventcore_subscription_versions"), 'UPDATE') AS may_update, current_user AS role,
                   coalesce((SELECT e.event_id::text FROM \(ident: s).eventcore_events e ORDER BY e.event_id DESC LIMIT 1), \(nilID)) AS head
              FROM \(ident: s).eventcore_subscription_versions v WHERE v.subscription_name = \(name)
            """
        ).named("actions.foreign_move.ec_cursor")
    }

    /// The event `offset` steps from `from` (older, at or below it, newest first; or newer, after it, oldest first).
    static func ecStep(_ s: Identifier, from: String, offset: Int, after: Bool) -> SQL {
        SQL(
            """
            SELECT e.event_id::text FROM \(ident: s).eventcore_events e
             WHERE e.event_id \(unsafeRaw: after ? ">" : "<=") \(from)::uuid
             ORDER BY e.event_id \(unsafeRaw: after ? "ASC" : "DESC") OFFSET \(max(0, offset)) LIMIT 1
            """
        ).named("actions.foreign_move.ec_step")
    }

    /// The newest event (by id) recorded before `at`.
    static func ecBefore(_ s: Identifier, _ at: Date) -> SQL {
        SQL(
            "SELECT max(e.event_id)::text FROM \(ident: s).eventcore_events e WHERE e.created_at < \(at)::timestamptz"
        ).named("actions.foreign_move.ec_before")
    }

    /// The events between the two positions (either order): how many, the first and last, and whether `to` is older.
    static func ecRange(_ s: Identifier, from: String, to: String) -> SQL {
        SQL(
            """
            WITH b AS (SELECT least(\(from)::uuid, \(to)::uuid) AS lo, greatest(\(from)::uuid, \(to)::uuid) AS hi),
                 m AS (SELECT e.event_id, e.event_type, e.created_at FROM \(ident: s).eventcore_events e, b
                        WHERE e.event_id > b.lo AND e.event_id <= b.hi)
            SELECT (SELECT count(*) FROM m) AS events, \(to)::uuid < \(from)::uuid AS redeliver,
                   f.event_id::text AS first_position, f.event_type AS first_type, f.created_at AS first_at,
                   l.event_id::text AS last_position, l.event_type AS last_type, l.created_at AS last_at
              FROM (SELECT 1) one
              LEFT JOIN (SELECT * FROM m ORDER BY event_id LIMIT 1) f ON true
              LEFT JOIN (SELECT * FROM m ORDER BY event_id DESC LIMIT 1) l ON true
            """
        ).named("actions.foreign_move.ec_range")
    }

    /// The backend holding the leader lock of key (hi, lo) in this database, if any.
    static func ecLeader(hi: Int64, lo: Int64) -> SQL {
        SQL(
            """
            SELECT pid FROM pg_catalog.pg_locks WHERE locktype = 'advisory' AND objsubid = 1 AND granted
               AND classid::bigint = \(hi) AND objid::bigint = \(lo)
               AND database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database()) LIMIT 1
            """
        ).named("actions.foreign_move.ec_leader")
    }

    static func ecLock(_ s: Identifier, _ name: String) -> SQL {
        SQL(
            "SELECT last_position::text FROM \(ident: s).eventcore_subscription_versions WHERE subscription_name = \(name) FOR UPDATE"
        ).named("actions.foreign_move.ec_lock")
    }

    static func ecMove(_ s: Identifier, _ name: String, to: String) -> SQL {
        SQL(
            """
            UPDATE \(ident: s).eventcore_subscription_versions SET last_position = \(to)::uuid, updated_at = now()
             WHERE subscription_name = \(name)
            """
        ).named("actions.foreign_move.ec_update")
    }
}

extension Actions {
    func previewEventcore(_ conn: Connection, _ s: Identifier, _ c: ForeignConsumerRef, _ move: ConsumerMove, now: Date) throws -> ForeignMovePreview
    {
        guard let row = try conn.query(ForeignMoveStatements.ecCursor(s, c.name)).first else {
            throw StoreError(.notFound, "eventcore store \(c.schema) has no subscription \(c.name)")
        }
        let (from, head): (String, String) = (try row.decode("position"), try row.decode("head"))
        let to = try Self.ecTarget(conn, s, move, from: from, head: head)
        let r = try conn.query(ForeignMoveStatements.ecRange(s, from: from, to: to)).first!
        func event(_ p: String) throws -> ForeignMovePreview.Event? {
            guard let pos = try r.decodeOptional("\(p)_position", as: String.self) else { return nil }
            return .init(position: pos, type: try r.decode("\(p)_type"), recordedAt: try r.decode("\(p)_at"))
        }
        let leader = try Self.leader(conn, c.name)
        return ForeignMovePreview(
            consumer: c, move: move, from: from, to: to, head: head, redeliver: try r.decode("redeliver"), events: try r.decode("events"),
            first: try event("first"), last: try event("last"),
            refusal: leader.map { "backend \($0) holds the subscription's leader lock: stop its projector first" }, forceRequired: nil,
            missingPrivileges: try Self.mayUpdate(row, "eventcore_subscription_versions"), previewedAt: now)
    }

    /// The eventcore position `move` leads to from `from`.
    static func ecTarget(_ c: Connection, _ s: Identifier, _ move: ConsumerMove, from: String, head: String) throws -> String {
        func step(_ offset: Int, after: Bool) throws -> String? {
            try c.query(ForeignMoveStatements.ecStep(s, from: from, offset: offset, after: after)).first?.decode(0, as: String.self)
        }
        switch move {
        case .rewindTo:
            throw StoreError(.invalidArgument, "eventcore positions are event ids: rewind to a time or by a number of events")
        case .rewindToTime(let at):
            let before = try c.query(ForeignMoveStatements.ecBefore(s, at)).first?.decodeOptional(0, as: String.self)
            // never forward: a time after the position leaves it where it is
            // (canonical lowercase uuid text sorts as the uuids do)
            return before.map { $0 < from ? $0 : from } ?? ForeignMoveStatements.nilID
        case .rewindBy(let n):
            // the position just below the nth event at or below it: that event and everything after are delivered again
            return n <= 0 ? from : try step(n, after: false) ?? ForeignMoveStatements.nilID
        case .skip(let n): return n <= 0 ? from : try step(n - 1, after: true) ?? head
        case .skipToHead, .resetToNow: return try step(0, after: true) == nil ? from : head
        case .resetToStart: return ForeignMoveStatements.nilID
        }
    }

    /// Why this role may not move the cursor (nil: it may), from the cursor statement's `may_update` and `role`.
    static func mayUpdate(_ row: Row, _ table: String) throws -> String? {
        try row.decode("may_update", as: Bool.self) ? nil : "role \(try row.decode("role", as: String.self)) lacks UPDATE on \(table)"
    }

    /// The backend holding eventcore's leader lock of subscription `name`, if any.
    static func leader(_ c: Connection, _ name: String) throws -> Int32? {
        let key = EventcorePanel.leaderKey(name)
        return try c.query(ForeignMoveStatements.ecLeader(hi: key.hi, lo: key.lo)).first?.decode(0, as: Int32.self)
    }
}
