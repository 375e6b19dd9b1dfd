-- eventcore-postgres 0.1 at scale for scripts/bench-foreign (psql -v rows=N, as the superuser): its events table
-- (ids from its gen_uuidv7(), which needs pgcrypto), indexes and both triggers: the per-row stream lock and version
-- check, and the statement trigger that scans the whole table after every insert. N events in 10,000 streams
-- (one every 100 ms of history), loaded with the triggers skipped.
CREATE EXTENSION IF NOT EXISTS pgcrypto;
CREATE SCHEMA eventcore01;
SET search_path TO eventcore01, public;
CREATE FUNCTION gen_uuidv7() RETURNS uuid AS $$
DECLARE b bytea := gen_random_bytes(16); ms bigint := (extract(epoch FROM clock_timestamp()) * 1000)::bigint;
BEGIN
    FOR k IN 0..5 LOOP b := set_byte(b, k, ((ms >> (8 * (5 - k))) & 255)::int); END LOOP;
    b := set_byte(b, 6, (get_byte(b, 6) & 15) | 112);
    b := set_byte(b, 8, (get_byte(b, 8) & 63) | 128);
    RETURN encode(b, 'hex')::uuid;
END; $$ LANGUAGE plpgsql VOLATILE;
CREATE TABLE events (event_id UUID PRIMARY KEY DEFAULT gen_uuidv7(), stream_id VARCHAR(255) NOT NULL, event_version BIGINT NOT NULL,
    event_type VARCHAR(255) NOT NULL, event_data JSONB NOT NULL, metadata JSONB, causation_id UUID, correlation_id VARCHAR(255),
    user_id VARCHAR(255), created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(), UNIQUE (stream_id, event_version));
CREATE FUNCTION check_event_version() RETURNS TRIGGER AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext(NEW.stream_id));
    IF NEW.event_version <> coalesce((SELECT max(event_version) FROM events WHERE stream_id = NEW.stream_id), 0) + 1 THEN
        RAISE EXCEPTION 'version conflict on stream %', NEW.stream_id;
    END IF;
    RETURN NEW;
END; $$ LANGUAGE plpgsql;
CREATE TRIGGER enforce_basic_event_constraints BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION check_event_version();
CREATE FUNCTION validate_batch_versions() RETURNS TRIGGER AS $$
BEGIN
    PERFORM 1 FROM events WHERE xmin::text::bigint = txid_current();
    RETURN NULL;
END; $$ LANGUAGE plpgsql;
CREATE TRIGGER validate_batch_versions_after_insert AFTER INSERT ON events FOR EACH STATEMENT EXECUTE FUNCTION validate_batch_versions();

SET session_replication_role = replica;
INSERT INTO events (event_id, stream_id, event_version, event_type, event_data, created_at)
SELECT (lpad(to_hex((extract(epoch FROM t) * 1000)::bigint), 12, '0') || '7' || substr(md5(i::text), 1, 3)
        || substr('89ab', 1 + i % 4, 1) || substr(md5(i::text), 4, 15))::uuid,
       'order-' || i % 10000, i / 10000 + 1, 'OrderEvent', jsonb_build_object('n', i), t
  FROM (SELECT i, now() - (:rows - i) * interval '100 milliseconds' AS t FROM generate_series(0, :rows - 1) i) s;
SET session_replication_role = DEFAULT;
CREATE INDEX idx_events_stream_id ON events (stream_id);
CREATE INDEX idx_events_created_at ON events (created_at);
CREATE INDEX idx_events_correlation_id ON events (correlation_id);
CREATE INDEX idx_events_stream_event ON events (stream_id, event_id);
ANALYZE events;
