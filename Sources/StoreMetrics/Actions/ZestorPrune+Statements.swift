import StoreAccess

/// The statements of a zestor outbox prune, in one catalog beside the action they serve (`ActionStatements` holds
/// the StoreAccess ones). Every read is bounded by `idx_outbox_kind (ns_id, kind, id)`; every write goes to the
/// one outbox named, or to storetop's own audit table in the schema the DBA named.
enum ZestorPruneStatements {
    /// The audit table storetop creates in the audit schema (never in the foreign store's schema).
    static let auditTable = "storetop_foreign_prune_audit"

    /// Every statement with sample arguments (a test runs each against a zestor schema and an audit schema).
    static func all(_ schema: Identifier, audit: Identifier) -> [SQL] {
        [
            privileges(schema: schema.name, audit: audit.name), plan(schema, ns: 0, kind: "k", olderThanSeconds: 60), listeners,
            kinds(schema, ns: 0, kind: "k"), createAudit(audit), lockTimeout(.seconds(1)),
        ]
    }

    /// Whether the schemas and tables exist and what this role may do on them, read from the catalogs only (so a
    /// schema the role may not use is an answer, not an error). One row.
    static func privileges(schema: String, audit: String) -> SQL {
        SQL(
            """
            WITH zs AS (SELECT oid FROM pg_namespace WHERE nspname = \(schema)),
                 ob AS (SELECT c.oid FROM pg_class c JOIN zs ON c.relnamespace = zs.oid WHERE c.relname = 'zestor_outbox'),
                 au AS (SELECT oid FROM pg_namespace WHERE nspname = \(audit)),
                 at AS (SELECT c.oid FROM pg_class c JOIN au ON c.relnamespace = au.oid WHERE c.relname = \(auditTable))
            SELECT current_user AS role,
                   EXISTS (SELECT 1 FROM zs) AS zestor_schema, EXISTS (SELECT 1 FROM ob) AS outbox,
                   coalesce(has_schema_privilege((SELECT oid FROM zs), 'USAGE'), false) AS zestor_usage,
                   coalesce(has_table_privilege((SELECT oid FROM ob), 'SELECT'), false) AS outbox_select,
                   coalesce(has_table_privilege((SELECT oid FROM ob), 'DELETE'), false) AS outbox_delete,
                   EXISTS (SELECT 1 FROM au) AS audit_schema, EXISTS (SELECT 1 FROM at) AS audit_table,
                   EXISTS (SELECT 1 FROM pg_class c JOIN au ON c.relnamespace = au.oid
                            WHERE c.relname IN ('zestor_outbox', 'zestor_kv')) AS audit_holds_zestor,
                   coalesce(has_schema_privilege((SELECT oid FROM au), 'USAGE'), false) AS audit_usage,
                   coalesce(has_schema_privilege((SELECT oid FROM au), 'CREATE'), false) AS audit_create,
                   coalesce(has_table_privilege((SELECT oid FROM at), 'SELECT'), false) AS audit_select,
                   coalesce(has_table_privilege((SELECT oid FROM at), 'INSERT'), false) AS audit_insert,
                   coalesce(has_table_privilege((SELECT oid FROM at), 'UPDATE'), false) AS audit_update
            """
        ).named("actions.zestor_prune.privileges")
    }

    /// The plan of one (ns_id, kind): the candidates are the rows in id order before the first row younger than the
    /// age (zestor stamps `at = now()` as it inserts, so id order is time order up to concurrent transactions), found by
    /// walking `idx_outbox_kind` from the oldest row; then their exact count and id range, the outbox's rows, and the
    /// oldest row's time. Times are the server's.
    static func plan(_ schema: Identifier, ns: Int64, kind: String, olderThanSeconds: Double) -> SQL {
        SQL(
            """
            WITH c AS (SELECT now() AS now, now() - make_interval(secs => \(olderThanSeconds)::float8) AS cutoff),
                 y AS (SELECT (SELECT o.id FROM \(ident: schema).zestor_outbox o, c
                                WHERE o.ns_id = \(ns) AND o.kind = \(kind) AND o.at >= c.cutoff ORDER BY o.id LIMIT 1) AS id)
            SELECT c.now, c.cutoff, k.rows, k.first_id, k.last_id,
                   (SELECT count(*) FROM \(ident: schema).zestor_outbox o WHERE o.ns_id = \(ns) AND o.kind = \(kind)) AS total,
                   (SELECT o.at FROM \(ident: schema).zestor_outbox o WHERE o.ns_id = \(ns) AND o.kind = \(kind)
                     ORDER BY o.id LIMIT 1) AS oldest_at
              FROM c, y, LATERAL (
                   SELECT count(*) AS rows, min(o.id) AS first_id, max(o.id) AS last_id FROM \(ident: schema).zestor_outbox o
                    WHERE o.ns_id = \(ns) AND o.kind = \(kind) AND o.id < coalesce(y.id, 9223372036854775807) AND o.at < c.cutoff) k
            """
        ).named("actions.zestor_prune.plan")
    }

    /// The sessions of this database whose last statement is `LISTEN zestor_events` (each zestor store instance keeps
    /// one; the channel is the database's, not a schema's), with how long each has been idle, and how many other
    /// sessions hide their statements from this role. One row even with no listener.
    static var listeners: SQL {
        SQL(
            """
            SELECT (SELECT count(*) FROM pg_stat_activity h
                     WHERE h.datname = current_database() AND h.query = '<insufficient privilege>') AS hidden,
                   l.pid, l.application_name, l.usename, l.state, l.idle_seconds, l.backend_start
              FROM (SELECT 1) one
              LEFT JOIN LATERAL (
                   SELECT s.pid, s.application_name, s.usename::text, s.state, s.backend_start,
                          CASE WHEN s.state = 'active' THEN 0
                               ELSE greatest(0, extract(epoch FROM now() - s.state_change)) END::float8 AS idle_seconds
                     FROM pg_stat_activity s
                    WHERE s.datname = current_database() AND s.pid <> pg_backend_pid()
                      AND lower(rtrim(btrim(s.query), ';')) = 'listen zestor_events'
                    ORDER BY idle_seconds DESC, s.pid LIMIT 200) l ON true
            """
        ).named("actions.zestor_prune.listeners")
    }

    /// For an outbox with no rows: whether the namespace has keys of that kind (then the outbox exists, pruned to
    /// empty or not written since) and the kinds it has keys of (at most 10), for the error that names a typo.
    static func kinds(_ schema: Identifier, ns: Int64, kind: String) -> SQL {
        SQL(
            """
            SELECT EXISTS (SELECT 1 FROM \(ident: schema).zestor_kv WHERE ns_id = \(ns) AND kind = \(kind)) AS has_kind,
                   (SELECT string_agg(k.kind, ', ' ORDER BY k.kind) FROM (SELECT DISTINCT v.kind FROM \(ident: schema).zestor_kv v
                     WHERE v.ns_id = \(ns) ORDER BY v.kind LIMIT 10) k) AS kinds
            """
        ).named("actions.zestor_prune.kinds")
    }

    /// `lock_timeout` for the rest of the batch's transaction only.
    static func lockTimeout(_ d: Duration) -> SQL {
        SQL("SELECT set_config('lock_timeout', \(String(d.milliseconds)), true)").named("actions.zestor_prune.lock_timeout")
    }
}
