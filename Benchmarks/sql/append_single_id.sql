\set s random(1, 1000)
SELECT 1 FROM bench.append_multi('bench', jsonb_build_array(jsonb_build_object('stream', 'stream-' || :s, 'expected', -1,
    'events', jsonb_build_array(jsonb_build_object('type', 'Bench', 'payload', '{"n":1}'::jsonb, 'id', gen_random_uuid())))), true);
