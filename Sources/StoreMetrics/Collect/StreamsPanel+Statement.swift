import StoreAccess

extension StreamsPanel {
    /// Last write and the most active streams (index on updated_at), with per-tenant totals: either
    /// incremental — the events appended in (`base`, `safe`] (primary-key range; every position up to `safe` has
    /// settled, so nothing is counted twice or missed) — or in full from the streams table (one row per stream,
    /// never the events table), less the events above `safe`, so the totals count exactly the events up to `safe`.
    /// The incremental form also gives each tenant's first new event (position and time): the first unhandled
    /// event of every consumer that was caught up at the previous snapshot. Both forms give the events committed
    /// above `safe` per tenant (`waiting`: written, held back behind an open transaction) and their last write, so
    /// heads and counts stand at one position, `safe`, while writes and rates count every committed event.
    ///
    /// The tenants come as rows, decoded column by column (at 10,000 tenants a JSON array of them cost the server its
    /// `json_build_object`s and the client a JSONDecoder pass: issue 23, 9 % of a one-shot's CPU). The other columns
    /// are in the first tenant row only (`i` = 1, or the one row with a NULL tenant when there is none), never
    /// repeated in each.
    static func statement(_ schema: Identifier, base: Int64?, safe: Int64) -> SQL {
        let common = """
            SELECT t.i, CASE WHEN t.i IS NULL OR t.i = 1 THEN x.last_write END AS last_write,
                   CASE WHEN t.i IS NULL OR t.i = 1 THEN x.most_active END AS most_active,
                   CASE WHEN t.i IS NULL OR t.i = 1 THEN x.waiting END AS waiting,
                   t.tenant, t.events, t.streams, t.head, t.last, t.first, t.first_at
              FROM (SELECT (SELECT updated_at FROM \(schema.quoted).streams ORDER BY updated_at DESC LIMIT 1) AS last_write,
                   (SELECT coalesce(json_agg(json_build_object('tenant', tenant, 'stream', stream, 'version', version,
                        'head', head_position, 'updated', updated_at)), '[]')
                      FROM (SELECT * FROM \(schema.quoted).streams ORDER BY updated_at DESC LIMIT 20) a) AS most_active,
                   (SELECT coalesce(json_agg(json_build_object('tenant', w.tenant, 'events', w.events, 'last', w.last)), '[]')
                      FROM (SELECT tenant, count(*) AS events, max(recorded_at) AS last FROM \(schema.quoted).events
                             WHERE position > \(safe) GROUP BY tenant) w) AS waiting) x
              LEFT JOIN LATERAL
            """
        if let base {
            return SQL(
                """
                \(unsafeRaw: common)
                   (SELECT row_number() OVER () AS i, tenant, count(*) AS events, count(*) FILTER (WHERE version = 1) AS streams,
                           max(position) AS head, max(recorded_at) AS last, min(position) AS first,
                           (array_agg(recorded_at ORDER BY position))[1] AS first_at
                      FROM \(ident: schema).events WHERE position > \(base) AND position <= \(safe) GROUP BY tenant) t ON true
                """
            ).named("metrics.streams")
        }
        return SQL(
            """
            \(unsafeRaw: common)
               (SELECT row_number() OVER () AS i, s.tenant, (s.events - coalesce(a.events, 0))::bigint AS events, s.streams - coalesce(a.created, 0) AS streams,
                       s.last, CASE WHEN a.tenant IS NULL THEN s.head
                                    ELSE (SELECT max(e.position) FROM \(ident: schema).events e WHERE e.tenant = s.tenant AND e.position <= \(safe)) END AS head,
                       NULL::bigint AS first, NULL::timestamptz AS first_at
                  FROM (SELECT tenant, sum(version) AS events, count(*) AS streams, max(head_position) AS head,
                               max(updated_at) AS last
                          FROM \(ident: schema).streams GROUP BY tenant) s
                  LEFT JOIN (SELECT tenant, count(*) AS events, count(*) FILTER (WHERE version = 1) AS created
                               FROM \(ident: schema).events WHERE position > \(safe) GROUP BY tenant) a ON a.tenant = s.tenant) t ON true
            """
        ).named("metrics.streams_full")
    }
}
