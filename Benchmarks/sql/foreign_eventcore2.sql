-- eventcore-postgres 2 at scale for scripts/bench-foreign (psql -v rows=N, as the superuser): what its seven sqlx
-- migrations create (tables, indexes, version and immutability triggers; the ledger's checksums stand in), N events
-- in 10,000 streams with UUIDv7 ids from their times (one every 100 ms of history), loaded with the triggers
-- skipped (versions set as the version trigger sets them), and three subscriptions at known lags: projector 0
-- (its leader lock is held by the bench), notifier 1,000 events, reporting 200,000 events (past the panel's cap).
CREATE SCHEMA eventcore2;
SET search_path TO eventcore2;
CREATE TABLE _sqlx_migrations (version BIGINT PRIMARY KEY, description TEXT NOT NULL,
    installed_on TIMESTAMPTZ NOT NULL DEFAULT now(), success BOOLEAN NOT NULL, checksum BYTEA NOT NULL, execution_time BIGINT NOT NULL);
INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
SELECT v, d, true, sha384(convert_to(d, 'UTF8')), 1000000
  FROM unnest(ARRAY['create events table', 'add metadata column', 'add version trigger', 'prevent event updates',
                    'prevent event deletes', 'add subscription versions', 'add command state snapshots']) WITH ORDINALITY AS m(d, v);
CREATE TABLE eventcore_events (event_id UUID PRIMARY KEY, stream_id TEXT NOT NULL, stream_version BIGINT NOT NULL DEFAULT 0,
    event_type TEXT NOT NULL, event_data JSONB NOT NULL, metadata JSONB NOT NULL DEFAULT '{}'::jsonb,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW());
CREATE FUNCTION eventcore_assign_stream_version() RETURNS TRIGGER AS $$
DECLARE latest BIGINT; expected JSONB; wanted BIGINT;
BEGIN
    SELECT coalesce((SELECT stream_version FROM eventcore_events WHERE stream_id = NEW.stream_id
                      ORDER BY stream_version DESC LIMIT 1 FOR UPDATE), 0) INTO latest;
    expected := nullif(current_setting('eventcore.expected_versions', true), '')::jsonb;
    IF expected IS NOT NULL THEN
        wanted := (expected ->> NEW.stream_id)::bigint;
        IF wanted IS NOT NULL AND wanted <> latest THEN
            RAISE EXCEPTION 'version_conflict: stream "%" expected version %, actual %', NEW.stream_id, wanted, latest USING ERRCODE = 'P0001';
        END IF;
        PERFORM set_config('eventcore.expected_versions', jsonb_set(expected, ARRAY[NEW.stream_id], to_jsonb(latest + 1))::text, true);
    END IF;
    NEW.stream_version := latest + 1;
    RETURN NEW;
END; $$ LANGUAGE plpgsql;
CREATE TRIGGER eventcore_version_trigger BEFORE INSERT ON eventcore_events FOR EACH ROW EXECUTE FUNCTION eventcore_assign_stream_version();
CREATE FUNCTION eventcore_prevent_update() RETURNS TRIGGER AS $$
BEGIN RAISE EXCEPTION 'Events are immutable and cannot be updated' USING ERRCODE = 'P0002'; END; $$ LANGUAGE plpgsql;
CREATE TRIGGER eventcore_prevent_update_trigger BEFORE UPDATE ON eventcore_events FOR EACH ROW EXECUTE FUNCTION eventcore_prevent_update();
CREATE FUNCTION eventcore_prevent_delete() RETURNS TRIGGER AS $$
BEGIN RAISE EXCEPTION 'Events are immutable and cannot be deleted' USING ERRCODE = 'P0002'; END; $$ LANGUAGE plpgsql;
CREATE TRIGGER eventcore_prevent_delete_trigger BEFORE DELETE ON eventcore_events FOR EACH ROW EXECUTE FUNCTION eventcore_prevent_delete();
CREATE TABLE eventcore_subscription_versions (subscription_name TEXT PRIMARY KEY, last_position UUID NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW());
CREATE INDEX eventcore_subscription_versions_updated_at_idx ON eventcore_subscription_versions (updated_at);
CREATE TABLE eventcore_command_state_snapshots (snapshot_id TEXT PRIMARY KEY, state JSONB NOT NULL, stream_versions JSONB NOT NULL,
    replay_checkpoints JSONB NOT NULL DEFAULT '[]'::jsonb, updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    CHECK (jsonb_typeof(stream_versions) = 'object'), CHECK (jsonb_typeof(replay_checkpoints) = 'array'));

SET session_replication_role = replica;
INSERT INTO eventcore_events (event_id, stream_id, stream_version, event_type, event_data, created_at)
SELECT (lpad(to_hex((extract(epoch FROM t) * 1000)::bigint), 12, '0') || '7' || substr(md5(i::text), 1, 3)
        || substr('89ab', 1 + i % 4, 1) || substr(md5(i::text), 4, 15))::uuid,
       'account-' || i % 10000, i / 10000 + 1, 'BankAccountEvent', jsonb_build_object('MoneyDeposited', jsonb_build_object('amount', i % 500)), t
  FROM (SELECT i, now() - (:rows - i) * interval '100 milliseconds' AS t FROM generate_series(0, :rows - 1) i) s;
SET session_replication_role = DEFAULT;
CREATE UNIQUE INDEX eventcore_events_stream_version_idx ON eventcore_events (stream_id, stream_version);
CREATE INDEX eventcore_events_stream_idx ON eventcore_events (stream_id);

INSERT INTO eventcore_subscription_versions (subscription_name, last_position, updated_at)
SELECT 'projector', event_id, now() FROM eventcore_events ORDER BY event_id DESC LIMIT 1;
INSERT INTO eventcore_subscription_versions (subscription_name, last_position, updated_at)
SELECT 'notifier', event_id, created_at FROM eventcore_events ORDER BY event_id DESC OFFSET 1000 LIMIT 1;
INSERT INTO eventcore_subscription_versions (subscription_name, last_position, updated_at)
SELECT 'reporting', event_id, created_at FROM eventcore_events ORDER BY event_id DESC OFFSET 200000 LIMIT 1;
ANALYZE eventcore_events, eventcore_subscription_versions;
