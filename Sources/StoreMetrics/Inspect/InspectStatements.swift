import StoreAccess

/// The statements of `BackendInspector`, one place for their SQL (PostgreSQL 14 or later: `pg_locks.waitstart`).
enum InspectStatements {
    /// One backend's pg_stat_activity row with its locks, one row per lock (ungranted first, at most `lockLimit`;
    /// a backend without locks gives one row whose lock columns are NULL). The backend's columns are computed once
    /// (a materialized CTE) and repeat on every row, except the query text, sent on the first row only.
    /// pg_stat_activity is read once per statement, so the row, `holds_horizon` and `blocks` describe one instant.
    static func detail(pid: Int32, lockLimit: Int) -> SQL {
        SQL(
            """
            WITH b AS MATERIALIZED (
                SELECT a.pid, a.datname, a.usename, coalesce(a.application_name, '') AS application_name,
                       host(a.client_addr) AS client_addr, a.client_hostname, a.client_port,
                       a.backend_start, a.xact_start, a.query_start, a.state_change, coalesce(a.state, 'unknown') AS state,
                       a.wait_event_type, a.wait_event, a.backend_xid::text AS backend_xid, a.backend_xmin::text AS backend_xmin,
                       age(a.backend_xmin) AS xmin_age, coalesce(a.query, '') AS query_text,
                       coalesce(octet_length(a.query) >= s.size - 1, false) AS query_truncated, s.size AS query_size,
                       coalesce(greatest(age(a.backend_xid), age(a.backend_xmin)) >= (
                           SELECT max(greatest(age(o.backend_xid), age(o.backend_xmin))) FROM pg_stat_activity o
                            WHERE (o.backend_type = 'client backend' AND o.datid = a.datid OR o.pid = a.pid)
                              AND o.pid <> pg_backend_pid()), false) AS holds_horizon,
                       pg_blocking_pids(a.pid)::text AS blocked_by,
                       (SELECT array_agg(o.pid ORDER BY o.pid) FROM pg_stat_activity o
                         WHERE o.wait_event_type = 'Lock' AND a.pid = ANY (pg_blocking_pids(o.pid)))::text AS blocks,
                       clock_timestamp() AS read_at
                  FROM pg_stat_activity a
                 CROSS JOIN (SELECT setting::int AS size FROM pg_settings WHERE name = 'track_activity_query_size') s
                 WHERE a.pid = \(pid))
            SELECT b.pid, b.datname, b.usename, b.application_name, b.client_addr, b.client_hostname, b.client_port,
                   b.backend_start, b.xact_start, b.query_start, b.state_change, b.state, b.wait_event_type, b.wait_event,
                   b.backend_xid, b.backend_xmin, b.xmin_age, b.query_truncated, b.query_size, b.holds_horizon, b.blocked_by,
                   b.blocks, b.read_at, CASE WHEN coalesce(k.lock_ordinal, 1) = 1 THEN b.query_text END AS query, k.*
              FROM b
              LEFT JOIN LATERAL (\(unsafeRaw: locks)
                    WHERE l.pid = b.pid
                    ORDER BY lock_ordinal LIMIT \(unsafeRaw: String(lockLimit))) k ON true
             ORDER BY k.lock_ordinal NULLS FIRST
            """
        ).named("inspect.detail")
    }

    /// A backend's locks, described: the relation where there is one in this database (or a shared catalog),
    /// a target a person reads ("row (0,3) of public.orders"), the rank of the order they are shown in (ungranted
    /// first). Followed by the caller's WHERE, ORDER BY and LIMIT.
    private static let locks = """
        SELECT l.locktype AS lock_type, l.mode AS lock_mode, l.granted AS lock_granted, l.waitstart AS lock_wait_start,
               r.rel AS lock_relation, row_number() OVER (ORDER BY l.granted, l.locktype, r.rel, l.mode) AS lock_ordinal,
               CASE l.locktype
                 WHEN 'relation' THEN coalesce(r.kind, 'relation') || ' ' || coalesce(r.rel, l.relation::text || ' of database ' || l.database::text)
                 WHEN 'tuple' THEN format('row (%s,%s) of %s', l.page, l.tuple, coalesce(r.rel, l.relation::text))
                 WHEN 'page' THEN format('page %s of %s', l.page, coalesce(r.rel, l.relation::text))
                 WHEN 'extend' THEN 'extension of ' || coalesce(r.rel, l.relation::text)
                 WHEN 'transactionid' THEN 'transaction ' || l.transactionid::text
                 WHEN 'virtualxid' THEN 'virtual transaction ' || l.virtualxid
                 WHEN 'advisory' THEN format('advisory %s:%s:%s', l.classid, l.objid, l.objsubid)
                 WHEN 'object' THEN coalesce(r.object, format('object %s:%s:%s', l.classid, l.objid, l.objsubid))
                 WHEN 'frozenid' THEN 'frozen ids of database ' || l.database::text
                 WHEN 'spectoken' THEN format('speculative insertion %s:%s', l.transactionid, l.objid)
                 ELSE l.locktype
               END AS lock_target
          FROM pg_locks l
          LEFT JOIN LATERAL (
               SELECT CASE WHEN c.oid IS NOT NULL THEN format('%I.%I', n.nspname, c.relname) END AS rel,
                      CASE c.relkind WHEN 'i' THEN 'index' WHEN 'I' THEN 'index' WHEN 'S' THEN 'sequence' WHEN 'v' THEN 'view'
                                     WHEN 'm' THEN 'materialized view' WHEN 't' THEN 'TOAST table' WHEN 'f' THEN 'foreign table'
                                     ELSE 'table' END AS kind,
                      CASE WHEN l.locktype = 'object' THEN pg_describe_object(l.classid, l.objid, l.objsubid::int) END AS object
                 FROM (SELECT 1) one
                 LEFT JOIN pg_class c ON c.oid = l.relation
                 LEFT JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE l.database IN (0, (SELECT oid FROM pg_database WHERE datname = current_database()))) r ON true
        """

    /// The backend's query again, for EXPLAIN: its database and whether the text was cut.
    static func explainSource(pid: Int32) -> SQL {
        SQL(
            """
            SELECT a.datname, current_database() AS here, coalesce(a.query, '') AS query, current_user AS role,
                   coalesce(octet_length(a.query) >= (SELECT setting::int FROM pg_settings WHERE name = 'track_activity_query_size') - 1,
                            false) AS query_truncated
              FROM pg_stat_activity a
             WHERE a.pid = \(pid)
            """
        ).named("inspect.explain_source")
    }
}
