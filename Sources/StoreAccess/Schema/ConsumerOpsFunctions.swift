/// The SQL functions of version 9 (`ConsumerOpsMigrations`): the consumer loop's side (control, epoch-checked
/// advance, policy, failures, parking, replays) and the operator's side (move, pause, resume, replay, discard), each
/// operator function one transaction that checks, changes and writes its audit row.
enum ConsumerOpsFunctions {
    static let loop = """
        -- Every advance clears a failure the cursor moved past, and says the loop runs.
        CREATE OR REPLACE FUNCTION @schema@.cursor_advance(p_tenant text, p_name text, p_position bigint) RETURNS void
        LANGUAGE plpgsql AS $$
        DECLARE v_source text; v_kind text; v_next record;
        BEGIN
            SELECT c.source, c.filter ->> 'kind' INTO v_source, v_kind FROM @schema@.cursors c
             WHERE c.tenant = p_tenant AND c.name = p_name;
            IF NOT FOUND THEN
                RAISE EXCEPTION 'no consumer "%" for tenant "%"', p_name, p_tenant USING ERRCODE = @sqlstate_not_found@;
            END IF;
            v_next := @schema@.cursor_next(p_tenant, v_source, v_kind, p_position);
            UPDATE @schema@.cursors SET position = p_position, moved_at = now(), heartbeat_at = now(), loop_state = 'running',
                   next_after = v_next.next_after, next_position = v_next.next_position, next_at = v_next.next_at,
                   next_checked = v_next.next_checked, next_pruned = v_next.next_pruned,
                   failing_position = CASE WHEN failing_position <= p_position THEN NULL ELSE failing_position END,
                   failing_error = CASE WHEN failing_position <= p_position THEN NULL ELSE failing_error END,
                   failing_attempts = CASE WHEN failing_position <= p_position THEN NULL ELSE failing_attempts END,
                   failing_since = CASE WHEN failing_position <= p_position THEN NULL ELSE failing_since END,
                   failing_at = CASE WHEN failing_position <= p_position THEN NULL ELSE failing_at END
             WHERE tenant = p_tenant AND name = p_name;
        END $$;

        -- The advance of a running loop: moves only while nobody moved the consumer since the loop read its epoch
        -- (false: an operator moved it; the loop re-reads its position and drops what it was about to record).
        CREATE FUNCTION @schema@.cursor_advance(p_tenant text, p_name text, p_position bigint, p_epoch bigint) RETURNS boolean
        LANGUAGE plpgsql AS $$
        DECLARE v_epoch bigint;
        BEGIN
            SELECT c.epoch INTO v_epoch FROM @schema@.cursors c WHERE c.tenant = p_tenant AND c.name = p_name FOR UPDATE;
            IF NOT FOUND THEN
                RAISE EXCEPTION 'no consumer "%" for tenant "%"', p_name, p_tenant USING ERRCODE = @sqlstate_not_found@;
            END IF;
            IF v_epoch <> p_epoch THEN RETURN false; END IF;
            PERFORM @schema@.cursor_advance(p_tenant, p_name, p_position);
            RETURN true;
        END $$;

        -- What a running loop must honour before its next batch: a pause, a move (epoch and position), replays asked for.
        CREATE FUNCTION @schema@.cursor_control(p_tenant text, p_name text,
            OUT paused boolean, OUT epoch bigint, OUT at_position bigint, OUT replays int) LANGUAGE sql STABLE AS $$
            SELECT c.paused_at IS NOT NULL, c.epoch, c.position,
                   (SELECT count(*)::int FROM @schema@.parked p
                     WHERE p.tenant = c.tenant AND p.consumer = c.name AND p.state = 'replay')
              FROM @schema@.cursors c WHERE c.tenant = p_tenant AND c.name = p_name
        $$;

        -- The heartbeat with the loop's state: 'running', or 'paused' (acknowledges a pause).
        CREATE FUNCTION @schema@.cursor_heartbeat(p_tenant text, p_name text, p_state text) RETURNS void LANGUAGE sql AS $$
            UPDATE @schema@.cursors SET heartbeat_at = now(), loop_state = p_state WHERE tenant = p_tenant AND name = p_name
        $$;

        -- The consumer's failure policy, as its code sets it (shown by monitors).
        CREATE FUNCTION @schema@.cursor_policy(p_tenant text, p_name text, p_on_failure text, p_max_attempts int)
            RETURNS void LANGUAGE sql AS $$
            UPDATE @schema@.cursors SET on_failure = p_on_failure, max_attempts = greatest(p_max_attempts, 1)
             WHERE tenant = p_tenant AND name = p_name
        $$;

        -- The handler failed at p_position (attempt p_attempts): recorded until the cursor passes it.
        CREATE FUNCTION @schema@.cursor_failing(p_tenant text, p_name text, p_position bigint, p_error text, p_attempts int)
            RETURNS void LANGUAGE sql AS $$
            UPDATE @schema@.cursors SET failing_error = left(p_error, 2000), failing_attempts = p_attempts, failing_at = now(),
                   failing_since = CASE WHEN failing_position = p_position THEN coalesce(failing_since, now()) ELSE now() END,
                   failing_position = p_position
             WHERE tenant = p_tenant AND name = p_name
        $$;

        -- Sets an event aside (or records one more failed replay of it); the consumer then advances past it.
        CREATE FUNCTION @schema@.consumer_park(p_tenant text, p_name text, p_position bigint, p_stream text, p_type text,
            p_error text, p_attempts int, p_first_failed_at timestamptz) RETURNS void LANGUAGE sql AS $$
            INSERT INTO @schema@.parked AS p (tenant, consumer, position, stream, type, error, attempts, first_failed_at, last_failed_at)
            VALUES (p_tenant, p_name, p_position, p_stream, p_type, left(p_error, 2000), greatest(p_attempts, 1),
                    coalesce(p_first_failed_at, now()), now())
            ON CONFLICT (tenant, consumer, position) DO UPDATE
               SET error = excluded.error, attempts = p.attempts + excluded.attempts, last_failed_at = now(),
                   state = 'parked', replay_requested_at = NULL
        $$;

        -- Parked events asked to be replayed to this consumer, oldest first.
        CREATE FUNCTION @schema@.parked_replays(p_tenant text, p_name text, p_limit int) RETURNS SETOF bigint
        LANGUAGE sql STABLE AS $$
            SELECT p.position FROM @schema@.parked p
             WHERE p.tenant = p_tenant AND p.consumer = p_name AND p.state = 'replay' ORDER BY p.position LIMIT p_limit
        $$;

        -- A replayed event was handled: its parked row goes (the audit row of the replay stays).
        CREATE FUNCTION @schema@.parked_delivered(p_tenant text, p_name text, p_position bigint) RETURNS boolean
        LANGUAGE sql AS $$
            WITH d AS (DELETE FROM @schema@.parked
                        WHERE tenant = p_tenant AND consumer = p_name AND position = p_position AND state = 'replay' RETURNING 1)
            SELECT count(*) > 0 FROM d
        $$;

        """
}
