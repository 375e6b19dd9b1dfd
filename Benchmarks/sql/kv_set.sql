\set k random(1, 10000)
SELECT result FROM bench.kv_set('bench', 'items', 'key-' || :k, convert_to('{"stock":' || :k || '}', 'UTF8'));
