import Foundation
import StoreAccess

/// The locks panel: the two sequence heads, then every advisory lock StoreMetrics reads, in one pass over
/// pg_locks: registrations of in-flight appends (the gap-free safe position and who holds delivery back, as
/// `safe_position()` computes them) and granted consumer locks (is a consumer's owner connected). The lock
/// classes come from `StoreProtocol`, the one owner of them.
enum LocksPanel: Panel {
    static let name = "locks"

    static func statements(_ schema: Identifier) -> [SQL] { [statement(schema)] }

    /// The heads are read before the locks (the lock scan is LATERAL to them), the order `safe_position()` relies
    /// on. `epoch` (when the schema was created, and its version) tells the collector the store was dropped and
    /// created again, or migrated. One row per lock (kind NULL when there is none).
    static func statement(_ schema: Identifier) -> SQL {
        let events = StoreProtocol.classIDSQL(.eventsRegistration, in: schema)
        let outbox = StoreProtocol.classIDSQL(.outboxRegistration, in: schema)
        let consumer = StoreProtocol.classIDSQL(.consumer, in: schema)
        return SQL(
            """
            SELECT h.ev AS events_head, h.ob AS outbox_head, l.kind, l.pid, l.objid AS key, h.epoch
              FROM (SELECT coalesce(pg_sequence_last_value(\(schema.quoted + ".event_position")::regclass), 0) AS ev,
                           (SELECT min(applied_at)::text || ' ' || max(version) FROM \(ident: schema).schema_version) AS epoch,
                           coalesce(pg_sequence_last_value(\(schema.quoted + ".outbox_position")::regclass), 0) AS ob,
                           \(unsafeRaw: events) AS ce,
                           \(unsafeRaw: outbox) AS co,
                           \(unsafeRaw: consumer) AS cc
                     OFFSET 0) h
              LEFT JOIN LATERAL (
                   SELECT CASE l.classid WHEN h.ce THEN 'events' WHEN h.co THEN 'outbox' ELSE 'consumer' END AS kind,
                          l.pid, l.objid::bigint AS objid
                     FROM pg_locks l
                    WHERE l.locktype = 'advisory' AND l.objsubid = 2 AND l.classid IN (h.ce, h.co, h.cc)
                      AND (l.granted OR l.classid <> h.cc)
                      AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
                    LIMIT 100000) l ON true
            """
        ).named("metrics.locks")
    }

    /// Reads the heads and locks.
    static func read(_ c: Connection, _ schema: Identifier) throws -> LockView {
        var v = LockView(eventsHead: 0, outboxHead: 0, registrations: [], consumerLocks: [], epoch: nil)
        for r in try c.query(statement(schema)).rows { try decode(r, into: &v) }
        return v
    }

    /// Adds one row to the view.
    static func decode(_ r: Row, into v: inout LockView) throws {
        v.eventsHead = try r.decode("events_head")
        v.outboxHead = try r.decode("outbox_head")
        v.epoch = r["epoch"]
        guard let kind = r["kind"] else { return }
        let pid: Int32 = try r.decode("pid"), key: Int64 = try r.decode("key")
        switch kind {
        case "consumer": v.consumerLocks.insert(key)
        default: v.registrations.append((kind, pid, registeredAfter(head: kind == "events" ? v.eventsHead : v.outboxHead, key: key)))
        }
    }

    /// A registration's lock key holds the low 32 bits of the head it registered after; the position is the
    /// highest value at or below the head with those bits (as safe_position() computes it). A key up to 2^31 above
    /// the head's bits was registered after the head was read: it holds back nothing read with that head (the head).
    static func registeredAfter(head: Int64, key: Int64) -> Int64 {
        let m: Int64 = 1 << 32
        let behind = (((head - key) % m) + m) % m
        return behind >= m / 2 ? head : head - behind
    }
}

/// Heads of both logs and the advisory locks of in-flight appends and connected consumers.
struct LockView {
    var eventsHead: Int64
    var outboxHead: Int64
    /// (log, pid, registered after position)
    var registrations: [(log: String, pid: Int32, after: Int64)]
    /// Keys of consumer locks held now (hashtext of the consumer key as an unsigned 32-bit value).
    var consumerLocks: Set<Int64>
    /// When the store's schema was created and its version (a new value: everything carried is void).
    var epoch: String?
    /// The store's schema version (from `epoch`).
    var schemaVersion: Int? { epoch?.split(separator: " ").last.flatMap { Int($0) } }

    /// What safe_position() computes: the head, or just below the lowest registration still in flight.
    func safe(_ log: String) -> Int64 {
        let head = log == "events" ? eventsHead : outboxHead
        return registrations.filter { $0.log == log }.map(\.after).reduce(head, min)
    }

    /// The 20 lowest registrations of each log: the backends holding delivery back.
    var blockers: [Snapshot.DeliveryBlocker] {
        ["events", "outbox"].flatMap { log in
            registrations.filter { $0.log == log }.sorted { ($0.after, $0.pid) < ($1.after, $1.pid) }.prefix(20)
                .map {
                    Snapshot.DeliveryBlocker(
                        log: log, pid: $0.pid, registeredAfter: $0.after, applicationName: nil, state: nil, transactionSeconds: nil)
                }
        }
    }
}
