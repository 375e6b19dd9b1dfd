-- The live workload of scripts/bench-lag (pgbench -R 100), on the store seed_lag.sql builds, as scale_load.sql does
-- for the scale benchmark: one event appended (half of them to the 10 busy tenants lt0000-lt0009, half to the
-- other 990), and a random consumer of that tenant ("all" or "typed") moved on by 25 of its tenant's events (as if
-- it had handled them), or to the tenant's head when fewer are left.
\set busy random(0, 1)
\if :busy
\set t random(0, 9)
\else
\set t random(10, 999)
\endif
\set g random(0, 19)
\set c random(0, 1)
SELECT storeaccess.append('lt' || lpad(:t::text, 4, '0'), 'live-' || :g, -1,
       jsonb_build_array(jsonb_build_object('type', CASE WHEN :g < 6 THEN 'OrderPaid' WHEN :g < 9 THEN 'OrderShipped'
                                                         WHEN :g = 19 THEN 'Audit' ELSE 'OrderPlaced' END,
                                            'payload', jsonb_build_object('live', true))));
SELECT storeaccess.cursor_advance(x.tenant, x.name,
       coalesce((SELECT e.position FROM storeaccess.events e WHERE e.tenant = x.tenant AND e.position > x.position
                  ORDER BY e.position OFFSET 24 LIMIT 1),
                (SELECT max(e.position) FROM storeaccess.events e WHERE e.tenant = x.tenant)))
  FROM storeaccess.cursors x WHERE x.tenant = 'lt' || lpad(:t::text, 4, '0') AND x.name = CASE WHEN :c = 0 THEN 'all' ELSE 'typed' END;
