import StoreAccess

/// Every statement StoreMetrics runs, in one place. Each is bounded (LIMIT or a small catalog) and index-backed;
/// none counts a big table. Table names come from StoreAccess's schema (`schema`), never repeated DDL.
enum Queries {
    /// At most this many consumers are read per snapshot.
    static let cursorLimit = 5000

    /// Server facts and this database's counters (pg_stat_database, one row). The database size walks the
    /// database's directory (about 1 ms on a large store), so the collector asks for it at most every 10 s.
    /// Connections in use come from the sessions statement (one pass over pg_stat_activity, not two).
    static func server(withSize: Bool = true) -> SQL {
        SQL("""
            SELECT version(), pg_postmaster_start_time(), current_setting('max_connections')::int, NULL,
                   (SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()),
                   \(unsafeRaw: withSize ? "pg_database_size(current_database())" : "NULL::bigint"), current_database(),
                   pg_is_in_recovery(), now(),
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
                   CASE WHEN wait_event_type = 'Lock' THEN pg_blocking_pids(pid)::text END, left(query, 300),
                   count(*) OVER ()
              FROM pg_stat_activity
             WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()
             ORDER BY xact_start NULLS LAST LIMIT 2000
            """).named("metrics.sessions")
    }

    /// The two sequence heads, then every advisory lock StoreMetrics reads, in one pass over pg_locks:
    /// registrations of in-flight appends (the gap-free safe position and who holds delivery back, as
    /// `safe_position()` computes them) and granted consumer locks (is a consumer's owner connected). The heads are
    /// read before the locks (the lock scan is LATERAL to them), the order `safe_position()` relies on. `epoch`
    /// (when the schema was created, and its version) tells the collector the store was dropped and created again
    /// or migrated.
    static func locks(_ schema: Identifier) -> SQL {
        SQL("""
            SELECT h.ev, h.ob, l.kind, l.pid, l.objid, h.epoch
              FROM (SELECT coalesce(pg_sequence_last_value(\(schema.quoted + ".event_position")::regclass), 0) AS ev,
                           (SELECT min(applied_at)::text || ' ' || max(version) FROM \(ident: schema).schema_version) AS epoch,
                           coalesce(pg_sequence_last_value(\(schema.quoted + ".outbox_position")::regclass), 0) AS ob,
                           ((hashtext(\(schema.name + ".events.reg"))::bigint) & 4294967295)::oid AS ce,
                           ((hashtext(\(schema.name + ".outbox.reg"))::bigint) & 4294967295)::oid AS co,
                           ((hashtext(\(schema.name + ".cursor"))::bigint) & 4294967295)::oid AS cc
                     OFFSET 0) h
              LEFT JOIN LATERAL (
                   SELECT CASE l.classid WHEN h.ce THEN 'events' WHEN h.co THEN 'outbox' ELSE 'consumer' END AS kind,
                          l.pid, l.objid::bigint AS objid
                     FROM pg_locks l
                    WHERE l.locktype = 'advisory' AND l.objsubid = 2 AND l.classid IN (h.ce, h.co, h.cc)
                      AND (l.granted OR l.classid <> h.cc)
                      AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
                    LIMIT 100000) l ON true
            """).named("metrics.locks")
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

    /// Last write and the most active streams (index on updated_at), with per-tenant totals: either
    /// `incremental` — the events appended in (`base`, `safe`] (primary-key range; every position up to `safe` has
    /// settled, so nothing is counted twice or missed) — or in full from the streams table (one row per stream,
    /// never the events table), less the events above `safe`, so the totals count exactly the events up to `safe`.
    /// The incremental form also gives each tenant's first new event (position and time): the first unhandled
    /// event of every consumer that was caught up at the previous snapshot.
    static func streams(_ schema: Identifier, base: Int64?, safe: Int64) -> SQL {
        let common = """
            SELECT (SELECT updated_at FROM \(schema.quoted).streams ORDER BY updated_at DESC LIMIT 1),
                   (SELECT coalesce(json_agg(json_build_object('tenant', tenant, 'stream', stream, 'version', version,
                        'head', head_position, 'updated', updated_at)), '[]')
                      FROM (SELECT * FROM \(schema.quoted).streams ORDER BY updated_at DESC LIMIT 20) a),
            """
        if let base {
            return SQL("""
                \(unsafeRaw: common)
                   (SELECT coalesce(json_agg(json_build_object('tenant', a.tenant, 'events', a.events, 'streams', a.created,
                           'head', a.head, 'last', a.last, 'first', a.first, 'first_at', a.first_at)), '[]')
                      FROM (SELECT tenant, count(*) AS events, count(*) FILTER (WHERE version = 1) AS created,
                                   max(position) AS head, max(recorded_at) AS last, min(position) AS first,
                                   (array_agg(recorded_at ORDER BY position))[1] AS first_at
                              FROM \(ident: schema).events WHERE position > \(base) AND position <= \(safe) GROUP BY tenant) a)
                """).named("metrics.streams")
        }
        return SQL("""
            \(unsafeRaw: common)
               (SELECT coalesce(json_agg(json_build_object('tenant', s.tenant, 'events', s.events - coalesce(a.events, 0),
                       'streams', s.streams - coalesce(a.created, 0), 'head', s.head, 'last', s.last)), '[]')
                  FROM (SELECT tenant, sum(version) AS events, count(*) AS streams, max(head_position) AS head,
                               max(updated_at) AS last
                          FROM \(ident: schema).streams GROUP BY tenant) s
                  LEFT JOIN (SELECT tenant, count(*) AS events, count(*) FILTER (WHERE version = 1) AS created
                               FROM \(ident: schema).events WHERE position > \(safe) GROUP BY tenant) a ON a.tenant = s.tenant)
            """).named("metrics.streams_full")
    }

    /// The durable consumers that changed since a previous read (bounded; unsorted, the collector sorts), with the
    /// key of each one's consumer lock and, from schema version 4 (`recorded`), the first row it has not handled as
    /// it recorded when it last moved. Outbox heads come from the outboxes panel, event heads from the streams panel.
    ///
    /// Every row comes first with the table's count, the sum of every consumer's lock key, and the oldest
    /// transaction still running for this statement (`pg_snapshot_xmin`). A row version that was not visible to the
    /// previous read was written by a transaction at or after that read's oldest running one, so `since` (that
    /// value) selects every changed row and re-reads at most a few unchanged ones; nil reads every row. The count
    /// and the key sum tell the collector that a consumer was deleted (it then reads every row). One row past the
    /// bound tells it the list was cut.
    static func cursors(_ schema: Identifier, since: String?, recorded: Bool = true) -> SQL {
        let changed = since.map { "age(c.xmin) <= age(((\($0)::bigint) % 4294967296)::text::xid)" } ?? "true"
        return SQL("""
            SELECT t.n, t.keys, t.xmin::text, c.*
              FROM (SELECT count(*) AS n, coalesce(sum((hashtext(tenant || '/' || name)::bigint) & 4294967295), 0) AS keys,
                           pg_snapshot_xmin(pg_current_snapshot()) AS xmin
                      FROM \(ident: schema).cursors) t
              LEFT JOIN LATERAL (
                   SELECT c.tenant, c.name, c.source, c.filter ->> 'kind', c.position, c.owner_application, c.owner_host,
                          c.owner_pid, c.owner_backend_pid, (hashtext(c.tenant || '/' || c.name)::bigint) & 4294967295,
                          c.heartbeat_at, c.moved_at,
                          \(unsafeRaw: recorded ? "c.next_after = c.position, c.next_position, c.next_at, c.next_checked, c.next_pruned" : "false, NULL::bigint, NULL::timestamptz, NULL::bigint, NULL::bigint")
                     FROM \(ident: schema).cursors c WHERE \(unsafeRaw: changed) LIMIT \(unsafeRaw: String(cursorLimit + 1))) c ON true
            """).named("metrics.cursors")
    }

    /// Head of each tenant's event log up to `safe`, one index probe per tenant: only when the streams panel
    /// could not give them.
    static func tenantHeads(_ schema: Identifier, tenants: [String], safe: Int64) -> SQL {
        SQL("""
            SELECT t, (SELECT e.position FROM \(ident: schema).events e WHERE e.tenant = t AND e.position <= \(safe)
                        ORDER BY e.position DESC LIMIT 1)
              FROM unnest(\(TextArray(tenants))::text[]) t
            """).named("metrics.tenant_heads")
    }

    /// Index probes for what neither the consumers' own rows nor the previous snapshot answer: the oldest event
    /// (`e`) or outbox row (`w`) a consumer has not handled (a consumer of a schema before version 4, or one whose
    /// record a prune, a position changed by hand or later appends made void), and the oldest row of an outbox
    /// (`o`). Each looks only at settled positions (up to the safe positions), so its answer stays true until the
    /// consumer moves or the outbox is pruned, and the collector carries it forward until then instead of asking again.
    static func probes(_ schema: Identifier, events: [(tenant: String, name: String, position: Int64)],
                       watchers: [(tenant: String, name: String, kind: String, position: Int64)],
                       outboxes: [(tenant: String, kind: String)], safeEvents: Int64, safeOutbox: Int64) -> SQL {
        SQL("""
            SELECT 'e', x.t, x.n, NULL::text, f.at, NULL::bigint
              FROM unnest(\(TextArray(events.map(\.tenant)))::text[], \(TextArray(events.map(\.name)))::text[],
                          \(TextArray(events.map { String($0.position) }))::bigint[]) x(t, n, p)
              LEFT JOIN LATERAL (SELECT e.recorded_at AS at FROM \(ident: schema).events e
                                  WHERE e.tenant = x.t AND e.position > x.p AND e.position <= \(safeEvents)
                                  ORDER BY e.position LIMIT 1) f ON true
            UNION ALL
            SELECT 'w', x.t, x.n, x.k, f.at, NULL
              FROM unnest(\(TextArray(watchers.map(\.tenant)))::text[], \(TextArray(watchers.map(\.name)))::text[],
                          \(TextArray(watchers.map(\.kind)))::text[], \(TextArray(watchers.map { String($0.position) }))::bigint[]) x(t, n, k, p)
              LEFT JOIN LATERAL (SELECT o.at FROM \(ident: schema).outbox o
                                  WHERE o.tenant = x.t AND o.kind = x.k AND o.id > x.p AND o.id <= \(safeOutbox)
                                  ORDER BY o.id LIMIT 1) f ON true
            UNION ALL
            SELECT 'o', x.t, NULL, x.k, f.at, f.id
              FROM unnest(\(TextArray(outboxes.map(\.tenant)))::text[], \(TextArray(outboxes.map(\.kind)))::text[]) x(t, k)
              LEFT JOIN LATERAL (SELECT o.at, o.id FROM \(ident: schema).outbox o
                                  WHERE o.tenant = x.t AND o.kind = x.k AND o.id <= \(safeOutbox) ORDER BY o.id LIMIT 1) f ON true
            """).named("metrics.probes")
    }

    /// Outboxes from their head rows: exact size without counting (appended − pruned). The oldest row comes from
    /// `probes`, the slowest watcher from the cursors panel.
    static func outboxes(_ schema: Identifier) -> SQL {
        SQL("""
            SELECT tenant, kind, appended_total - pruned_total, head_id, appended_total, pruned_total
              FROM \(ident: schema).outbox_heads ORDER BY tenant, kind LIMIT 5000
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
        [server(), sessions(), locks(schema), schemaVersion(schema), pools(schema), streams(schema, base: nil, safe: 0),
         streams(schema, base: 0, safe: 0), cursors(schema, since: nil), cursors(schema, since: "123", recorded: false), outboxes(schema), bookmarks(schema), tenants(schema),
         tenantHeads(schema, tenants: ["a"], safe: 0),
         probes(schema, events: [("a", "b", 0)], watchers: [("a", "b", "c", 0)], outboxes: [("a", "c")], safeEvents: 0, safeOutbox: 0)]
    }
}
