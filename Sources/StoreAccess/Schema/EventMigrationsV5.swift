/// Version 5: the event log keeps factstr's and eventcore's promises (issue 17). Every statement is idempotent
/// (`CREATE OR REPLACE`, `IF NOT EXISTS`), so the script can be read and rerun as a whole. See docs/sql.md.
enum EventMigrationsV5 {
    static let v5Events = """
        -- Does an event match a query? A query is a JSON array of filters, OR-ed (an empty array matches every
        -- event). A filter is {"types": [..], "payload": [{..}, ..]}: the type is one of "types" AND the payload
        -- contains (@>) at least one of the "payload" objects (factstr: predicates inside one filter are OR-ed).
        -- "types" absent or null: any type; an empty array: no type (the filter matches nothing, factstr's
        -- Some(vec![])). "payload" absent, null or empty: any payload.
        CREATE OR REPLACE FUNCTION @schema@.event_matches(p_type text, p_payload jsonb, p_query jsonb) RETURNS boolean
        LANGUAGE sql IMMUTABLE AS $$
            SELECT coalesce(jsonb_array_length(p_query), 0) = 0 OR EXISTS (
                SELECT 1 FROM jsonb_array_elements(p_query) f
                 WHERE (jsonb_typeof(f.value -> 'types') IS DISTINCT FROM 'array' OR (f.value -> 'types') ? p_type)
                   AND (jsonb_typeof(f.value -> 'payload') IS DISTINCT FROM 'array'
                        OR jsonb_array_length(f.value -> 'payload') = 0
                        OR EXISTS (SELECT 1 FROM jsonb_array_elements(f.value -> 'payload') p WHERE p_payload @> p.value)))
        $$;

        -- Before version 5 an empty "types" list meant "any type", and durable consumers recorded such filters.
        -- Drop the key from their recorded filters, so they keep their meaning and reopen with what Swift now sends.
        UPDATE @schema@.cursors c
           SET filter = (SELECT coalesce(jsonb_agg(CASE WHEN f.value -> 'types' = '[]'::jsonb THEN f.value - 'types'
                                                        ELSE f.value END ORDER BY f.ord), '[]'::jsonb)
                           FROM jsonb_array_elements(c.filter) WITH ORDINALITY AS f(value, ord))
         WHERE c.source = 'events' AND jsonb_typeof(c.filter) = 'array'
           AND EXISTS (SELECT 1 FROM jsonb_array_elements(c.filter) f WHERE f.value -> 'types' = '[]'::jsonb);

        -- Names (see version 1), except stream ids (p_what = 'stream'): any UTF-8 text without control characters
        -- (Unicode Cc: U+0001-U+001F, U+007F-U+009F), 1 to p_max bytes, "/" included, as Swift's Names.stream.
        CREATE OR REPLACE FUNCTION @schema@.check_name(p_what text, p_value text, p_max int DEFAULT 200) RETURNS text
        LANGUAGE plpgsql IMMUTABLE AS $$
        BEGIN
            IF p_what = 'stream' THEN
                IF p_value IS NULL OR p_value = '' OR octet_length(p_value) > p_max OR p_value ~ '[\\u0001-\\u001f\\u007f-\\u009f]' THEN
                    RAISE EXCEPTION 'invalid stream "%": use UTF-8 text without control characters, 1 to % bytes',
                        regexp_replace(left(coalesce(p_value, 'NULL'), 80), '[\\u0001-\\u001f\\u007f-\\u009f]', '?', 'g'), p_max
                        USING ERRCODE = @sqlstate_invalid_name@;
                END IF;
                RETURN p_value;
            END IF;
            IF p_value IS NULL OR p_value !~ '^[A-Za-z0-9_][A-Za-z0-9_.:@=+-]*$' OR octet_length(p_value) > p_max THEN
                RAISE EXCEPTION 'invalid % "%": use letters, digits and _ . : @ = + - (not starting with a punctuation mark), at most % bytes',
                    p_what, left(coalesce(p_value, 'NULL'), 80), p_max USING ERRCODE = @sqlstate_invalid_name@;
            END IF;
            RETURN p_value;
        END $$;

        -- Checks the events of one append before anything is written: every event is an object whose "type" is a
        -- name (check_name's rule, as Swift's Names.eventType) and whose "payload" is a JSON object (SA003, or SA004
        -- for a bad type name).
        CREATE OR REPLACE FUNCTION @schema@.check_events(p_events jsonb) RETURNS void
        LANGUAGE plpgsql IMMUTABLE AS $$
        DECLARE v_bad jsonb;
        BEGIN
            SELECT e.value INTO v_bad FROM jsonb_array_elements(p_events) e
             WHERE jsonb_typeof(e.value) IS DISTINCT FROM 'object'
                OR jsonb_typeof(e.value -> 'type') IS DISTINCT FROM 'string'
                OR (e.value ->> 'type') !~ '^[A-Za-z0-9_][A-Za-z0-9_.:@=+-]*$' OR octet_length(e.value ->> 'type') > 200
                OR jsonb_typeof(e.value -> 'payload') IS DISTINCT FROM 'object'
             LIMIT 1;
            IF NOT FOUND THEN RETURN; END IF;
            IF jsonb_typeof(v_bad) IS DISTINCT FROM 'object' OR jsonb_typeof(v_bad -> 'type') IS DISTINCT FROM 'string' THEN
                RAISE EXCEPTION 'every event needs a "type" (a name of 1 to 200 bytes), not %', left(v_bad::text, 80)
                    USING ERRCODE = @sqlstate_invalid_argument@;
            END IF;
            PERFORM @schema@.check_name('event type', v_bad ->> 'type', 200);
            RAISE EXCEPTION 'the "payload" of every event must be a JSON object, not %',
                coalesce(jsonb_typeof(v_bad -> 'payload'), 'missing') USING ERRCODE = @sqlstate_invalid_argument@;
        END $$;

        -- Appends to several streams of one tenant atomically (see version 2). Version 5 refuses, before any lock
        -- or position is taken, an expected version below -3 (SA003) and events check_events refuses.
        CREATE OR REPLACE FUNCTION @schema@.append_multi(p_tenant text, p_writes jsonb)
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
            i int;
        BEGIN
            PERFORM @schema@.tenant_ensure(p_tenant);
            IF p_writes IS NULL OR jsonb_typeof(p_writes) <> 'array' OR jsonb_array_length(p_writes) = 0 THEN
                RAISE EXCEPTION 'append needs at least one stream' USING ERRCODE = @sqlstate_invalid_argument@;
            END IF;
            PERFORM pg_advisory_xact_lock_shared(hashtext(@lock_tenant@), hashtext(p_tenant));
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
                INSERT INTO @schema@.events (position, tenant, stream, version, type, payload, metadata, batch_first, batch_size)
                SELECT v_pos + e.ord - 1, p_tenant, v_streams[i], v_current[i] + e.ord, e.value ->> 'type',
                       e.value -> 'payload', coalesce(e.value -> 'metadata', '{}'),
                       CASE WHEN v_total > 1 THEN v_first END, v_total
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

        -- A stream glob (eventcore) as a regular expression: * any run of characters, ? one character, [..] one of a
        -- class ([!..] or [^..]: none of it), \\ takes the next character literally. A glob matches the start of a
        -- stream id (eventcore: "account-[0-9]" matches "account-7-x"). An empty or unclosed pattern is SA003.
        CREATE OR REPLACE FUNCTION @schema@.stream_glob_regex(p_glob text) RETURNS text
        LANGUAGE plpgsql IMMUTABLE AS $$
        DECLARE
            v_out text := '^';
            v_i int := 1;
            v_n int := char_length(p_glob);
            v_c text;
            v_end int;
        BEGIN
            IF coalesce(p_glob, '') = '' THEN
                RAISE EXCEPTION 'a stream pattern must not be empty' USING ERRCODE = @sqlstate_invalid_argument@;
            END IF;
            WHILE v_i <= v_n LOOP
                v_c := substr(p_glob, v_i, 1);
                IF v_c = '*' THEN
                    v_out := v_out || '.*';
                ELSIF v_c = '?' THEN
                    v_out := v_out || '.';
                ELSIF v_c = '[' THEN
                    v_end := strpos(substr(p_glob, v_i + 2), ']');
                    IF v_end = 0 THEN
                        RAISE EXCEPTION 'stream pattern "%" has an unclosed [', p_glob USING ERRCODE = @sqlstate_invalid_argument@;
                    END IF;
                    v_c := substr(p_glob, v_i + 1, v_end);
                    IF left(v_c, 1) = '!' THEN v_c := '^' || substr(v_c, 2); END IF;
                    v_out := v_out || '[' || replace(v_c, '\\', '\\\\') || ']';
                    v_i := v_i + v_end + 1;
                ELSE
                    IF v_c = '\\' AND v_i < v_n THEN
                        v_i := v_i + 1;
                        v_c := substr(p_glob, v_i, 1);
                    END IF;
                    -- a letter, digit or non-ASCII character stands for itself; any other is escaped
                    v_out := v_out || CASE WHEN v_c ~ '^[A-Za-z0-9]$' OR ascii(v_c) > 127 THEN v_c ELSE '\\' || v_c END;
                END IF;
                v_i := v_i + 1;
            END LOOP;
            RETURN v_out;
        END $$;

        -- Reads a tenant's events (NULL: every tenant) after p_after, in position order, gap-free (never past the safe
        -- position). Since version 5 a page holds exactly p_limit events (fewer at the end; eventcore's contract) and
        -- may end inside a multi-event append: reading on after its last position is correct. p_whole_appends keeps
        -- appends whole instead (factstr's batch shape): the page then runs to the end of the append of its last event.
        -- p_streams: only streams matching this glob (stream_glob_regex), filtered before the limit.
        DROP FUNCTION IF EXISTS @schema@.read_all(text, bigint, int, jsonb);
        DROP FUNCTION IF EXISTS @schema@.read_all(text, bigint, int, jsonb, boolean);
        CREATE OR REPLACE FUNCTION @schema@.read_all(p_tenant text, p_after bigint, p_limit int, p_query jsonb DEFAULT NULL,
                                                     p_whole_appends boolean DEFAULT false, p_streams text DEFAULT NULL)
            RETURNS SETOF @schema@.events LANGUAGE plpgsql VOLATILE AS $$
        DECLARE
            v_safe bigint;
            v_upto bigint;
            v_re text := CASE WHEN p_streams IS NOT NULL THEN @schema@.stream_glob_regex(p_streams) END;
        BEGIN
            v_safe := @schema@.events_safe_position();
            IF NOT coalesce(p_whole_appends, false) THEN
                RETURN QUERY SELECT e.* FROM @schema@.events e
                 WHERE (p_tenant IS NULL OR e.tenant = p_tenant) AND e.position > p_after AND e.position <= v_safe
                   AND (p_query IS NULL OR @schema@.event_matches(e.type, e.payload, p_query))
                   AND (v_re IS NULL OR e.stream ~ v_re)
                 ORDER BY e.position LIMIT greatest(p_limit, 1);
                RETURN;
            END IF;
            SELECT max(greatest(p.position, coalesce(p.batch_first + p.batch_size - 1, p.position))) INTO v_upto
              FROM (SELECT e.position, e.batch_first, e.batch_size FROM @schema@.events e
                     WHERE (p_tenant IS NULL OR e.tenant = p_tenant) AND e.position > p_after AND e.position <= v_safe
                       AND (p_query IS NULL OR @schema@.event_matches(e.type, e.payload, p_query))
                       AND (v_re IS NULL OR e.stream ~ v_re)
                     ORDER BY e.position LIMIT greatest(p_limit, 1)) p;
            IF v_upto IS NULL THEN RETURN; END IF;
            RETURN QUERY SELECT e.* FROM @schema@.events e
             WHERE (p_tenant IS NULL OR e.tenant = p_tenant) AND e.position > p_after AND e.position <= v_upto
               AND (p_query IS NULL OR @schema@.event_matches(e.type, e.payload, p_query))
               AND (v_re IS NULL OR e.stream ~ v_re)
             ORDER BY e.position;
        END $$;
        """
}
