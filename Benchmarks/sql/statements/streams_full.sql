-- metrics.streams_full (StreamsPanel.statement(base: nil)) on schema storeaccess; @SAFE@ is the safe position
SELECT (SELECT updated_at FROM "storeaccess".streams ORDER BY updated_at DESC LIMIT 1) AS last_write,
       (SELECT coalesce(json_agg(json_build_object('tenant', tenant, 'stream', stream, 'version', version,
            'head', head_position, 'updated', updated_at)), '[]')
          FROM (SELECT * FROM "storeaccess".streams ORDER BY updated_at DESC LIMIT 20) a) AS most_active,
       (SELECT coalesce(json_agg(json_build_object('tenant', w.tenant, 'events', w.events, 'last', w.last)), '[]')
          FROM (SELECT tenant, count(*) AS events, max(recorded_at) AS last FROM "storeaccess".events
                 WHERE position > @SAFE@ GROUP BY tenant) w) AS waiting,
   (SELECT coalesce(json_agg(json_build_object('tenant', s.tenant, 'events', s.events - coalesce(a.events, 0),
           'streams', s.streams - coalesce(a.created, 0), 'last', s.last,
           'head', CASE WHEN a.tenant IS NULL THEN s.head
                        ELSE (SELECT max(e.position) FROM storeaccess.events e WHERE e.tenant = s.tenant AND e.position <= @SAFE@) END)), '[]')
      FROM (SELECT tenant, sum(version) AS events, count(*) AS streams, max(head_position) AS head,
                   max(updated_at) AS last
              FROM storeaccess.streams GROUP BY tenant) s
      LEFT JOIN (SELECT tenant, count(*) AS events, count(*) FILTER (WHERE version = 1) AS created
                   FROM storeaccess.events WHERE position > @SAFE@ GROUP BY tenant) a ON a.tenant = s.tenant) AS tenants
