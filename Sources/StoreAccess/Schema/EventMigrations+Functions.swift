/// Version 2, second part: appends (single, multi-stream, conditional), the gap-free read, durable consumers.
extension EventMigrations {
    static let v2Functions = """
        -- Appends to several streams of one tenant atomically. p_writes: [{"stream": s, "expected": n,
        -- "events": [{"type": t, "payload": {..}, "metadata": {..}}, ..]}, ..]. expected: -1 any, -2 no stream,
        -- -3 stream exists, N >= 0 the stream's current version (0 = no events). A write with no events only checks.
        -- Streams are locked in name order (deadlock-free). Conflicts raise SQLSTATE SA001 before any position is taken.
        CREATE FUNCTION @schema@.append_multi(p_tenant text, p_writes jsonb)
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
                v_name := @schema@.check_name('stream', v_write ->> 'stream', 200);
                IF v_name = ANY (v_streams) THEN
                    RAISE EXCEPTION 'stream % appears twice in one append', v_name USING ERRCODE = @sqlstate_invalid_argument@;
                END IF;
                v_expected := coalesce((v_write ->> 'expected')::bigint, -1);
                IF jsonb_typeof(coalesce(v_write -> 'events', '[]')) <> 'array' THEN
                    RAISE EXCEPTION 'events of stream % must be a JSON array', v_name USING ERRCODE = @sqlstate_invalid_argument@;
                END IF;
                v_n := jsonb_array_length(coalesce(v_write -> 'events', '[]'));
                IF v_n > 0 THEN
                    IF EXISTS (SELECT 1 FROM jsonb_array_elements(v_write -> 'events') e
                                WHERE jsonb_typeof(e.value) <> 'object' OR coalesce(e.value ->> 'type', '') = ''
                                   OR octet_length(e.value ->> 'type') > 200) THEN
                        RAISE EXCEPTION 'every event needs a "type" (1 to 200 bytes)' USING ERRCODE = @sqlstate_invalid_argument@;
                    END IF;
                    INSERT INTO @schema@.streams AS s (tenant, stream, version, head_position)
                         VALUES (p_tenant, v_name, 0, 0) ON CONFLICT DO NOTHING;
                END IF;
                SELECT s.version INTO v_cur FROM @schema@.streams s
                 WHERE s.tenant = p_tenant AND s.stream = v_name FOR UPDATE;
                v_found := FOUND AND v_cur > 0;
                v_cur := coalesce(v_cur, 0);
                IF (v_expected = -2 AND v_found) OR (v_expected = -3 AND NOT v_found)
                   OR (v_expected >= 0 AND v_cur <> v_expected) OR v_expected < -3 THEN
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
                       coalesce(e.value -> 'payload', '{}'), coalesce(e.value -> 'metadata', '{}'),
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

        -- Appends events to one stream. See append_multi for p_expected and p_events.
        CREATE FUNCTION @schema@.append(p_tenant text, p_stream text, p_expected bigint, p_events jsonb)
            RETURNS TABLE (stream text, first_position bigint, last_position bigint, first_version bigint, last_version bigint)
        LANGUAGE sql AS $$
            SELECT * FROM @schema@.append_multi(p_tenant,
                jsonb_build_array(jsonb_build_object('stream', p_stream, 'expected', p_expected, 'events', p_events)))
        $$;

        -- Conditional append (factstr's append_if): appends only if no event of the tenant matching p_query has a
        -- position above p_context (NULL: none may exist at all). Conditional appends of a tenant take its lock
        -- exclusively, so the check sees every committed append. Conflict: SQLSTATE SA001, nothing written.
        CREATE FUNCTION @schema@.append_if(p_tenant text, p_stream text, p_expected bigint, p_events jsonb,
                                           p_query jsonb, p_context bigint)
            RETURNS TABLE (stream text, first_position bigint, last_position bigint, first_version bigint, last_version bigint)
        LANGUAGE plpgsql AS $$
        #variable_conflict use_column
        DECLARE v_actual bigint;
        BEGIN
            PERFORM @schema@.tenant_ensure(p_tenant);
            PERFORM pg_advisory_xact_lock(hashtext(@lock_tenant@), hashtext(p_tenant));
            SELECT max(e.position) INTO v_actual FROM @schema@.events e
             WHERE e.tenant = p_tenant AND e.position > coalesce(p_context, 0)
               AND @schema@.event_matches(e.type, e.payload, coalesce(p_query, '[]'));
            IF v_actual IS NOT NULL THEN
                RAISE EXCEPTION 'context conflict: expected context version %, actual %',
                    coalesce(p_context::text, 'none'), v_actual
                    USING ERRCODE = @sqlstate_conflict@,
                          DETAIL = jsonb_build_object('expected_context', p_context, 'actual_context', v_actual)::text;
            END IF;
            RETURN QUERY SELECT * FROM @schema@.append(p_tenant, p_stream, p_expected, p_events);
        END $$;

        -- Reads a tenant's events (NULL: every tenant) after p_after, in position order, gap-free, at most
        -- p_limit rows but never cutting a multi-event batch in two.
        CREATE FUNCTION @schema@.read_all(p_tenant text, p_after bigint, p_limit int, p_query jsonb DEFAULT NULL)
            RETURNS SETOF @schema@.events LANGUAGE plpgsql VOLATILE AS $$
        DECLARE
            v_safe bigint;
            v_upto bigint;
        BEGIN
            v_safe := @schema@.events_safe_position();
            SELECT max(greatest(p.position, coalesce(p.batch_first + p.batch_size - 1, p.position))) INTO v_upto
              FROM (SELECT e.position, e.batch_first, e.batch_size FROM @schema@.events e
                     WHERE (p_tenant IS NULL OR e.tenant = p_tenant) AND e.position > p_after AND e.position <= v_safe
                       AND (p_query IS NULL OR @schema@.event_matches(e.type, e.payload, p_query))
                     ORDER BY e.position LIMIT greatest(p_limit, 1)) p;
            IF v_upto IS NULL THEN RETURN; END IF;
            RETURN QUERY SELECT e.* FROM @schema@.events e
             WHERE (p_tenant IS NULL OR e.tenant = p_tenant) AND e.position > p_after AND e.position <= v_upto
               AND (p_query IS NULL OR @schema@.event_matches(e.type, e.payload, p_query))
             ORDER BY e.position;
        END $$;

        -- Registers (or reopens) a durable consumer and returns its position. Reopening with another filter is an
        -- error (SA003). The caller proves it is the only consumer with pg_try_advisory_lock on its own session.
        CREATE FUNCTION @schema@.cursor_open(p_tenant text, p_name text, p_source text, p_filter jsonb,
                                             p_application text, p_host text, p_pid int) RETURNS bigint
        LANGUAGE plpgsql AS $$
        DECLARE v_filter jsonb; v_source text; v_position bigint;
        BEGIN
            PERFORM @schema@.tenant_ensure(p_tenant);
            PERFORM @schema@.check_name('consumer', p_name, 200);
            INSERT INTO @schema@.cursors (tenant, name, source, filter, position)
                 VALUES (p_tenant, p_name, p_source, coalesce(p_filter, '{}'), 0) ON CONFLICT DO NOTHING;
            SELECT c.filter, c.source, c.position INTO v_filter, v_source, v_position FROM @schema@.cursors c
             WHERE c.tenant = p_tenant AND c.name = p_name FOR UPDATE;
            IF v_source <> p_source OR v_filter <> coalesce(p_filter, '{}') THEN
                RAISE EXCEPTION 'consumer "%" of tenant "%" exists with another source or filter (% %), not (% %)',
                    p_name, p_tenant, v_source, v_filter, p_source, coalesce(p_filter, '{}') USING ERRCODE = @sqlstate_invalid_argument@;
            END IF;
            UPDATE @schema@.cursors SET owner_application = p_application, owner_host = p_host, owner_pid = p_pid,
                   owner_backend_pid = pg_backend_pid(), heartbeat_at = now()
             WHERE tenant = p_tenant AND name = p_name;
            RETURN v_position;
        END $$;

        -- Moves a durable consumer's position (after its handler succeeded) and refreshes its heartbeat.
        CREATE FUNCTION @schema@.cursor_advance(p_tenant text, p_name text, p_position bigint) RETURNS void
        LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE @schema@.cursors SET position = p_position, moved_at = now(), heartbeat_at = now()
             WHERE tenant = p_tenant AND name = p_name;
            IF NOT FOUND THEN
                RAISE EXCEPTION 'no consumer "%" for tenant "%"', p_name, p_tenant USING ERRCODE = @sqlstate_not_found@;
            END IF;
        END $$;

        -- Refreshes a durable consumer's heartbeat without moving it.
        CREATE FUNCTION @schema@.cursor_heartbeat(p_tenant text, p_name text) RETURNS void LANGUAGE sql AS $$
            UPDATE @schema@.cursors SET heartbeat_at = now() WHERE tenant = p_tenant AND name = p_name
        $$;

        -- Removes a durable consumer (it no longer holds back outbox pruning).
        CREATE FUNCTION @schema@.cursor_delete(p_tenant text, p_name text) RETURNS boolean LANGUAGE sql AS $$
            WITH d AS (DELETE FROM @schema@.cursors WHERE tenant = p_tenant AND name = p_name RETURNING 1)
            SELECT count(*) > 0 FROM d
        $$;
        """
}
