-- A catch-up page of 100 events as a tenant-scoped role (scripts/bench-rls: row-level security off and on).
\set a random(0, 150000)
SELECT set_config('storeaccess.tenant', 't1', false);
SELECT count(*) FROM storeaccess.read_all('t1', :a, 100);
