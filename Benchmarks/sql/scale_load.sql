-- A live workload for the snapshot-at-scale measurement: an event appended to a random stream of a random
-- tenant, and a random consumer of that tenant moved on by 25 of its tenant's events (as if it had handled
-- them), or to the tenant's head when fewer are left.
\set t random(0, 99)
\set s random(0, 99)
\set c random(0, 9)
SELECT storeaccess.append('t' || lpad(:t::text, 3, '0'), 'stream-' || :s, -1, '[{"type":"Live","payload":{"n":1}}]');
SELECT storeaccess.cursor_advance(x.tenant, x.name,
       coalesce((SELECT e.position FROM storeaccess.events e WHERE e.tenant = x.tenant AND e.position > x.position
                  ORDER BY e.position OFFSET 24 LIMIT 1),
                (SELECT max(e.position) FROM storeaccess.events e WHERE e.tenant = x.tenant)))
  FROM storeaccess.cursors x WHERE x.tenant = 't' || lpad(:t::text, 3, '0') AND x.name = 'consumer-' || :c;
