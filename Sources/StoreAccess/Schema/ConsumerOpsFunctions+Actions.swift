/// The operator's functions of version 9. Each checks under the cursor row's lock that nothing changed since the
/// caller's preview, changes, and writes its `actions_audit` row, in one transaction.
extension ConsumerOpsFunctions {
    static let actions = """
        -- A consumer's own rows in (p_after, p_upto]: events of its tenant matching its filter, or outbox rows of its
        -- tenant, kind and ops, ascending or descending, at most p_limit (NULL: all). What a move redelivers or skips.
        -- (Outbox rows: row_type is the operation, row_stream the key.)
        CREATE FUNCTION @schema@.consumer_rows(p_tenant text, p_name text, p_after bigint, p_upto bigint, p_descending boolean,
            p_limit bigint) RETURNS TABLE (row_position bigint, row_type text, row_stream text, row_at timestamptz) LANGUAGE plpgsql STABLE AS $$
        #variable_conflict use_column
        DECLARE c record; v_all boolean; v_ops text[];
        BEGIN
            SELECT x.source, x.filter INTO c FROM @schema@.cursors x WHERE x.tenant = p_tenant AND x.name = p_name;
            IF NOT FOUND THEN
                RAISE EXCEPTION 'no consumer "%" for tenant "%"', p_name, p_tenant USING ERRCODE = @sqlstate_not_found@;
            END IF;
            IF c.source = 'events' THEN
                v_all := c.filter = '[]'::jsonb OR c.filter = '{}'::jsonb;
                IF p_descending THEN
                    RETURN QUERY SELECT e.position, e.type, e.stream, e.recorded_at FROM @schema@.events e
                     WHERE e.tenant = p_tenant AND e.position > p_after AND e.position <= p_upto
                       AND (v_all OR @schema@.event_matches(e.type, e.payload, c.filter))
                     ORDER BY e.position DESC LIMIT p_limit;
                ELSE
                    RETURN QUERY SELECT e.position, e.type, e.stream, e.recorded_at FROM @schema@.events e
                     WHERE e.tenant = p_tenant AND e.position > p_after AND e.position <= p_upto
                       AND (v_all OR @schema@.event_matches(e.type, e.payload, c.filter))
                     ORDER BY e.position LIMIT p_limit;
                END IF;
            ELSE
                v_ops := CASE WHEN c.filter ? 'ops' THEN ARRAY(SELECT jsonb_array_elements_text(c.filter -> 'ops')) END;
                IF p_descending THEN
                    RETURN QUERY SELECT o.id, o.op, o.key, o.at FROM @schema@.outbox o
                     WHERE o.tenant = p_tenant AND o.kind = c.filter ->> 'kind' AND o.id > p_after AND o.id <= p_upto
                       AND (v_ops IS NULL OR o.op = ANY (v_ops))
                     ORDER BY o.id DESC LIMIT p_limit;
                ELSE
                    RETURN QUERY SELECT o.id, o.op, o.key, o.at FROM @schema@.outbox o
                     WHERE o.tenant = p_tenant AND o.kind = c.filter ->> 'kind' AND o.id > p_after AND o.id <= p_upto
                       AND (v_ops IS NULL OR o.op = ANY (v_ops))
                     ORDER BY o.id LIMIT p_limit;
                END IF;
            END IF;
        END $$;

        -- How many of a consumer's own rows lie in (p_after, p_upto] (exact; counted without materializing them).
        CREATE FUNCTION @schema@.consumer_count(p_tenant text, p_name text, p_after bigint, p_upto bigint) RETURNS bigint
        LANGUAGE plpgsql STABLE AS $$
        DECLARE c record; v_n bigint; v_ops text[];
        BEGIN
            SELECT x.source, x.filter INTO c FROM @schema@.cursors x WHERE x.tenant = p_tenant AND x.name = p_name;
            IF NOT FOUND THEN
                RAISE EXCEPTION 'no consumer "%" for tenant "%"', p_name, p_tenant USING ERRCODE = @sqlstate_not_found@;
            END IF;
            IF c.source = 'events' THEN
                SELECT count(*) INTO v_n FROM @schema@.events e
                 WHERE e.tenant = p_tenant AND e.position > p_after AND e.position <= p_upto
                   AND (c.filter = '[]'::jsonb OR c.filter = '{}'::jsonb OR @schema@.event_matches(e.type, e.payload, c.filter));
            ELSE
                v_ops := CASE WHEN c.filter ? 'ops' THEN ARRAY(SELECT jsonb_array_elements_text(c.filter -> 'ops')) END;
                SELECT count(*) INTO v_n FROM @schema@.outbox o
                 WHERE o.tenant = p_tenant AND o.kind = c.filter ->> 'kind' AND o.id > p_after AND o.id <= p_upto
                   AND (v_ops IS NULL OR o.op = ANY (v_ops));
            END IF;
            RETURN v_n;
        END $$;

        -- Moves a consumer (rewind, skip, reset) from p_expected to p_to. Refuses when it moved since the preview
        -- (conflict), and while it runs (its lock is held by another backend) unless its pause was acknowledged or
        -- p_force. p_events is the previewed count of events redelivered or skipped, for the audit. Returns the audit id.
        CREATE FUNCTION @schema@.consumer_move(p_tenant text, p_name text, p_expected bigint, p_to bigint, p_action text,
            p_reason text, p_force boolean, p_events bigint) RETURNS bigint LANGUAGE plpgsql AS $$
        DECLARE c record; v_holder int; v_next record; v_id bigint;
        BEGIN
            IF p_action NOT IN ('rewind', 'skip', 'reset') OR p_to IS NULL OR p_to < 0 THEN
                RAISE EXCEPTION 'invalid consumer move % to %', p_action, p_to USING ERRCODE = @sqlstate_invalid_argument@;
            END IF;
            SELECT * INTO c FROM @schema@.cursors WHERE tenant = p_tenant AND name = p_name FOR UPDATE;
            IF NOT FOUND THEN
                RAISE EXCEPTION 'no consumer "%" for tenant "%"', p_name, p_tenant USING ERRCODE = @sqlstate_not_found@;
            END IF;
            IF c.position IS DISTINCT FROM p_expected THEN
                RAISE EXCEPTION 'consumer "%" of tenant "%" moved since the preview: it is at %, the preview saw %',
                    p_name, p_tenant, c.position, p_expected USING ERRCODE = @sqlstate_conflict@;
            END IF;
            v_holder := @consumer_lock_holder@;
            IF v_holder IS NOT NULL AND v_holder <> pg_backend_pid() AND NOT coalesce(p_force, false)
               AND NOT (c.paused_at IS NOT NULL AND c.loop_state = 'paused') THEN
                RAISE EXCEPTION 'consumer "%" of tenant "%" is running (backend %, %): pause it first, or force the move',
                    p_name, p_tenant, v_holder, coalesce(c.owner_application, '?') USING ERRCODE = @sqlstate_consumer_busy@;
            END IF;
            v_next := @schema@.cursor_next(p_tenant, c.source, c.filter ->> 'kind', p_to);
            UPDATE @schema@.cursors SET position = p_to, epoch = epoch + 1, moved_at = now(),
                   next_after = v_next.next_after, next_position = v_next.next_position, next_at = v_next.next_at,
                   next_checked = v_next.next_checked, next_pruned = v_next.next_pruned,
                   failing_position = NULL, failing_error = NULL, failing_attempts = NULL, failing_since = NULL, failing_at = NULL
             WHERE tenant = p_tenant AND name = p_name;
            INSERT INTO @schema@.actions_audit (action, status, tenant, target, from_position, to_position, rows, reason,
                   finished_at, detail)
            VALUES (p_action, 'done', p_tenant, p_name, p_expected, p_to, coalesce(p_events, 0), coalesce(p_reason, ''), now(),
                    jsonb_build_object('forced', coalesce(p_force, false), 'running_backend', v_holder,
                                       'paused', c.paused_at IS NOT NULL, 'source', c.source))
            RETURNING id INTO v_id;
            RETURN v_id;
        END $$;

        -- Asks a consumer to pause (its loop stops before its next batch, keeps its lock, heartbeats 'paused') or to
        -- resume. Idempotent; audited either way. Returns the audit id.
        CREATE FUNCTION @schema@.consumer_pause(p_tenant text, p_name text, p_reason text, p_pause boolean DEFAULT true)
            RETURNS bigint LANGUAGE plpgsql AS $$
        DECLARE c record; v_id bigint;
        BEGIN
            SELECT * INTO c FROM @schema@.cursors WHERE tenant = p_tenant AND name = p_name FOR UPDATE;
            IF NOT FOUND THEN
                RAISE EXCEPTION 'no consumer "%" for tenant "%"', p_name, p_tenant USING ERRCODE = @sqlstate_not_found@;
            END IF;
            IF p_pause AND c.paused_at IS NULL THEN
                UPDATE @schema@.cursors SET paused_at = now(), pause_reason = coalesce(p_reason, ''),
                       paused_by = current_user || ' (' || current_setting('application_name') || ')'
                 WHERE tenant = p_tenant AND name = p_name;
            ELSIF NOT p_pause AND c.paused_at IS NOT NULL THEN
                UPDATE @schema@.cursors SET paused_at = NULL, paused_by = NULL, pause_reason = NULL
                 WHERE tenant = p_tenant AND name = p_name;
            END IF;
            INSERT INTO @schema@.actions_audit (action, status, tenant, target, from_position, to_position, reason, finished_at,
                   detail)
            VALUES (CASE WHEN p_pause THEN 'pause' ELSE 'resume' END, 'done', p_tenant, p_name, c.position, c.position,
                    coalesce(p_reason, ''), now(), jsonb_build_object('was_paused', c.paused_at IS NOT NULL))
            RETURNING id INTO v_id;
            RETURN v_id;
        END $$;

        CREATE FUNCTION @schema@.consumer_resume(p_tenant text, p_name text, p_reason text) RETURNS bigint LANGUAGE sql AS $$
            SELECT @schema@.consumer_pause(p_tenant, p_name, p_reason, false)
        $$;

        -- Asks for parked events to be replayed to their consumer (p_replay) or discards them. p_positions are the
        -- previewed ones (NULL: all parked now); refuses (conflict) when one of them is no longer parked, so the
        -- audit's count is what the preview showed. Returns the audit id.
        CREATE FUNCTION @schema@.parked_act(p_tenant text, p_name text, p_positions bigint[], p_reason text, p_replay boolean)
            RETURNS bigint LANGUAGE plpgsql AS $$
        DECLARE v_n bigint; v_min bigint; v_max bigint; v_id bigint;
        BEGIN
            PERFORM 1 FROM @schema@.cursors WHERE tenant = p_tenant AND name = p_name FOR UPDATE;
            IF NOT FOUND THEN
                RAISE EXCEPTION 'no consumer "%" for tenant "%"', p_name, p_tenant USING ERRCODE = @sqlstate_not_found@;
            END IF;
            IF p_replay THEN
                WITH u AS (UPDATE @schema@.parked SET state = 'replay', replay_requested_at = now()
                            WHERE tenant = p_tenant AND consumer = p_name AND state = 'parked'
                              AND (p_positions IS NULL OR position = ANY (p_positions)) RETURNING position)
                SELECT count(*), min(position), max(position) INTO v_n, v_min, v_max FROM u;
            ELSE
                WITH d AS (DELETE FROM @schema@.parked
                            WHERE tenant = p_tenant AND consumer = p_name AND state = 'parked'
                              AND (p_positions IS NULL OR position = ANY (p_positions)) RETURNING position)
                SELECT count(*), min(position), max(position) INTO v_n, v_min, v_max FROM d;
            END IF;
            IF p_positions IS NOT NULL AND v_n <> cardinality(p_positions) THEN
                RAISE EXCEPTION '% of the % previewed parked events of consumer "%" (tenant "%") are no longer parked',
                    cardinality(p_positions) - v_n, cardinality(p_positions), p_name, p_tenant USING ERRCODE = @sqlstate_conflict@;
            END IF;
            INSERT INTO @schema@.actions_audit (action, status, tenant, target, from_position, to_position, rows, reason,
                   finished_at, detail)
            VALUES (CASE WHEN p_replay THEN 'replay' ELSE 'discard' END, 'done', p_tenant, p_name, v_min, v_max, v_n,
                    coalesce(p_reason, ''), now(), jsonb_build_object('positions', to_jsonb(p_positions)))
            RETURNING id INTO v_id;
            RETURN v_id;
        END $$;

        CREATE FUNCTION @schema@.parked_replay(p_tenant text, p_name text, p_positions bigint[], p_reason text)
            RETURNS bigint LANGUAGE sql AS $$ SELECT @schema@.parked_act(p_tenant, p_name, p_positions, p_reason, true) $$;

        CREATE FUNCTION @schema@.parked_discard(p_tenant text, p_name text, p_positions bigint[], p_reason text)
            RETURNS bigint LANGUAGE sql AS $$ SELECT @schema@.parked_act(p_tenant, p_name, p_positions, p_reason, false) $$;
        """
}
