-- Seeds a store at scale for the dashboard benchmarks (psql -v per_stream=N -v phase=K):
-- 100 tenants x 100 streams = 10k streams, N events per stream (through the store's own append function),
-- 10 durable consumers per tenant (1k) at varied lags, and 10k outbox rows per tenant (1M) with a watcher.
-- Outbox rows are inserted directly (with their heads row) to keep seeding short; everything else goes through
-- the SQL write API.
-- Smaller stores for the benchmarks' smoke runs: -v streams=S (default 100 per tenant) and -v outbox=R (outbox rows
-- per tenant, default 10000).
\if :{?streams}
\else
\set streams 100
\endif
\if :{?outbox}
\else
\set outbox 10000
\endif
SELECT set_config('bench.per_stream', :'per_stream', false), set_config('bench.phase', :'phase', false),
       set_config('bench.streams', :'streams', false), set_config('bench.outbox', :'outbox', false) \gset
DO $$
DECLARE
    t int; s int; ev jsonb;
BEGIN
    ev := (SELECT jsonb_agg(jsonb_build_object('type', 'Seeded', 'payload', jsonb_build_object('i', g)))
             FROM generate_series(1, current_setting('bench.per_stream')::int) g);
    FOR t IN 0..99 LOOP
        FOR s IN 0..current_setting('bench.streams')::int - 1 LOOP
            PERFORM storeaccess.append(format('t%s', lpad(t::text, 3, '0')), format('stream-%s', s), -1, ev);
        END LOOP;
        COMMIT;
    END LOOP;
END $$;

DO $$
DECLARE t int; c int; tn text; head bigint;
BEGIN
    IF current_setting('bench.phase')::int = 1 THEN
        FOR t IN 0..99 LOOP
            tn := format('t%s', lpad(t::text, 3, '0'));
            SELECT max(position) INTO head FROM storeaccess.events WHERE tenant = tn;
            FOR c IN 0..9 LOOP
                PERFORM storeaccess.cursor_open(tn, format('consumer-%s', c), 'events', '[]', 'st:bench/consumer/' || tn, 'bench-host', 1000 + c);
                PERFORM storeaccess.cursor_advance(tn, format('consumer-%s', c), greatest(0, head - c * 37));
            END LOOP;
            INSERT INTO storeaccess.outbox (id, tenant, kind, key, op, value, version, at)
            SELECT nextval('storeaccess.outbox_position'), tn, 'items', 'k' || g, 'update', '\x00', 1,
                   now() - (current_setting('bench.outbox')::int - g) * interval '1 second'
              FROM generate_series(1, current_setting('bench.outbox')::int) g;
            INSERT INTO storeaccess.outbox_heads (tenant, kind, head_id, appended_total)
            SELECT tn, 'items', max(id), count(*) FROM storeaccess.outbox WHERE tenant = tn AND kind = 'items';
            PERFORM storeaccess.cursor_open(tn, 'watcher', 'outbox', '{"kind":"items"}', 'st:bench/watch/' || tn, 'bench-host', 2000);
            PERFORM storeaccess.cursor_advance(tn, 'watcher', (SELECT min(id) + current_setting('bench.outbox')::int / 2 FROM storeaccess.outbox WHERE tenant = tn));
            PERFORM storeaccess.state_put(tn, 'sync:erp', '{"lsn": 1}');
            COMMIT;
        END LOOP;
    END IF;
END $$;
ANALYZE storeaccess.events, storeaccess.streams, storeaccess.cursors, storeaccess.outbox, storeaccess.outbox_heads, storeaccess.state, storeaccess.tenants;
