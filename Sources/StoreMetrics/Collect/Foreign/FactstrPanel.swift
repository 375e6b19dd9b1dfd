import Foundation
import StoreAccess

/// A factstr store (0.4, 0.5): its head and last write, and each durable cursor's position, lag in positions,
/// the exact backlog matching its stored query (capped) and the age of the first event it still has to handle.
/// factstr numbers events from 1 without gaps and never deletes them, so the head is also the event count (exact).
/// Its cursors record neither a time nor an owner: a stall shows only across snapshots (`ForeignStatus`).
enum FactstrPanel: Panel {
    static let name = "foreign.factstr"
    /// The backlog is counted among the `window` positions after the cursor: its stored query is evaluated per row
    /// (jsonb), so a count capped by matches alone still read every row up to the cap's match (3 s for a filtered
    /// cursor 200k behind at 1M events). Further behind, the consumer's row says "≥" (positions are gap-free, so
    /// the window is exactly `window` events).
    static let window = 10_000

    static func statements(_ schema: Identifier) -> [SQL] { [head(schema), cursors(schema), writes(schema)] }

    static func head(_ s: Identifier) -> SQL {
        SQL("SELECT sequence_number, occurred_at FROM \(ident: s).events ORDER BY sequence_number DESC LIMIT 1").named("metrics.foreign.factstr_head")
    }

    /// Does event `e` match the filters `q` of a cursor's query (factstr's rule: filters ORed; in a filter the type
    /// is one of `event_types` (null: any; `[]`: none) and the payload contains any of `payload_predicates`)?
    static let matches = """
        (q.f IS NULL OR q.f = 'null'::jsonb OR EXISTS (
            SELECT 1 FROM jsonb_array_elements(q.f) f
             WHERE (f.value -> 'event_types' IS NULL OR f.value -> 'event_types' = 'null'::jsonb
                    OR e.event_type IN (SELECT jsonb_array_elements_text(f.value -> 'event_types')))
               AND (f.value -> 'payload_predicates' IS NULL OR f.value -> 'payload_predicates' = 'null'::jsonb
                    OR jsonb_array_length(f.value -> 'payload_predicates') = 0
                    OR EXISTS (SELECT 1 FROM jsonb_array_elements(f.value -> 'payload_predicates') p WHERE e.payload @> p.value))))
        """

    static func cursors(_ s: Identifier) -> SQL {
        SQL(
            unsafeRaw: """
                SELECT c.durable_stream_id AS name, c.last_processed_sequence_number AS position,
                       h.head - c.last_processed_sequence_number AS lag_positions,
                       (SELECT count(*) FROM \(s.quoted).events e
                         WHERE e.sequence_number > q.after AND e.sequence_number <= q.after + \(window) AND \(matches)) AS backlog,
                       h.head - q.after > \(window) AS windowed,
                       (SELECT e.occurred_at FROM \(s.quoted).events e
                         WHERE e.sequence_number > q.after AND e.sequence_number <= q.after + \(window) AND \(matches)
                         ORDER BY e.sequence_number LIMIT 1) AS first_unhandled_at
                  FROM \(s.quoted).durable_stream_cursors c
                 CROSS JOIN (SELECT coalesce(max(sequence_number), 0) AS head FROM \(s.quoted).events) h
                 CROSS JOIN LATERAL (SELECT (c.event_query::jsonb) -> 'filters' AS f,
                        greatest(c.last_processed_sequence_number,
                                 coalesce(((c.event_query::jsonb) ->> 'min_sequence_number')::bigint - 1, 0)) AS after) q
                 ORDER BY c.durable_stream_id LIMIT 1000
                """, name: "metrics.foreign.factstr_cursors")
    }

    /// Reads the store into `store`; `statements` counts what it sends beyond the first.
    static func read(_ c: Connection, into store: inout Snapshot.ForeignStore, now: Date, statements: inout Int) throws {
        let s = try Identifier(store.schema, what: "schema")
        if let h = try c.query(head(s)).first {
            let head: Int64 = try h.decode("sequence_number")
            store.head = String(head)
            store.events = head
            store.eventsExact = true
            store.lastWriteAt = try h.decodeOptional("occurred_at")
        } else {
            store.head = "0"; store.events = 0; store.eventsExact = true
        }
        if store.tables.contains("append_batches") {
            statements += 1
            try readWrites(c, s, into: &store)
        }
        guard store.tables.contains("durable_stream_cursors") else { return }
        statements += 1
        store.consumers = try c.query(cursors(s)).rows.map { r in
            let backlog: Int64 = try r.decode("backlog")
            let first: Date? = try r.decodeOptional("first_unhandled_at")
            return .init(
                name: try r.decode("name"), position: String(try r.decode("position", as: Int64.self)),
                lagEvents: backlog, lagCapped: try r.decode("windowed", as: Bool.self), lagPositions: try r.decode("lag_positions"),
                oldestUnhandledAgeSeconds: first.map { max(0, now.timeIntervalSince($0)) }, sinceCheckpointSeconds: nil,
                status: "UNKNOWN", why: "")
        }
    }
}
