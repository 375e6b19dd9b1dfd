-- The live workload of scripts/bench-scale, for the tenants of Benchmarks/sql/seed_10k.sql (scale_load.sql's
-- tenants t000-t099 do not exist there): an event appended to one of the 5 streams every tenant has, of a random
-- tenant of the 10,000, and a random consumer of that tenant (consumer-0 to -4) moved on by 25 of its tenant's
-- events, or to the tenant's head when fewer are left.
\set t random(0, 9999)
\set s random(0, 4)
\set c random(0, 4)
SELECT storeaccess.append('tn' || lpad(:t::text, 5, '0'), 's-' || :s, -1, '[{"type":"Live","payload":{"n":1}}]');
SELECT storeaccess.cursor_advance(x.tenant, x.name,
       coalesce((SELECT e.position FROM storeaccess.events e WHERE e.tenant = x.tenant AND e.position > x.position
                  ORDER BY e.position OFFSET 24 LIMIT 1),
                (SELECT max(e.position) FROM storeaccess.events e WHERE e.tenant = x.tenant)))
  FROM storeaccess.cursors x WHERE x.tenant = 'tn' || lpad(:t::text, 5, '0') AND x.name = 'consumer-' || :c;
