-- One append as a tenant-scoped role (scripts/bench-rls runs it with row-level security off and on).
\set s random(1, 100)
SELECT set_config('storeaccess.tenant', 't1', false);
SELECT 1 FROM storeaccess.append('t1', 'stream-' || :s, -1, '[{"type":"Bench","payload":{"n":1}}]');
