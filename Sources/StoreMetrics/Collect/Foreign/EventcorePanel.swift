import Foundation
import StoreAccess

/// An eventcore store. Version 2: head by event id (UUIDv7) and its write time, the event count as the planner's
/// estimate, and each subscription's time since its checkpoint, events after its position (capped) and the age of
/// the first one. Version 0.1: head, the estimate, and the finding a DBA needs: its statement trigger scans the
/// whole events table on every insert (shown as a warning with the table's size).
enum EventcorePanel: Panel {
    static let name = "foreign.eventcore"
    static let cap = 100_000

    static func statements(_ schema: Identifier) -> [SQL] {
        [head(schema, table: "eventcore_events"), head(schema, table: "events"), subscriptions(schema), leaders, streams(schema), migration(schema)]
    }

    /// Session advisory locks of the shape eventcore 2's projector leadership takes (`pg_try_advisory_lock` on a
    /// 64-bit key: `classid` the high half, `objid` the low half, `objsubid` 1), in this database.
    static let leaders = SQL(
        """
        SELECT classid::bigint AS hi, objid::bigint AS lo FROM pg_catalog.pg_locks
         WHERE locktype = 'advisory' AND objsubid = 1 AND granted
           AND database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database())
         LIMIT 10000
        """
    ).named("metrics.foreign.eventcore_leaders")

    /// eventcore's leader key for a subscription: FNV-1a 64 of its name, as the signed key the lock takes.
    static func leaderKey(_ name: String) -> (hi: Int64, lo: Int64) {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in name.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
        return (Int64(h >> 32), Int64(h & 0xffff_ffff))
    }

    /// The newest event, the planner's row estimate, the table's size and whether 0.1's scanning trigger is there.
    /// `table` is one of this code's own names (`eventcore_events`, `events`); the catalog reads name it by the text
    /// of a `$n::regclass` parameter, so no literal is built here.
    /// The head is ordered by the qualified column `e.event_id`: an unqualified `ORDER BY event_id` beside
    /// `SELECT event_id::text` sorts by the output column (the text), a full scan and sort of the table (1.1 s at
    /// 1M events, found by `scripts/bench-foreign`) instead of one step down the primary key.
    static func head(_ s: Identifier, table: String) -> SQL {
        let t = table == "events" ? "events" : "eventcore_events"
        return SQL(
            """
            SELECT (SELECT e.event_id::text FROM \(ident: s).\(unsafeRaw: t) e ORDER BY e.event_id DESC LIMIT 1) AS head,
                   (SELECT created_at FROM \(ident: s).\(unsafeRaw: t) ORDER BY event_id DESC LIMIT 1) AS last_write,
                   (SELECT reltuples::bigint FROM pg_catalog.pg_class WHERE oid = r.oid) AS estimate,
                   pg_catalog.pg_total_relation_size(r.oid) AS bytes,
                   EXISTS (SELECT 1 FROM pg_catalog.pg_trigger WHERE tgrelid = r.oid
                            AND tgname = 'validate_batch_versions_after_insert') AS scanning_trigger
              FROM (SELECT \(s.quoted + "." + t)::regclass AS oid) r
            """
        ).named("metrics.foreign.eventcore_head")
    }

    static func subscriptions(_ s: Identifier) -> SQL {
        SQL(
            unsafeRaw: """
                SELECT v.subscription_name AS name, v.last_position::text AS position, v.updated_at,
                       (SELECT count(*) FROM (SELECT 1 FROM \(s.quoted).eventcore_events e
                         WHERE e.event_id > v.last_position LIMIT \(cap + 1)) x) AS backlog,
                       (SELECT e.created_at FROM \(s.quoted).eventcore_events e
                         WHERE e.event_id > v.last_position ORDER BY e.event_id LIMIT 1) AS first_unhandled_at
                  FROM \(s.quoted).eventcore_subscription_versions v
                 ORDER BY v.subscription_name LIMIT 1000
                """, name: "metrics.foreign.eventcore_subscriptions")
    }

    static func read(_ c: Connection, into store: inout Snapshot.ForeignStore, now: Date, statements: inout Int) throws {
        let s = try Identifier(store.schema, what: "schema")
        let v2 = store.version == "2"
        if let h = try c.query(head(s, table: v2 ? "eventcore_events" : "events")).first {
            store.head = try h.decodeOptional("head")
            store.lastWriteAt = try h.decodeOptional("last_write")
            let estimate: Int64? = try h.decodeOptional("estimate")
            // reltuples is -1 until the table is first vacuumed or analyzed: no estimate then, rather than "~1"
            store.events = estimate.flatMap { $0 < 0 ? (store.head == nil ? 0 : nil) : max($0, store.head == nil ? 0 : 1) }
            store.eventsExact = false
            if try h.decode("scanning_trigger", as: Bool.self) {
                let mb = Double(try h.decode("bytes", as: Int64.self)) / 1_048_576
                store.warnings.append(
                    "eventcore 0.1's trigger validate_batch_versions_after_insert scans the whole events table on every insert "
                        + "(\(String(format: "%.1f", mb)) MB now): appends slow down as the table grows")
            }
        }
        guard v2 else { return }
        try readStreams(c, s, into: &store, statements: &statements)
        guard store.tables.contains("eventcore_subscription_versions") else { return }
        statements += 2
        let held = Set(try c.query(leaders).rows.map { "\(try $0.decode("hi", as: Int64.self))/\(try $0.decode("lo", as: Int64.self))" })
        store.consumers = try c.query(subscriptions(s)).rows.map { r in
            let backlog: Int64 = try r.decode("backlog")
            let first: Date? = try r.decodeOptional("first_unhandled_at")
            let updated: Date = try r.decode("updated_at")
            return .init(
                name: try r.decode("name"), position: try r.decode("position"), lagEvents: min(backlog, Int64(cap)),
                lagCapped: backlog > cap, lagPositions: nil, oldestUnhandledAgeSeconds: first.map { max(0, now.timeIntervalSince($0)) },
                sinceCheckpointSeconds: max(0, now.timeIntervalSince(updated)), status: "UNKNOWN", why: "")
        }
        for i in store.consumers.indices {
            let k = leaderKey(store.consumers[i].name)
            store.consumers[i].leaderConnected = held.contains("\(k.hi)/\(k.lo)")
        }
    }
}
