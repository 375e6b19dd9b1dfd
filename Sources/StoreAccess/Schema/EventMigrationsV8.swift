/// Version 8 (issue 17): caller-supplied event ids, idempotent appends, and a snapshot store for command state.
/// Idempotent like version 5 (`IF NOT EXISTS`, `CREATE OR REPLACE`).
enum EventMigrationsV8 {
    static let v8Events = v8EventIDs + "\n\n" + v8AppendMulti + "\n\n" + v8Snapshots

    /// An event may carry its own id (a UUID, unique within its tenant): a retried publish is then refused, or
    /// with `p_idempotent` answered with the positions the first one got, so it is never written twice.
    static let v8EventIDs = """
        ALTER TABLE @schema@.events ADD COLUMN IF NOT EXISTS event_id uuid;
        CREATE UNIQUE INDEX IF NOT EXISTS events_tenant_event_id ON @schema@.events (tenant, event_id)
            WHERE event_id IS NOT NULL;

        -- The ids an append gives its events (NULL for an event without one), each checked: a UUID in a string.
        CREATE OR REPLACE FUNCTION @schema@.event_ids(p_writes jsonb) RETURNS uuid[] LANGUAGE plpgsql IMMUTABLE AS $$
        DECLARE
            v_ids uuid[] := '{}';
            v_e jsonb;
        BEGIN
            FOR v_e IN SELECT e.value FROM jsonb_array_elements(p_writes) w,
                                           jsonb_array_elements(coalesce(w.value -> 'events', '[]')) e LOOP
                CONTINUE WHEN NOT (v_e ? 'id') OR jsonb_typeof(v_e -> 'id') = 'null';
                IF jsonb_typeof(v_e -> 'id') <> 'string' OR (v_e ->> 'id') !~* '^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$' THEN
                    RAISE EXCEPTION 'an event id must be a UUID in a JSON string, not %', left((v_e -> 'id')::text, 80)
                        USING ERRCODE = @sqlstate_invalid_argument@;
                END IF;
                IF (v_e ->> 'id')::uuid = ANY (v_ids) THEN
                    RAISE EXCEPTION 'event id % appears twice in one append', v_e ->> 'id' USING ERRCODE = @sqlstate_invalid_argument@;
                END IF;
                v_ids := v_ids || (v_e ->> 'id')::uuid;
            END LOOP;
            RETURN v_ids;
        END $$;

        -- Before an append with ids takes a position: the ids locked (in order, so two appends never deadlock) and
        -- looked up. None stored: go on (NULL). All stored and p_idempotent: the positions they have, per stream (the
        -- first append's answer). Otherwise SA006, naming one id and where it is.
        CREATE OR REPLACE FUNCTION @schema@.event_ids_claim(p_tenant text, p_ids uuid[], p_idempotent boolean)
            RETURNS TABLE (stream text, first_position bigint, last_position bigint, first_version bigint, last_version bigint)
        LANGUAGE plpgsql AS $$
        #variable_conflict use_column
        DECLARE
            v_id uuid;
            v_found int := 0;
            v_one record;
        BEGIN
            -- one unique-index probe per id (an equality on both columns: the plan cannot drift to a scan of the
            -- tenant's events, whatever the statistics said when it was cached)
            FOREACH v_id IN ARRAY (SELECT array_agg(i ORDER BY i) FROM unnest(p_ids) i) LOOP
                PERFORM pg_advisory_xact_lock(hashtext(@lock_event_id@), hashtext(p_tenant || '/' || v_id::text));
                PERFORM 1 FROM @schema@.events e WHERE e.tenant = p_tenant AND e.event_id = v_id;
                IF FOUND THEN
                    v_found := v_found + 1;
                    IF v_one IS NULL THEN
                        SELECT e.event_id, e.stream, e.position INTO v_one FROM @schema@.events e
                         WHERE e.tenant = p_tenant AND e.event_id = v_id;
                    END IF;
                END IF;
            END LOOP;
            IF v_found = 0 THEN RETURN; END IF;
            IF coalesce(p_idempotent, false) AND v_found = cardinality(p_ids) THEN
                RETURN QUERY SELECT e.stream, min(e.position), max(e.position), min(e.version), max(e.version)
                  FROM unnest(p_ids) i JOIN @schema@.events e ON e.tenant = p_tenant AND e.event_id = i
                 GROUP BY e.stream ORDER BY e.stream;
                RETURN;
            END IF;
            RAISE EXCEPTION 'event id % already exists (stream "%", position %)%', v_one.event_id, v_one.stream, v_one.position,
                CASE WHEN coalesce(p_idempotent, false) THEN format(': only %s of the append''s %s ids do, so it is not the same append', v_found, cardinality(p_ids)) ELSE '' END
                USING ERRCODE = @sqlstate_duplicate_event@,
                      DETAIL = jsonb_build_object('event_id', v_one.event_id, 'stream', v_one.stream, 'position', v_one.position)::text;
        END $$;
        """

    /// `append_multi` of version 5 with event ids and `p_idempotent`; the body is version 5's otherwise.
    static let v8AppendMulti = """
        DROP FUNCTION IF EXISTS @schema@.append_multi(text, jsonb);
        CREATE OR REPLACE FUNCTION @schema@.append_multi(p_tenant text, p_writes jsonb, p_idempotent boolean DEFAULT false)
            RETURNS TABLE (stream text, first_position bigint, last_position bigint, first_version bigint, last_version bigint)
        LANGUAGE plpgsql AS $$
        #variable_conflict use_column
        DECLARE
            v_streams text[] := '{}';
            v_current bigint[] := '{}';
            v_events jsonb[] := '{}';
            v_total int := 0;
            v_write jsonb;
            v_name text;
            v_expected bigint;
            v_cur bigint;
            v_found boolean;
            v_n int;
            v_first bigint;
            v_pos bigint;
            v_ids uuid[];
            i int;
        BEGIN
            PERFORM @schema@.tenant_ensure(p_tenant);
            IF p_writes IS NULL OR jsonb_typeof(p_writes) <> 'array' OR jsonb_array_length(p_writes) = 0 THEN
                RAISE EXCEPTION 'append needs at least one stream' USING ERRCODE = @sqlstate_invalid_argument@;
            END IF;
            -- one C-level test first, so an append without ids pays nothing more for them
            v_ids := CASE WHEN jsonb_path_exists(p_writes, '$[*].events[*].id') THEN @schema@.event_ids(p_writes) ELSE '{}' END;
            PERFORM pg_advisory_xact_lock_shared(hashtext(@lock_tenant@), hashtext(p_tenant));
            IF cardinality(v_ids) > 0 THEN
                RETURN QUERY SELECT * FROM @schema@.event_ids_claim(p_tenant, v_ids, p_idempotent);
                IF FOUND THEN RETURN; END IF;
            END IF;
            FOR v_write IN SELECT value FROM jsonb_array_elements(p_writes) ORDER BY value ->> 'stream' LOOP
                v_name := @schema@.check_name('stream', v_write ->> 'stream', 255);
                IF v_name = ANY (v_streams) THEN
                    RAISE EXCEPTION 'stream % appears twice in one append', v_name USING ERRCODE = @sqlstate_invalid_argument@;
                END IF;
                v_expected := coalesce((v_write ->> 'expected')::bigint, -1);
                IF v_expected < -3 THEN
                    RAISE EXCEPTION 'expected version of stream % must be -1 (any), -2 (no stream), -3 (stream exists) or a version >= 0, not %',
                        v_name, v_expected USING ERRCODE = @sqlstate_invalid_argument@;
                END IF;
                IF jsonb_typeof(coalesce(v_write -> 'events', '[]')) <> 'array' THEN
                    RAISE EXCEPTION 'events of stream % must be a JSON array', v_name USING ERRCODE = @sqlstate_invalid_argument@;
                END IF;
                v_n := jsonb_array_length(coalesce(v_write -> 'events', '[]'));
                IF v_n > 0 THEN
                    PERFORM @schema@.check_events(v_write -> 'events');
                    INSERT INTO @schema@.streams AS s (tenant, stream, version, head_position)
                         VALUES (p_tenant, v_name, 0, 0) ON CONFLICT DO NOTHING;
                END IF;
                SELECT s.version INTO v_cur FROM @schema@.streams s
                 WHERE s.tenant = p_tenant AND s.stream = v_name FOR UPDATE;
                v_found := FOUND AND v_cur > 0;
                v_cur := coalesce(v_cur, 0);
                IF (v_expected = -2 AND v_found) OR (v_expected = -3 AND NOT v_found) OR (v_expected >= 0 AND v_cur <> v_expected) THEN
                    RAISE EXCEPTION 'version conflict on stream "%": expected %, actual %', v_name,
                        CASE v_expected WHEN -2 THEN 'no stream' WHEN -3 THEN 'stream exists' ELSE v_expected::text END,
                        CASE WHEN v_found THEN v_cur::text ELSE 'no stream' END
                        USING ERRCODE = @sqlstate_conflict@,
                              DETAIL = jsonb_build_object('stream', v_name, 'expected', v_expected, 'actual', v_cur)::text;
                END IF;
                v_streams := v_streams || v_name;
                v_current := v_current || v_cur;
                v_events := v_events || coalesce(v_write -> 'events', '[]');
                v_total := v_total + v_n;
            END LOOP;
            IF v_total = 0 THEN
                RAISE EXCEPTION 'append needs at least one event' USING ERRCODE = @sqlstate_invalid_argument@;
            END IF;

            -- A contiguous block of positions, registered before it is taken (see safe_position).
            v_first := @schema@.allocate('events', '@schema@.event_position', v_total);

            v_pos := v_first;
            FOR i IN 1 .. coalesce(array_length(v_streams, 1), 0) LOOP
                v_n := jsonb_array_length(v_events[i]);
                CONTINUE WHEN v_n = 0;
                INSERT INTO @schema@.events (position, tenant, stream, version, type, payload, metadata, batch_first, batch_size, event_id)
                SELECT v_pos + e.ord - 1, p_tenant, v_streams[i], v_current[i] + e.ord, e.value ->> 'type',
                       e.value -> 'payload', coalesce(e.value -> 'metadata', '{}'),
                       CASE WHEN v_total > 1 THEN v_first END, v_total, (e.value ->> 'id')::uuid
                  FROM jsonb_array_elements(v_events[i]) WITH ORDINALITY AS e(value, ord);
                UPDATE @schema@.streams s SET version = v_current[i] + v_n, head_position = v_pos + v_n - 1, updated_at = now()
                 WHERE s.tenant = p_tenant AND s.stream = v_streams[i];
                stream := v_streams[i];
                first_position := v_pos;
                last_position := v_pos + v_n - 1;
                first_version := v_current[i] + 1;
                last_version := v_current[i] + v_n;
                RETURN NEXT;
                v_pos := v_pos + v_n;
            END LOOP;
            PERFORM pg_notify(@channel_events@, p_tenant || ' ' || (v_first + v_total - 1));
        END $$;
        """

    /// eventcore 2's command-state snapshots: a state built from some streams, with the version of each stream it
    /// saw. A save never regresses: it is refused (false) when any stream the stored snapshot saw is missing or at a
    /// lower version in the new one. A load says which of those streams moved since (their versions now).
    static let v8Snapshots = """
        CREATE TABLE IF NOT EXISTS @schema@.snapshots (
            tenant      text NOT NULL,
            name        text NOT NULL,
            state       jsonb NOT NULL,
            versions    jsonb NOT NULL DEFAULT '{}',
            saved_at    timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (tenant, name)
        );

        CREATE OR REPLACE FUNCTION @schema@.snapshot_save(p_tenant text, p_name text, p_state jsonb, p_versions jsonb)
            RETURNS boolean LANGUAGE plpgsql AS $$
        DECLARE
            v_bad text;
            v_saved int;
        BEGIN
            PERFORM @schema@.tenant_ensure(p_tenant);
            PERFORM @schema@.check_name('snapshot', p_name, 255);
            IF p_state IS NULL THEN
                RAISE EXCEPTION 'a snapshot needs a state (JSON), not NULL' USING ERRCODE = @sqlstate_invalid_argument@;
            END IF;
            IF jsonb_typeof(coalesce(p_versions, '{}')) <> 'object' THEN
                RAISE EXCEPTION 'the stream versions of a snapshot are a JSON object {"stream": version, …}' USING ERRCODE = @sqlstate_invalid_argument@;
            END IF;
            SELECT v.key INTO v_bad FROM jsonb_each(coalesce(p_versions, '{}')) v
             WHERE jsonb_typeof(v.value) <> 'number' OR (v.value)::numeric < 0 OR (v.value)::numeric <> trunc((v.value)::numeric)
             LIMIT 1;
            IF FOUND THEN
                RAISE EXCEPTION 'the version of stream % in a snapshot must be a whole number >= 0', v_bad USING ERRCODE = @sqlstate_invalid_argument@;
            END IF;
            INSERT INTO @schema@.snapshots AS s (tenant, name, state, versions) VALUES (p_tenant, p_name, p_state, coalesce(p_versions, '{}'))
            ON CONFLICT (tenant, name) DO UPDATE SET state = EXCLUDED.state, versions = EXCLUDED.versions, saved_at = now()
             WHERE NOT EXISTS (SELECT 1 FROM jsonb_each(s.versions) old
                                WHERE NOT (EXCLUDED.versions ? old.key)
                                   OR (EXCLUDED.versions ->> old.key)::numeric < (old.value)::numeric);
            GET DIAGNOSTICS v_saved = ROW_COUNT;
            RETURN v_saved > 0;
        END $$;

        -- The snapshot, and for every stream it saw whose version is not the one it saw: the stream's version now
        -- (0 when the stream has no events).
        CREATE OR REPLACE FUNCTION @schema@.snapshot_load(p_tenant text, p_name text)
            RETURNS TABLE (state jsonb, versions jsonb, saved_at timestamptz, moved jsonb) LANGUAGE sql STABLE AS $$
            SELECT s.state, s.versions, s.saved_at,
                   coalesce((SELECT jsonb_object_agg(v.key, coalesce(st.version, 0))
                               FROM jsonb_each(s.versions) v
                               LEFT JOIN @schema@.streams st ON st.tenant = s.tenant AND st.stream = v.key
                              WHERE coalesce(st.version, 0) <> (v.value)::numeric), '{}')
              FROM @schema@.snapshots s WHERE s.tenant = p_tenant AND s.name = p_name
        $$;

        CREATE OR REPLACE FUNCTION @schema@.snapshot_delete(p_tenant text, p_name text) RETURNS boolean
        LANGUAGE sql AS $$
            WITH d AS (DELETE FROM @schema@.snapshots WHERE tenant = p_tenant AND name = p_name RETURNING 1)
            SELECT count(*) > 0 FROM d
        $$;
        """
}
