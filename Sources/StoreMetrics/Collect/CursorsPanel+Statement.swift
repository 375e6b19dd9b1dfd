import StoreAccess

extension CursorsPanel {
    /// The durable consumers that changed since a previous read (bounded; unsorted, the collector sorts), with the
    /// key of each one's consumer lock and, from schema version 4 (`recorded`), the first row it has not handled as
    /// it recorded when it last moved. Outbox heads come from the outboxes panel, event heads from the streams panel.
    ///
    /// Every row comes first with the table's count and the oldest transaction still running for this statement
    /// (`pg_snapshot_xmin`). A row version that was not visible to the previous read was written by a transaction at
    /// or after that read's oldest running one, so `since` (that value) selects every changed row and re-reads at
    /// most a few unchanged ones; nil reads every row. Since every inserted or updated row is among those read, a
    /// deletion is the one change that leaves the carried and re-read rows more than the count: the collector then
    /// reads every row. (Session 12 also summed every row's lock key to tell deletions; at 50,000 consumers that
    /// sum was 85 % of the statement's time, and the count alone tells the same.) One row past the bound tells it
    /// the list was cut.
    ///
    /// From schema version 9 (`ops`) each row also carries its pause, failure policy and failing handler, and the
    /// first row (`i` = 1, or the one row with no consumer) the parked events per consumer (`parkedSQL`): in that row
    /// only, since that list grows with the consumers that parked, and a full read returns one row per consumer.
    static func statement(_ schema: Identifier, since: String?, recorded: Bool = true, ops: Bool = true) -> SQL {
        // The consumer lock key's text as StoreProtocol spells it, over the table's own columns.
        let key = StoreProtocol.consumerLockKeySQL(tenant: "c.tenant", name: "c.name")
        let changed = since.map { "age(c.xmin) <= age(((\($0)::bigint) % 4294967296)::text::xid)" } ?? "true"
        let next =
            recorded
            ? "c.next_after = c.position AS record_current, c.next_position, c.next_at, c.next_checked, c.next_pruned"
            : "false AS record_current, NULL::bigint AS next_position, NULL::timestamptz AS next_at, NULL::bigint AS next_checked, NULL::bigint AS next_pruned"
        return SQL(
            """
            SELECT t.n, t.xmin::text AS xmin, CASE WHEN c.i IS NULL OR c.i = 1 THEN \(unsafeRaw: parkedSQL(schema, ops: ops)) END AS parked, c.*
              FROM (SELECT count(*) AS n, pg_snapshot_xmin(pg_current_snapshot()) AS xmin
                      FROM \(ident: schema).cursors) t
              LEFT JOIN LATERAL (
                   SELECT row_number() OVER () AS i, c.tenant, c.name, c.source, c.filter ->> 'kind' AS kind, c.position, c.owner_application, c.owner_host,
                          c.owner_pid, c.owner_backend_pid, \(unsafeRaw: key) AS lock_key,
                          c.heartbeat_at, c.moved_at, c.created_at,
                          CASE WHEN c.source = 'events' AND c.filter <> '[]' AND c.filter <> '{}' THEN c.filter::text END AS filter,
                          \(unsafeRaw: next), \(unsafeRaw: opsColumns(ops))
                     FROM \(ident: schema).cursors c WHERE \(unsafeRaw: changed) LIMIT \(unsafeRaw: String(limit + 1))) c ON true
            """
        ).named("metrics.cursors")
    }

    /// Head of each tenant's event log up to `safe`, one index probe per tenant.
    static func tenantHeadsStatement(_ schema: Identifier, tenants: [String], safe: Int64) -> SQL {
        SQL(
            """
            SELECT t AS tenant, (SELECT e.position FROM \(ident: schema).events e WHERE e.tenant = t AND e.position <= \(safe)
                        ORDER BY e.position DESC LIMIT 1) AS head
              FROM unnest(\(TextArray(tenants))::text[]) t
            """
        ).named("metrics.tenant_heads")
    }
}
