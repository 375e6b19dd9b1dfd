-- Seeds a store at the scale of issue 23 target 4 (scripts/bench-scale), through the store's SQL API
-- (append_multi, cursor_open, cursor_advance, kv_set), so the side tables (streams, tenants, heads) stay consistent:
--   10,000 tenants tn00000-tn09999 and 10,003,000 events, uneven: tn00000-09 hold 2.2M (500k, 400k, 300k, 250k,
--   200k, 150k, 100k x4), tn00010-99 20,000 each (1.8M), tn00100-999 3,000 each (2.7M), tn01000-09999 367 each
--   (3.3M). Types: OrderPlaced 50 %, OrderPaid 30 %, OrderShipped 15 %, Audit 5 %.
--   100,000 streams: 1,000 per big tenant, 200 / 30 / 5 for the others; a tenant's events go to its streams in
--   blocks of consecutive events (50 for the big tenants, 100, 100, 74), cycling over its streams, so one call
--   writes a few streams (each stream written costs a lock and an upsert of its row).
--   Appended in 10 rounds (each tenant appends a tenth of its events per round, so its events spread over the
--   whole position range), in append_multi calls of at most 1,000 events, committed every few calls.
--   50,000 durable consumers, 5 per tenant: consumer-0, -2 and -4 unfiltered, consumer-1 filtered by type
--   (OrderPaid), consumer-3 (OrderPaid + OrderShipped). Lags: tn00000-09's consumer-0 and -1 at position 0
--   (100k-500k behind: over the 100k cap for tn00000-05), their consumer-2 half the tenant behind; elsewhere
--   60 % 0-50 events behind, 30 % at the head, 9 % 100-2,000 behind, 1 % half the tenant behind.
--   5,000 outboxes: tenants tn00000-02499 x kinds items and prices, 2-10 kv_set rows each (some keys set twice);
--   750 durable watchers (every 5th tenant's items, every 10th tenant's prices), 0 to a few rows behind.
-- Parallel parts: psql -v part=P -v parts=N -v step=events|consumers|outboxes; each part seeds the tenants
-- t with t % N = P. Smaller stores (scripts/bench-scale --smoke): -v tenants=T (default 10000: tenants 0..T-1, the
-- outboxes on the first quarter of them) and -v shrink=S (default 1: every tenant's event count divided by S).
-- Run every part's events before any part's consumers (a consumer's lag is measured against
-- its tenant's events).
\if :{?tenants}
\else
\set tenants 10000
\endif
\if :{?shrink}
\else
\set shrink 1
\endif
SELECT set_config('seed.part', :'part', false), set_config('seed.parts', :'parts', false),
       set_config('seed.step', :'step', false), set_config('seed.tenants', :'tenants', false),
       set_config('seed.shrink', :'shrink', false) \gset

DO $$
DECLARE
    big constant int[] := ARRAY[500000, 400000, 300000, 250000, 200000, 150000, 100000, 100000, 100000, 100000];
    part constant int := current_setting('seed.part')::int;
    parts constant int := current_setting('seed.parts')::int;
    tenants constant int := current_setting('seed.tenants')::int;
    shrink constant int := current_setting('seed.shrink')::int;
    t int; r int; sz int; ns int; blk int; lo int; hi int; a int; calls int := 0; tn text; w jsonb;
BEGIN
    IF current_setting('seed.step') <> 'events' THEN RETURN; END IF;
    FOR r IN 0..9 LOOP
        FOR t IN 0..tenants - 1 LOOP
            CONTINUE WHEN t % parts <> part;
            sz := greatest(1, (CASE WHEN t < 10 THEN big[t + 1] WHEN t < 100 THEN 20000 WHEN t < 1000 THEN 3000 ELSE 367 END) / shrink);
            ns := CASE WHEN t < 10 THEN 1000 WHEN t < 100 THEN 200 WHEN t < 1000 THEN 30 ELSE 5 END;
            blk := CASE WHEN t < 10 THEN 50 WHEN t < 1000 THEN 100 ELSE 74 END;
            tn := 'tn' || lpad(t::text, 5, '0');
            lo := (sz::bigint * r / 10)::int;
            hi := (sz::bigint * (r + 1) / 10)::int;
            a := lo;
            WHILE a < hi LOOP
                w := (SELECT jsonb_agg(jsonb_build_object('stream', 's-' || k, 'expected', -1, 'events', evs))
                        FROM (SELECT ((g - 1) / blk) % ns AS k,
                                     jsonb_agg(jsonb_build_object(
                                         'type', CASE WHEN g % 20 < 6 THEN 'OrderPaid' WHEN g % 20 < 9 THEN 'OrderShipped'
                                                      WHEN g % 20 = 19 THEN 'Audit' ELSE 'OrderPlaced' END,
                                         'payload', jsonb_build_object('i', g, 'amount', g % 100)) ORDER BY g) AS evs
                                FROM generate_series(a + 1, least(a + 1000, hi)) g GROUP BY 1) x);
                PERFORM storeaccess.append_multi(tn, w);
                a := a + 1000;
                calls := calls + 1;
                IF calls % 20 = 0 THEN COMMIT; END IF;
            END LOOP;
        END LOOP;
        COMMIT;
    END LOOP;
END $$;

-- Consumers: a position such that `lag` of the tenant's events come after it (0 when the tenant has fewer).
DO $$
DECLARE
    part constant int := current_setting('seed.part')::int;
    parts constant int := current_setting('seed.parts')::int;
    tenants constant int := current_setting('seed.tenants')::int;
    shrink constant int := current_setting('seed.shrink')::int;
    t int; c int; tn text; n bigint; lag bigint; x float8; f jsonb; pos bigint;
BEGIN
    IF current_setting('seed.step') <> 'consumers' THEN RETURN; END IF;
    FOR t IN 0..tenants - 1 LOOP
        CONTINUE WHEN t % parts <> part;
        tn := 'tn' || lpad(t::text, 5, '0');
        n := greatest(1, (CASE WHEN t < 10 THEN 0 WHEN t < 100 THEN 20000 WHEN t < 1000 THEN 3000 ELSE 367 END) / shrink);
        IF t < 10 THEN n := (SELECT count(*) FROM storeaccess.events WHERE tenant = tn); END IF;
        FOR c IN 0..4 LOOP
            f := CASE c WHEN 1 THEN '[{"types": ["OrderPaid"]}]' WHEN 3 THEN '[{"types": ["OrderPaid", "OrderShipped"]}]'
                        ELSE '[]' END;
            x := random();
            lag := CASE WHEN t < 10 AND c < 2 THEN n WHEN t < 10 AND c = 2 THEN n / 2
                        WHEN x < 0.6 THEN floor(random() * 51) WHEN x < 0.9 THEN 0
                        WHEN x < 0.99 THEN 100 + floor(random() * 1901) ELSE n / 2 END;
            PERFORM storeaccess.cursor_open(tn, 'consumer-' || c, 'events', f, 'st:scale/consumer-' || c, 'bench-host', 4000 + c);
            pos := coalesce((SELECT position FROM storeaccess.events WHERE tenant = tn ORDER BY position DESC OFFSET lag LIMIT 1), 0);
            IF pos > 0 THEN PERFORM storeaccess.cursor_advance(tn, 'consumer-' || c, pos); END IF;
        END LOOP;
        IF t % 50 = 49 THEN COMMIT; END IF;
    END LOOP;
END $$;

-- Outboxes: kv_set rows (each writes one outbox row and bumps its outbox_heads row), then the watchers. A commit per
-- tenant: every kv_set registers its write with an advisory lock held to the end of the transaction, and
-- cursor_open / cursor_advance of a watcher compute the outbox's safe position from pg_locks, so a long
-- transaction makes each of them slower (212 ms each with a commit every 100 tenants, about 600 locks held).
DO $$
DECLARE
    part constant int := current_setting('seed.part')::int;
    parts constant int := current_setting('seed.parts')::int;
    tenants constant int := current_setting('seed.tenants')::int;
    t int; k int; g int; rows int; tn text; kd text; pos bigint;
BEGIN
    IF current_setting('seed.step') <> 'outboxes' THEN RETURN; END IF;
    FOR t IN 0..greatest(1, tenants / 4) - 1 LOOP
        CONTINUE WHEN t % parts <> part;
        tn := 'tn' || lpad(t::text, 5, '0');
        FOR k IN 0..1 LOOP
            kd := CASE k WHEN 0 THEN 'items' ELSE 'prices' END;
            rows := 2 + (t * 7 + k) % 9;
            FOR g IN 1..rows LOOP
                -- every third row sets an earlier key again (an update)
                PERFORM storeaccess.kv_set(tn, kd, 'k' || CASE WHEN g % 3 = 0 THEN g - 1 ELSE g END, int4send(g));
            END LOOP;
            IF (k = 0 AND t % 5 = 0) OR (k = 1 AND t % 10 = 0) THEN
                PERFORM storeaccess.cursor_open(tn, 'watcher-' || kd, 'outbox', jsonb_build_object('kind', kd),
                                                'st:scale/watch', 'bench-host', 5000 + k);
                pos := coalesce((SELECT id FROM storeaccess.outbox WHERE tenant = tn AND kind = kd
                                  ORDER BY id DESC OFFSET (t % 4) LIMIT 1), 0);
                IF pos > 0 THEN PERFORM storeaccess.cursor_advance(tn, 'watcher-' || kd, pos); END IF;
            END IF;
        END LOOP;
        COMMIT;
    END LOOP;
END $$;
