-- faucet-state at scale for scripts/bench-foreign (psql -v rows=N, as the superuser): its table (ensure_table) with
-- N row bookmarks of two pipelines (every tenth in the exactly-once envelope), their cdc and replication keys, and
-- a postgres-cdc bookmark whose slot exists (a physical slot: the panel reads any slot by name) and lags by a
-- known amount of WAL once the other seeds have been written.
CREATE SCHEMA faucet;
SET search_path TO faucet;
CREATE TABLE faucet_state (key TEXT PRIMARY KEY, value JSONB NOT NULL, updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW());
INSERT INTO faucet_state (key, value, updated_at)
SELECT (CASE WHEN i % 2 = 0 THEN 'orders-sync' ELSE 'billing-sync' END) || '::' || i,
       CASE WHEN i % 10 = 0 THEN jsonb_build_object('__faucet_eo', 1, 'bookmark', jsonb_build_object('row', i), 'seq', i)
            ELSE jsonb_build_object('row', i) END,
       now() - (:rows - i) * interval '100 milliseconds'
  FROM generate_series(1, :rows) i;
INSERT INTO faucet_state (key, value) VALUES
    ('orders-sync::cdc', '{"position": 42}'), ('orders-sync::__replication__', '{"slot": "orders_cdc"}'),
    ('postgres-cdc:orders_cdc', jsonb_build_object('last_lsn', pg_current_wal_lsn()::text));
SELECT pg_create_physical_replication_slot('orders_cdc', true);
ANALYZE faucet_state;
