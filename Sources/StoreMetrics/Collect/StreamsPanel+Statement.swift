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
    static func statement(_ schema: Identifier, base: Int64?, safe: Int64) -> SQL {
        let common = """
            SELECT (SELECT updated_at FROM \(schema.quoted).streams ORDER BY updated_at DESC LIMIT 1) AS last_write,
                   (SELECT coalesce(json_agg(json_build_object('tenant', tenant, 'stream', stream, 'version', version,
                        'head', head_position, 'updated', updated_at)), '[]')
                      FROM (SELECT * FROM \(schema.quoted).streams ORDER BY updated_at DESC LIMIT 20) a) AS most_active,
                   (SELECT coalesce(json_agg(json_build_object('tenant', w.tenant, 'events', w.events, 'last', w.last)), '[]')
                      FROM (SELECT tenant, count(*) AS events, max(recorded_at) AS last FROM \(schema.quoted).events
                             WHERE position > \(safe) GROUP BY tenant) w) AS waiting,
            """
        if let base {
            return SQL(
                """
                \(unsafeRaw: common)
                   (SELECT coalesce(json_agg(json_build_object('tenant', a.tenant, 'events', a.events, 'streams', a.created,
                           'head', a.head, 'last', a.last, 'first', a.first, 'first_at', a.first_at)), '[]')
                      FROM (SELECT tenant, count(*) AS events, count(*) FILTER (WHERE version = 1) AS created,
                                   max(position) AS head, max(recorded_at) AS last, min(position) AS first,
                                   (array_agg(recorded_at ORDER BY position))[1] AS first_at
                              FROM \(ident: schema).events WHERE position > \(base) AND position <= \(safe) GROUP BY tenant) a) AS tenants
                """
            ).named("metrics.streams")
        }
        return SQL(
            """
            \(unsafeRaw: common)
               (SELECT coalesce(json_agg(json_build_object('tenant', s.tenant, 'events', s.events - coalesce(a.events, 0),
                       'streams', s.streams - coalesce(a.created, 0), 'last', s.last,
                       'head', CASE WHEN a.tenant IS NULL THEN s.head
                                    ELSE (SELECT max(e.position) FROM \(ident: schema).events e WHERE e.tenant = s.tenant AND e.position <= \(safe)) END)), '[]')
                  FROM (SELECT tenant, sum(version) AS events, count(*) AS streams, max(head_position) AS head,
                               max(updated_at) AS last
                          FROM \(ident: schema).streams GROUP BY tenant) s
                  LEFT JOIN (SELECT tenant, count(*) AS events, count(*) FILTER (WHERE version = 1) AS created
                               FROM \(ident: schema).events WHERE position > \(safe) GROUP BY tenant) a ON a.tenant = s.tenant) AS tenants
            """
        ).named("metrics.streams_full")
    }
}
