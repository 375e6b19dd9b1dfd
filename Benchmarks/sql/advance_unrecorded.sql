-- The reference for advance.sql: the same advance as schema v3 did it (position, moved_at, heartbeat only),
-- from the function scripts/bench defines as storeaccess.cursor_advance_unrecorded.
\set t random(0, 99)
\set c random(0, 9)
SELECT storeaccess.cursor_advance_unrecorded(x.tenant, x.name, x.position)
  FROM storeaccess.cursors x WHERE x.tenant = 't' || lpad(:t::text, 3, '0') AND x.name = 'consumer-' || :c;
