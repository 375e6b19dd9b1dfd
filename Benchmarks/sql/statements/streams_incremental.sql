-- metrics.streams (StreamsPanel.statement(base:)) on schema storeaccess; events in (@BASE@, @SAFE@]
SELECT (SELECT updated_at FROM "storeaccess".streams ORDER BY updated_at DESC LIMIT 1) AS last_write,
       (SELECT coalesce(json_agg(json_build_object('tenant', tenant, 'stream', stream, 'version', version,
            'head', head_position, 'updated', updated_at)), '[]')
          FROM (SELECT * FROM "storeaccess".streams ORDER BY updated_at DESC LIMIT 20) a) AS most_active,
       (SELECT coalesce(json_agg(json_build_object('tenant', w.tenant, 'events', w.events, 'last', w.last)), '[]')
          FROM (SELECT tenant, count(*) AS events, max(recorded_at) AS last FROM "storeaccess".events
                 WHERE position > @SAFE@ GROUP BY tenant) w) AS waiting,
       (SELECT coalesce(json_agg(json_build_object('tenant', a.tenant, 'events', a.events, 'streams', a.created,
               'head', a.head, 'last', a.last, 'first', a.first, 'first_at', a.first_at)), '[]')
          FROM (SELECT tenant, count(*) AS events, count(*) FILTER (WHERE version = 1) AS created,
                       max(position) AS head, max(recorded_at) AS last, min(position) AS first,
                       (array_agg(recorded_at ORDER BY position))[1] AS first_at
                  FROM storeaccess.events WHERE position > @BASE@ AND position <= @SAFE@ GROUP BY tenant) a) AS tenants
