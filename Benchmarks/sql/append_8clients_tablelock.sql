\set s random(1, 1000)
BEGIN;
LOCK TABLE bench.events IN EXCLUSIVE MODE;
SELECT 1 FROM bench.append('bench', 'w' || :client_id || '-' || :s, -1, '[{"type":"Bench","payload":{"n":1}}]');
COMMIT;
