\set s random(1, 1000)
SELECT 1 FROM bench.append('bench', 'w' || :client_id || '-' || :s, -1, '[{"type":"Bench","payload":{"n":1}}]');
