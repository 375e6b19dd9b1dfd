-- metrics.streams (StreamsPanel.statement(base:)); events in (@BASE@, @SAFE@] (schema storeaccess; kept equal to the panel's by BenchStatementsTests)
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
   (SELECT row_number() OVER () AS i, tenant, count(*) AS events, count(*) FILTER (WHERE version = 1) AS streams,
           max(position) AS head, max(recorded_at) AS last, min(position) AS first,
           (array_agg(recorded_at ORDER BY position))[1] AS first_at
      FROM "storeaccess".events WHERE position > @BASE@ AND position <= @SAFE@ GROUP BY tenant) t ON true;
