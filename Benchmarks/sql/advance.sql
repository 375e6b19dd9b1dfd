-- A durable consumer of a random tenant records its position (as a subscription does after each batch); with
-- schema v4 the advance also records the consumer's first unhandled event. Compared with advance_unrecorded.sql.
\set t random(0, 99)
\set c random(0, 9)
SELECT storeaccess.cursor_advance(x.tenant, x.name, x.position)
  FROM storeaccess.cursors x WHERE x.tenant = 't' || lpad(:t::text, 3, '0') AND x.name = 'consumer-' || :c;
