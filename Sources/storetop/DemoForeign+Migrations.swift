import Foundation

/// eventcore-postgres 2.0.1's seven sqlx migrations (our spelling of what each creates: the same tables, columns,
/// indexes, functions and triggers under the same names, with the same behaviour). sqlx names a migration after its
/// file, `0003_add_version_trigger.sql` → "add version trigger"; storetop matches them by that description.
extension DemoForeign {
    static let eventcoreMigrations: [(description: String, sql: String)] = [
        (
            "create events table",
            """
            CREATE TABLE IF NOT EXISTS eventcore_events (event_id UUID PRIMARY KEY, stream_id TEXT NOT NULL,
                stream_version BIGINT NOT NULL, event_type TEXT NOT NULL, event_data JSONB NOT NULL,
                metadata JSONB NOT NULL DEFAULT '{}'::jsonb, created_at TIMESTAMPTZ NOT NULL DEFAULT NOW());
            CREATE UNIQUE INDEX IF NOT EXISTS eventcore_events_stream_version_idx ON eventcore_events (stream_id, stream_version);
            CREATE INDEX IF NOT EXISTS eventcore_events_stream_idx ON eventcore_events (stream_id);
            """
        ),
        ("add metadata column", "ALTER TABLE eventcore_events ADD COLUMN IF NOT EXISTS metadata JSONB NOT NULL DEFAULT '{}'::jsonb;"),
        (
            "add version trigger",
            // Each row: lock the stream's newest row, check the version the append expected (set by the writer with
            // set_config('eventcore.expected_versions', …, true)), then number the row max + 1 without gaps.
            """
            CREATE OR REPLACE FUNCTION eventcore_assign_stream_version() RETURNS TRIGGER AS $$
            DECLARE
                latest BIGINT;
                expected JSONB;
                wanted BIGINT;
            BEGIN
                SELECT coalesce((SELECT stream_version FROM eventcore_events WHERE stream_id = NEW.stream_id
                                  ORDER BY stream_version DESC LIMIT 1 FOR UPDATE), 0) INTO latest;
                expected := nullif(current_setting('eventcore.expected_versions', true), '')::jsonb;
                IF expected IS NOT NULL THEN
                    wanted := (expected ->> NEW.stream_id)::bigint;
                    IF wanted IS NOT NULL AND wanted <> latest THEN
                        RAISE EXCEPTION 'version_conflict: stream "%" expected version %, actual %', NEW.stream_id, wanted, latest
                            USING ERRCODE = 'P0001';
                    END IF;
                    PERFORM set_config('eventcore.expected_versions',
                                       jsonb_set(expected, ARRAY[NEW.stream_id], to_jsonb(latest + 1))::text, true);
                END IF;
                NEW.stream_version := latest + 1;
                RETURN NEW;
            END;
            $$ LANGUAGE plpgsql;
            DROP TRIGGER IF EXISTS eventcore_version_trigger ON eventcore_events;
            CREATE TRIGGER eventcore_version_trigger BEFORE INSERT ON eventcore_events
                FOR EACH ROW EXECUTE FUNCTION eventcore_assign_stream_version();
            ALTER TABLE eventcore_events ALTER COLUMN stream_version SET DEFAULT 0;
            """
        ),
        (
            "prevent event updates",
            """
            CREATE OR REPLACE FUNCTION eventcore_prevent_update() RETURNS TRIGGER AS $$
            BEGIN
                RAISE EXCEPTION 'Events are immutable and cannot be updated' USING ERRCODE = 'P0002';
            END;
            $$ LANGUAGE plpgsql;
            DROP TRIGGER IF EXISTS eventcore_prevent_update_trigger ON eventcore_events;
            CREATE TRIGGER eventcore_prevent_update_trigger BEFORE UPDATE ON eventcore_events
                FOR EACH ROW EXECUTE FUNCTION eventcore_prevent_update();
            """
        ),
        (
            "prevent event deletes",
            """
            CREATE OR REPLACE FUNCTION eventcore_prevent_delete() RETURNS TRIGGER AS $$
            BEGIN
                RAISE EXCEPTION 'Events are immutable and cannot be deleted' USING ERRCODE = 'P0002';
            END;
            $$ LANGUAGE plpgsql;
            DROP TRIGGER IF EXISTS eventcore_prevent_delete_trigger ON eventcore_events;
            CREATE TRIGGER eventcore_prevent_delete_trigger BEFORE DELETE ON eventcore_events
                FOR EACH ROW EXECUTE FUNCTION eventcore_prevent_delete();
            """
        ),
        (
            "add subscription versions",
            """
            CREATE TABLE IF NOT EXISTS eventcore_subscription_versions (subscription_name TEXT PRIMARY KEY,
                last_position UUID NOT NULL, updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW());
            CREATE INDEX IF NOT EXISTS eventcore_subscription_versions_updated_at_idx ON eventcore_subscription_versions (updated_at);
            COMMENT ON TABLE eventcore_subscription_versions IS 'Tracks checkpoint positions for event subscriptions/projectors per ADR-026';
            """
        ),
        (
            "add command state snapshots",
            """
            CREATE TABLE IF NOT EXISTS eventcore_command_state_snapshots (snapshot_id TEXT PRIMARY KEY, state JSONB NOT NULL,
                stream_versions JSONB NOT NULL, replay_checkpoints JSONB NOT NULL DEFAULT '[]'::jsonb,
                updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
                CHECK (jsonb_typeof(stream_versions) = 'object'), CHECK (jsonb_typeof(replay_checkpoints) = 'array'));
            """
        ),
    ]
}
