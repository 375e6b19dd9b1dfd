-- A live workload for the snapshot-at-scale measurement: an event appended to a random stream of a random
-- tenant, and a random consumer of that tenant moved up by 25 positions (never past the tenant's head).
\set t random(0, 99)
\set s random(0, 99)
\set c random(0, 9)
SELECT storeaccess.append('t' || lpad(:t::text, 3, '0'), 'stream-' || :s, -1, '[{"type":"Live","payload":{"n":1}}]');
SELECT storeaccess.cursor_advance('t' || lpad(:t::text, 3, '0'), 'consumer-' || :c,
       least((SELECT position + 25 FROM storeaccess.cursors WHERE tenant = 't' || lpad(:t::text, 3, '0') AND name = 'consumer-' || :c),
             (SELECT max(position) FROM storeaccess.events WHERE tenant = 't' || lpad(:t::text, 3, '0'))));
