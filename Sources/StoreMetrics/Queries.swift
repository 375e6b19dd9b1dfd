import StoreAccess

/// Every statement StoreMetrics runs, in one place. Each is bounded (LIMIT or a small catalog) and index-backed;
/// none counts a big table. Table names come from StoreAccess's schema (`schema`), never repeated DDL.
enum Queries {
    /// Server facts and this database's counters (pg_stat_database, one row; size of this database only).
    static func server() -> SQL {
        SQL("""
            SELECT version(), pg_postmaster_start_time(), current_setting('max_connections')::int,
                   (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'),
                   (SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()),
                   pg_database_size(current_database()), current_database(), pg_is_in_recovery(), now(),
                   (SELECT coalesce(json_agg(json_build_object('name', application_name, 'address', client_addr::text,
                       'state', state, 'replay_lag', extract(epoch FROM replay_lag))), '[]')
                      FROM (SELECT * FROM pg_stat_replication LIMIT 32) r)
            """).named("metrics.server")
    }

    /// Client backends (bounded), with blockers for those waiting on locks.
    static func sessions() -> SQL {
        SQL("""
            SELECT pid, coalesce(application_name, ''), usename, coalesce(state, 'unknown'), wait_event_type, wait_event,
                   query_start, xact_start, state_change, age(backend_xmin),
                   CASE WHEN wait_event_type = 'Lock' THEN pg_blocking_pids(pid)::text END, left(query, 300)
              FROM pg_stat_activity
             WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()
             ORDER BY xact_start NULLS LAST LIMIT 2000
            """).named("metrics.sessions")
    }

    /// In-flight appends holding delivery back, for the event log and the outbox.
    static func blockers(_ schema: Identifier) -> SQL {
        SQL("""
            SELECT 'events', pid, registered_after FROM \(ident: schema).blockers('events', \(schema.quoted + ".event_position")::regclass)
            UNION ALL
            SELECT 'outbox', pid, registered_after FROM \(ident: schema).blockers('outbox', \(schema.quoted + ".outbox_position")::regclass)
            """).named("metrics.blockers")
    }

    static func schemaVersion(_ schema: Identifier) -> SQL {
        SQL("SELECT to_regclass(\(schema.quoted + ".schema_version")) IS NOT NULL").named("metrics.schema_exists")
    }

    static func pools(_ schema: Identifier) -> SQL {
        SQL("""
            SELECT host, pid, started_at, application_name, service, store, tenant, interval_ms,
                   extract(epoch FROM now() - reported_at), size, idle, in_use, waiting, max_size, peak_in_use,
                   acquisitions_total, timeouts_total, connection_errors_total, acquire_mean_ms, acquire_p99_ms
              FROM \(ident: schema).pool_reports ORDER BY service, store, tenant, host, pid LIMIT 1000
            """).named("metrics.pools")
    }

    /// Global head and safe position, last write, per-tenant heads (index (tenant, position)) and event totals
    /// (sum of stream versions: reads the streams table, never the events table).
    static func streams(_ schema: Identifier) -> SQL {
        SQL("""
            SELECT coalesce(pg_sequence_last_value(\(schema.quoted + ".event_position")::regclass), 0),
                   \(ident: schema).events_safe_position(),
                   (SELECT updated_at FROM \(ident: schema).streams ORDER BY updated_at DESC LIMIT 1),
                   (SELECT coalesce(json_agg(json_build_object('tenant', t.tenant, 'head', h.head, 'events', s.events,
                        'streams', s.streams, 'last', s.last) ORDER BY t.tenant), '[]')
                      FROM (SELECT tenant FROM \(ident: schema).tenants ORDER BY tenant LIMIT 10000) t
                      LEFT JOIN LATERAL (SELECT e.position AS head FROM \(ident: schema).events e
                                          WHERE e.tenant = t.tenant ORDER BY e.position DESC LIMIT 1) h ON true
                      LEFT JOIN (SELECT tenant, sum(version) AS events, count(*) AS streams, max(updated_at) AS last
                                   FROM \(ident: schema).streams GROUP BY tenant) s ON s.tenant = t.tenant),
                   (SELECT coalesce(json_agg(json_build_object('tenant', tenant, 'stream', stream, 'version', version,
                        'head', head_position, 'updated', updated_at)), '[]')
                      FROM (SELECT * FROM \(ident: schema).streams ORDER BY updated_at DESC LIMIT 20) a)
            """).named("metrics.streams")
    }

    /// Every durable consumer with its head, lag (positions and age of the oldest unhandled row) and whether
    /// its owner still holds the consumer lock.
    static func cursors(_ schema: Identifier) -> SQL {
        SQL("""
            WITH held AS MATERIALIZED (
                SELECT l.objid FROM pg_locks l WHERE l.locktype = 'advisory' AND l.objsubid = 2 AND l.granted
                   AND l.classid = ((hashtext(\(schema.name + ".cursor"))::bigint) & 4294967295)::oid)
            SELECT c.tenant, c.name, c.source, c.filter ->> 'kind', c.position,
                   CASE c.source WHEN 'events' THEN coalesce(eh.head, 0) ELSE coalesce(oh.head_id, 0) END,
                   extract(epoch FROM now() - CASE c.source WHEN 'events' THEN ne.recorded_at ELSE no.at END),
                   c.owner_application, c.owner_host, c.owner_pid, c.owner_backend_pid,
                   EXISTS (SELECT 1 FROM held WHERE held.objid = ((hashtext(c.tenant || '/' || c.name)::bigint) & 4294967295)::oid),
                   c.heartbeat_at, c.moved_at
              FROM (SELECT * FROM \(ident: schema).cursors ORDER BY tenant, name LIMIT 5000) c
              LEFT JOIN LATERAL (SELECT e.position AS head FROM \(ident: schema).events e
                                  WHERE c.source = 'events' AND e.tenant = c.tenant ORDER BY e.position DESC LIMIT 1) eh ON true
              LEFT JOIN \(ident: schema).outbox_heads oh ON c.source = 'outbox' AND oh.tenant = c.tenant AND oh.kind = c.filter ->> 'kind'
              LEFT JOIN LATERAL (SELECT e.recorded_at FROM \(ident: schema).events e
                                  WHERE c.source = 'events' AND e.tenant = c.tenant AND e.position > c.position
                                  ORDER BY e.position LIMIT 1) ne ON true
              LEFT JOIN LATERAL (SELECT o.at FROM \(ident: schema).outbox o
                                  WHERE c.source = 'outbox' AND o.tenant = c.tenant AND o.kind = c.filter ->> 'kind'
                                    AND o.id > c.position ORDER BY o.id LIMIT 1) no ON true
            """).named("metrics.cursors")
    }

    /// Outboxes from their head rows (exact size without counting), oldest row by index, slowest watcher.
    static func outboxes(_ schema: Identifier) -> SQL {
        SQL("""
            SELECT h.tenant, h.kind, h.appended_total - h.pruned_total, h.head_id, h.appended_total, o.at, o.id,
                   w.name, w.position, coalesce(wc.n, 0)
              FROM (SELECT * FROM \(ident: schema).outbox_heads ORDER BY tenant, kind LIMIT 5000) h
              LEFT JOIN LATERAL (SELECT at, id FROM \(ident: schema).outbox x
                                  WHERE x.tenant = h.tenant AND x.kind = h.kind ORDER BY x.id LIMIT 1) o ON true
              LEFT JOIN LATERAL (SELECT name, position FROM \(ident: schema).cursors c
                                  WHERE c.tenant = h.tenant AND c.source = 'outbox' AND c.filter ->> 'kind' = h.kind
                                  ORDER BY position, name LIMIT 1) w ON true
              LEFT JOIN LATERAL (SELECT count(*) AS n FROM \(ident: schema).cursors c
                                  WHERE c.tenant = h.tenant AND c.source = 'outbox' AND c.filter ->> 'kind' = h.kind) wc ON true
            """).named("metrics.outboxes")
    }

    /// Bookmarks, stalest first (index on updated_at), bounded.
    static func bookmarks(_ schema: Identifier) -> SQL {
        SQL("SELECT tenant, key, updated_at FROM \(ident: schema).state ORDER BY updated_at LIMIT 500").named("metrics.bookmarks")
    }

    static func tenants(_ schema: Identifier) -> SQL {
        SQL("SELECT tenant FROM \(ident: schema).tenants ORDER BY tenant LIMIT 10000").named("metrics.tenants")
    }

    /// Every query name used by the collector (tests check each runs against a real schema).
    static func all(_ schema: Identifier) -> [SQL] {
        [server(), sessions(), blockers(schema), schemaVersion(schema), pools(schema), streams(schema),
         cursors(schema), outboxes(schema), bookmarks(schema), tenants(schema)]
    }
}
