\set k random(1, 100000)
SELECT result FROM storeaccess.kv_set('t001', 'writer', 'key-' || :k, convert_to('{"v":' || :k || '}', 'UTF8'));
