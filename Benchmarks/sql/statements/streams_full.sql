-- metrics.streams_full (StreamsPanel.statement(base: nil)); @SAFE@ is the safe position (schema storeaccess; kept equal to the panel's by BenchStatementsTests)
SELECT t.i, CASE WHEN t.i IS NULL OR t.i = 1 THEN x.last_write END AS last_write,
       CASE WHEN t.i IS NULL OR t.i = 1 THEN x.most_active END AS most_active,
       CASE WHEN t.i IS NULL OR t.i = 1 THEN x.waiting END AS waiting,
       t.tenant, t.events, t.streams, t.head, t.last, t.first, t.first_at
  FROM (SELECT (SELECT updated_at FROM "storeaccess".streams ORDER BY updated_at DESC LIMIT 1) AS last_write,
       (SELECT coalesce(json_agg(json_build_object('tenant', tenant, 'stream', stream, 'version', version,
            'head', head_position, 'updated', updated_at)), '[]')
          FROM (SELECT * FROM "storeaccess".streams ORDER BY updated_at DESC LIMIT 20) a) AS most_active,
       (SELECT coalesce(json_agg(json_build_object('tenant', w.tenant, 'events', w.events, 'last', w.last)), '[]')
          FROM (SELECT tenant, count(*) AS events, max(recorded_at) AS last FROM "storeaccess".events
                 WHERE position > @SAFE@ GROUP BY tenant) w) AS waiting) x
  LEFT JOIN LATERAL
   (SELECT row_number() OVER () AS i, s.tenant, (s.events - coalesce(a.events, 0))::bigint AS events, s.streams - coalesce(a.created, 0) AS streams,
           s.last, CASE WHEN a.tenant IS NULL THEN s.head
                        ELSE (SELECT max(e.position) FROM "storeaccess".events e WHERE e.tenant = s.tenant AND e.position <= @SAFE@) END AS head,
           NULL::bigint AS first, NULL::timestamptz AS first_at
      FROM (SELECT tenant, sum(version) AS events, count(*) AS streams, max(head_position) AS head,
                   max(updated_at) AS last
              FROM "storeaccess".streams GROUP BY tenant) s
      LEFT JOIN (SELECT tenant, count(*) AS events, count(*) FILTER (WHERE version = 1) AS created
                   FROM "storeaccess".events WHERE position > @SAFE@ GROUP BY tenant) a ON a.tenant = s.tenant) t ON true;
