-- Seeds a store for the consumer-lag benchmark (scripts/bench-lag, issue 15 §1), through the store's SQL API:
--   1,000,000 events over 1,000 tenants at very different rates: 10 tenants hold half of them
--   (lt0000 200,200; lt0001 120,000; lt0002 60,000; lt0003 40,000; lt0004 30,000; lt0005 20,000; lt0006-07 10,000;
--   lt0008-09 5,000), 90 tenants 2,500 each, 300 tenants 600, 600 tenants 158. Appended in 20 rounds, each tenant
--   appending 1/20 of its events per round, so a tenant's events are spread over the whole global position range.
--   Types: OrderPlaced 50 %, OrderPaid 30 %, OrderShipped 15 %, Audit 5 %.
--   2,000 durable consumers: per tenant "all" (unfiltered, filter []) and "typed" (filtered by type: OrderPaid, or
--   OrderPaid + OrderShipped for every 4th tenant). Lags (in the tenant's events, see below): lt0000 and lt0001
--   "all" at position 0 (200k and 120k behind: over the 100k cap), lt0000 "typed" at 0 too; lt0002-09 half of the
--   tenant behind; otherwise mostly 0-50 events behind, 1 tenant in 10 (of the others) 100-2,000 behind.
--   10 outbox watchers (tenants lt0010-lt0019, kind "items"), rows written by kv_set: lt0010 120,000 rows with its
--   watcher at 0 (over the cap), the others 5,000 rows each with their watcher 0-4,000 rows behind.
--   Smaller stores for the benchmarks' smoke runs: psql -v tenants=N (default 1000, at least 20) -v divisor=D
--   (default 1): N tenants, every tenant's events and outbox rows divided by D (at least 1).
\if :{?tenants}
\else
\set tenants 1000
\endif
\if :{?divisor}
\else
\set divisor 1
\endif
SELECT set_config('bench.tenants', :'tenants', false) AS _tenants, set_config('bench.divisor', :'divisor', false) AS _divisor \gset
SELECT setseed(0.15);

DO $$
DECLARE
    big constant int[] := ARRAY[200200, 120000, 60000, 40000, 30000, 20000, 10000, 10000, 5000, 5000];
    t int; r int; n int; lo int; hi int; sz int; tn text; ev jsonb;
BEGIN
    FOR r IN 0..19 LOOP
        FOR t IN 0..current_setting('bench.tenants')::int - 1 LOOP
            sz := CASE WHEN t < 10 THEN big[t + 1] WHEN t < 100 THEN 2500 WHEN t < 400 THEN 600 ELSE 158 END;
            sz := greatest(1, sz / current_setting('bench.divisor')::int);
            lo := (sz::bigint * r / 20)::int;
            hi := (sz::bigint * (r + 1) / 20)::int;
            n := hi - lo;
            CONTINUE WHEN n = 0;
            tn := 'lt' || lpad(t::text, 4, '0');
            ev := (SELECT jsonb_agg(jsonb_build_object(
                        'type', CASE WHEN g % 20 < 6 THEN 'OrderPaid' WHEN g % 20 < 9 THEN 'OrderShipped'
                                     WHEN g % 20 = 19 THEN 'Audit' ELSE 'OrderPlaced' END,
                        'payload', jsonb_build_object('i', g, 'amount', g % 100)) ORDER BY g)
                     FROM generate_series(lo + 1, hi) g);
            PERFORM storeaccess.append(tn, 'orders-' || r, -1, ev);
        END LOOP;
        COMMIT;
    END LOOP;
END $$;

-- Consumers: a position such that `lag` of the tenant's events come after it (0 when the tenant has fewer).
DO $$
DECLARE
    t int; tn text; lag_all int; lag_typed int; f jsonb; pos bigint;
BEGIN
    FOR t IN 0..current_setting('bench.tenants')::int - 1 LOOP
        tn := 'lt' || lpad(t::text, 4, '0');
        IF t IN (0, 1) THEN
            lag_all := 1000000; lag_typed := CASE WHEN t = 0 THEN 1000000 ELSE 100000 END;
        ELSIF t < 10 THEN
            lag_all := (SELECT count(*) / 2 FROM storeaccess.events WHERE tenant = tn); lag_typed := lag_all;
        ELSIF t % 10 = 5 THEN
            lag_all := 100 + floor(random() * 1900)::int; lag_typed := 100 + floor(random() * 1900)::int;
        ELSE
            lag_all := floor(random() * 51)::int; lag_typed := floor(random() * 51)::int;
        END IF;
        f := CASE WHEN t % 4 = 3 THEN '[{"types": ["OrderPaid", "OrderShipped"]}]' ELSE '[{"types": ["OrderPaid"]}]' END;
        PERFORM storeaccess.cursor_open(tn, 'all', 'events', '[]', 'st:benchlag/all/' || tn, 'bench-host', 3000);
        PERFORM storeaccess.cursor_open(tn, 'typed', 'events', f, 'st:benchlag/typed/' || tn, 'bench-host', 3001);
        pos := coalesce((SELECT position FROM storeaccess.events WHERE tenant = tn ORDER BY position DESC OFFSET lag_all LIMIT 1), 0);
        IF pos > 0 THEN PERFORM storeaccess.cursor_advance(tn, 'all', pos); END IF;
        pos := coalesce((SELECT position FROM storeaccess.events WHERE tenant = tn ORDER BY position DESC OFFSET lag_typed LIMIT 1), 0);
        IF pos > 0 THEN PERFORM storeaccess.cursor_advance(tn, 'typed', pos); END IF;
        IF t % 100 = 99 THEN COMMIT; END IF;
    END LOOP;
END $$;

-- Outbox rows (kv_set, each writes one outbox row) and their watchers.
DO $$
DECLARE
    t int; g int; tn text; rows int; lag int; pos bigint;
BEGIN
    FOR t IN 10..19 LOOP
        tn := 'lt' || lpad(t::text, 4, '0');
        rows := greatest(1, CASE WHEN t = 10 THEN 120000 ELSE 5000 END / current_setting('bench.divisor')::int);
        FOR g IN 1..rows LOOP
            PERFORM storeaccess.kv_set(tn, 'items', 'k' || g, int4send(g));
            IF g % 500 = 0 THEN COMMIT; END IF;  -- short: each write updates its outbox_heads row
        END LOOP;
        COMMIT;
        lag := CASE WHEN t = 10 THEN 1000000 ELSE (t - 10) * 500 END;
        PERFORM storeaccess.cursor_open(tn, 'watcher', 'outbox', '{"kind": "items"}', 'st:benchlag/watch/' || tn, 'bench-host', 3002);
        pos := coalesce((SELECT id FROM storeaccess.outbox WHERE tenant = tn AND kind = 'items' ORDER BY id DESC OFFSET lag LIMIT 1), 0);
        IF pos > 0 THEN PERFORM storeaccess.cursor_advance(tn, 'watcher', pos); END IF;
        COMMIT;
    END LOOP;
END $$;
