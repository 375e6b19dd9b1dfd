import Foundation
import StoreAccess

/// The audit of a foreign store's prune: storetop's own table in a schema the DBA names (docs/pruning.md, "Pruning a
/// zestor outbox"). The row is written `running` before the first delete, updated by each batch in that batch's
/// transaction (the batch's DELETE and the UPDATE are one statement), and closed `done`, `cancelled` or `failed`.
extension ZestorPruneStatements {
    /// The audit table (created when missing; the DBA's role needs CREATE on the audit schema for that).
    static func createAudit(_ audit: Identifier) -> SQL {
        SQL(
            """
            CREATE TABLE IF NOT EXISTS \(ident: audit).\(unsafeRaw: auditTable) (
                id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                store_kind       text NOT NULL,
                store_schema     text NOT NULL,
                tenant           text NOT NULL,
                kind             text NOT NULL,
                older_than       interval NOT NULL,
                cutoff           timestamptz NOT NULL,
                started_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
                finished_at      timestamptz,
                status           text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'done', 'cancelled', 'failed')),
                rows_planned     bigint NOT NULL,
                planned_first_id bigint,
                planned_last_id  bigint,
                rows_deleted     bigint NOT NULL DEFAULT 0,
                first_id         bigint,
                last_id          bigint,
                batches          integer NOT NULL DEFAULT 0,
                by_user          text NOT NULL DEFAULT current_user,
                by_application   text NOT NULL DEFAULT current_setting('application_name'),
                listeners        jsonb NOT NULL DEFAULT '[]',
                error            text)
            """
        ).named("actions.zestor_prune.audit_create")
    }

    /// The `running` row, before the first delete; returns its `id`.
    static func begin(_ audit: Identifier, _ p: ZestorPrunePlan, listeners: String) -> SQL {
        SQL(
            """
            INSERT INTO \(ident: audit).\(unsafeRaw: auditTable) (store_kind, store_schema, tenant, kind, older_than, cutoff,
                   rows_planned, planned_first_id, planned_last_id, listeners)
            VALUES ('zestor', \(p.schema), \(p.tenant), \(p.kind), make_interval(secs => \(p.olderThan.seconds)::float8),
                    \(p.cutoff)::timestamptz, \(p.rows)::bigint, \(p.firstID)::bigint, \(p.lastID)::bigint, \(listeners)::jsonb)
            RETURNING id
            """
        ).named("actions.zestor_prune.audit_begin")
    }

    /// One batch: deletes up to `limit` planned rows after id `after` (the index range scan starts there, past the
    /// rows earlier batches deleted) and adds them to the audit row, in one statement, so the row and the outbox
    /// commit together. Rows another session holds locked are skipped. One row: deleted, first_id, last_id; none when
    /// the audit row is gone (the caller then rolls the batch back).
    static func batch(_ schema: Identifier, _ audit: Identifier, _ p: ZestorPrunePlan, auditID: Int64, after: Int64, limit: Int) -> SQL {
        SQL(
            """
            WITH d AS (
                DELETE FROM \(ident: schema).zestor_outbox WHERE id IN (
                    SELECT o.id FROM \(ident: schema).zestor_outbox o
                     WHERE o.ns_id = \(p.nsID) AND o.kind = \(p.kind) AND o.id > \(after) AND o.id <= \(p.lastID ?? 0)
                       AND o.at < \(p.cutoff)::timestamptz
                     ORDER BY o.id LIMIT \(limit) FOR UPDATE SKIP LOCKED)
                RETURNING id),
                 s AS (SELECT count(*) AS n, min(id) AS lo, max(id) AS hi FROM d)
            UPDATE \(ident: audit).\(unsafeRaw: auditTable) t
               SET rows_deleted = t.rows_deleted + s.n, batches = t.batches + CASE WHEN s.n > 0 THEN 1 ELSE 0 END,
                   first_id = coalesce(t.first_id, s.lo), last_id = coalesce(s.hi, t.last_id), finished_at = clock_timestamp()
              FROM s WHERE t.id = \(auditID)
            RETURNING s.n AS deleted, s.lo AS first_id, s.hi AS last_id
            """
        ).named("actions.zestor_prune.batch")
    }

    /// Closes the audit row with `status` (and the error that stopped it, if any).
    static func end(_ audit: Identifier, auditID: Int64, status: String, error: String?) -> SQL {
        SQL(
            """
            UPDATE \(ident: audit).\(unsafeRaw: auditTable) SET status = \(status), finished_at = clock_timestamp(), error = \(error)
             WHERE id = \(auditID)
            """
        ).named("actions.zestor_prune.audit_end")
    }
}
