import Foundation
import StoreAccess

/// The statements of a factstr cursor move (docs/foreign-stores.md): factstr's own tables, read with its query rules
/// (event types match any of a filter's list, payload predicates are JSONB containment, any of them; filters are
/// ORed; a null filter list matches every event; `min_sequence_number` bounds the stream from below), and storetop's
/// audit table in the schema the DBA names. The only write to a foreign store is the cursor's UPDATE.
enum ForeignMoveStatements {
    /// storetop's audit table of foreign consumer moves, in the DBA's audit schema.
    static let auditTable = "storetop_foreign_actions_audit"

    /// Events of the cursor's query — a predicate on `e`, with the query (its `event_query` as jsonb) as `q.q`.
    static let matches = """
        (e.sequence_number >= coalesce((q.q ->> 'min_sequence_number')::bigint, 0)
         AND (coalesce(q.q -> 'filters', 'null'::jsonb) = 'null'::jsonb
          OR EXISTS (SELECT 1 FROM jsonb_array_elements(q.q -> 'filters') f
              WHERE (coalesce(f -> 'event_types', 'null'::jsonb) = 'null'::jsonb
                     OR e.event_type IN (SELECT jsonb_array_elements_text(f -> 'event_types')))
                AND (coalesce(f -> 'payload_predicates', 'null'::jsonb) = 'null'::jsonb
                     OR jsonb_array_length(f -> 'payload_predicates') = 0
                     OR EXISTS (SELECT 1 FROM jsonb_array_elements(f -> 'payload_predicates') p WHERE e.payload @> p)))))
        """

    /// The cursor's position and query, and the store's head.
    static func cursor(_ s: Identifier, _ name: String) -> SQL {
        SQL(
            """
            SELECT c.last_processed_sequence_number AS position, c.event_query AS query,
                   (SELECT coalesce(max(sequence_number), 0) FROM \(ident: s).events) AS head,
                   has_table_privilege(\(s.quoted + ".durable_stream_cursors"), 'UPDATE') AS may_update, current_user AS role
              FROM \(ident: s).durable_stream_cursors c WHERE c.durable_stream_id = \(name)
            """
        ).named("actions.foreign_move.cursor")
    }

    /// The `n`th of the cursor's events at or below `from` (newest first), or after it (oldest first).
    static func nth(_ s: Identifier, _ q: String, from: Int64, n: Int, after: Bool) -> SQL {
        SQL(
            """
            WITH q AS (SELECT \(q)::jsonb AS q)
            SELECT e.sequence_number FROM \(ident: s).events e, q WHERE e.sequence_number \(unsafeRaw: after ? ">" : "<=") \(from)
               AND \(unsafeRaw: matches)
             ORDER BY e.sequence_number \(unsafeRaw: after ? "ASC" : "DESC") OFFSET \(max(0, n - 1)) LIMIT 1
            """
        ).named("actions.foreign_move.nth")
    }

    /// The last event recorded before `at` (factstr's `occurred_at`, the appender's clock).
    static func before(_ s: Identifier, _ at: Date) -> SQL {
        SQL(
            "SELECT coalesce(max(sequence_number), 0) FROM \(ident: s).events WHERE occurred_at < \(at)::timestamptz"
        ).named("actions.foreign_move.before")
    }

    /// The cursor's events in (lo, hi]: how many, and the first and last (position, type, time).
    static func range(_ s: Identifier, _ q: String, lo: Int64, hi: Int64) -> SQL {
        SQL(
            """
            WITH q AS (SELECT \(q)::jsonb AS q),
                 m AS (SELECT e.sequence_number, e.event_type, e.occurred_at FROM \(ident: s).events e, q
                        WHERE e.sequence_number > \(lo) AND e.sequence_number <= \(hi) AND \(unsafeRaw: matches))
            SELECT (SELECT count(*) FROM m) AS events,
                   f.sequence_number::text AS first_position, f.event_type AS first_type, f.occurred_at AS first_at,
                   l.sequence_number::text AS last_position, l.event_type AS last_type, l.occurred_at AS last_at
              FROM (SELECT 1) one
              LEFT JOIN (SELECT * FROM m ORDER BY sequence_number LIMIT 1) f ON true
              LEFT JOIN (SELECT * FROM m ORDER BY sequence_number DESC LIMIT 1) l ON true
            """
        ).named("actions.foreign_move.range")
    }

    /// Locks the cursor row and reads its position (inside the move's transaction).
    static func lock(_ s: Identifier, _ name: String) -> SQL {
        SQL(
            "SELECT last_processed_sequence_number::text FROM \(ident: s).durable_stream_cursors WHERE durable_stream_id = \(name) FOR UPDATE"
        ).named("actions.foreign_move.lock")
    }

    static func move(_ s: Identifier, _ name: String, to: Int64) -> SQL {
        SQL(
            "UPDATE \(ident: s).durable_stream_cursors SET last_processed_sequence_number = \(to) WHERE durable_stream_id = \(name)"
        ).named("actions.foreign_move.update")
    }

    static func createAudit(_ audit: Identifier) -> SQL {
        SQL(
            """
            CREATE TABLE IF NOT EXISTS \(ident: audit).\(unsafeRaw: auditTable) (
                id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                store_kind     text NOT NULL,
                store_schema   text NOT NULL,
                action         text NOT NULL,
                target         text NOT NULL,
                from_position  text NOT NULL,
                to_position    text NOT NULL,
                rows           bigint NOT NULL,
                reason         text NOT NULL DEFAULT '',
                forced         boolean NOT NULL,
                detail         jsonb NOT NULL DEFAULT '{}',
                by_user        text NOT NULL DEFAULT current_user,
                by_application text NOT NULL DEFAULT current_setting('application_name'),
                at             timestamptz NOT NULL DEFAULT clock_timestamp())
            """
        ).named("actions.foreign_move.audit_create")
    }

    static func audit(_ audit: Identifier, _ p: ForeignMovePreview, reason: String, forced: Bool, detail: String) -> SQL {
        SQL(
            """
            INSERT INTO \(ident: audit).\(unsafeRaw: auditTable) (store_kind, store_schema, action, target, from_position,
                   to_position, rows, reason, forced, detail)
            VALUES (\(p.consumer.kind.rawValue), \(p.consumer.schema), \(p.move.action), \(p.consumer.name), \(p.from),
                    \(p.to), \(Int64(p.events)), \(reason), \(forced), \(JSONText(detail))::jsonb)
            RETURNING id
            """
        ).named("actions.foreign_move.audit")
    }
}
