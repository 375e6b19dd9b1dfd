-- zestor at scale for scripts/bench-foreign (psql -v rows=N, as the superuser): the schema its store/postgres
-- creates, N outbox rows for 100 namespaces x 3 kinds (300 outboxes; one row every 100 ms of history) and about
-- 100k keys. The notify trigger is skipped during the load (session_replication_role): a million NOTIFYs in one
-- transaction would only fill the queue; it fires for every write after.
CREATE SCHEMA zestor;
SET search_path TO zestor;
CREATE TABLE zestor_kv (ns_id BIGINT NOT NULL DEFAULT 0, kind TEXT NOT NULL, key TEXT NOT NULL, value BYTEA NOT NULL,
    version BIGINT NOT NULL DEFAULT 1, updated_at TIMESTAMPTZ NOT NULL DEFAULT now(), PRIMARY KEY (ns_id, kind, key));
CREATE INDEX idx_kv_kind ON zestor_kv(ns_id, kind);
CREATE TABLE zestor_outbox (id BIGSERIAL PRIMARY KEY, ns_id BIGINT NOT NULL, kind TEXT NOT NULL, key TEXT NOT NULL,
    etype TEXT NOT NULL CHECK (etype IN ('create','update','delete')), value BYTEA, at TIMESTAMPTZ NOT NULL DEFAULT now());
CREATE INDEX idx_outbox_kind ON zestor_outbox(ns_id, kind, id);
CREATE FUNCTION zestor_notify() RETURNS TRIGGER AS $$
DECLARE payload TEXT;
BEGIN
    payload := NEW.ns_id::text || '|' || NEW.kind || '|' || NEW.key || '|' || NEW.etype || '|' || NEW.id::text;
    PERFORM pg_notify('zestor_events', payload);
    RETURN NEW;
END; $$ LANGUAGE plpgsql;
CREATE TRIGGER trg_zestor_outbox_notify AFTER INSERT ON zestor_outbox FOR EACH ROW EXECUTE PROCEDURE zestor_notify();

SET session_replication_role = replica;
INSERT INTO zestor_outbox (ns_id, kind, key, etype, value, at)
SELECT 1 + i % 100, (ARRAY['cart', 'profile', 'session'])[1 + (i / 100) % 3], 'k' || (i / 300) % 334,
       CASE WHEN i < 100000 THEN 'create' ELSE 'update' END, convert_to('{"qty":' || i % 97 || '}', 'UTF8'),
       now() - (:rows - i) * interval '100 milliseconds'
  FROM generate_series(1, :rows) i;
INSERT INTO zestor_kv (ns_id, kind, key, value, version, updated_at)
SELECT ns, kind, 'k' || k, convert_to('{"qty":' || k % 97 || '}', 'UTF8'), 1 + k % 10, now() - k * interval '1 second'
  FROM generate_series(1, 100) ns, unnest(ARRAY['cart', 'profile', 'session']) kind, generate_series(0, 333) k;
SET session_replication_role = DEFAULT;
ANALYZE zestor_outbox, zestor_kv;
