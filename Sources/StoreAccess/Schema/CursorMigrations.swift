/// Version 4: every durable consumer records, when it moves, the first row it has not handled yet (position and
/// time), so a dashboard reads a consumer's lag in seconds from the consumer's own row instead of probing the
/// event log or the outbox for every consumer that moved (docs/snapshot.md, "The first unhandled row, recorded when
/// a consumer moves").
///
/// The answer is exact, not a guess: `cursor_next` looks only at positions where every event of the tenant has
/// settled (up to the head when no append of the tenant is in flight, else up to the safe position), so no append
/// still in flight can later commit below the recorded row. `next_checked` is the position it looked up to: when no
/// row was found, the consumer has nothing unhandled up to there. `next_after` is the position the record was made
/// for: a position changed by hand (an UPDATE to replay a consumer) leaves a record for another position, which
/// readers ignore. For an outbox watcher, `next_pruned` is the outbox's pruned count at that moment: after a prune
/// the recorded row may be gone, and a reader must ask again.
enum CursorMigrations {
    static let v4CursorNext = """
        ALTER TABLE @schema@.cursors
            ADD COLUMN next_after    bigint,
            ADD COLUMN next_position bigint,
            ADD COLUMN next_at       timestamptz,
            ADD COLUMN next_checked  bigint,
            ADD COLUMN next_pruned   bigint;

        -- The first settled row a consumer at p_position has not handled: its position (or outbox id) and time, the
        -- position looked up to (every row up to it has settled), and (outbox) the outbox's pruned count.
        -- next_position is NULL when nothing is unhandled up to next_checked; everything is NULL when nothing is known.
        CREATE FUNCTION @schema@.cursor_next(p_tenant text, p_source text, p_kind text, p_position bigint,
            OUT next_after bigint, OUT next_position bigint, OUT next_at timestamptz, OUT next_checked bigint, OUT next_pruned bigint)
        LANGUAGE plpgsql VOLATILE AS $$
        BEGIN
            -- Under repeatable read the probe would see an older snapshot than the checks below: record nothing
            -- (a reader then asks itself).
            IF current_setting('transaction_isolation') <> 'read committed' THEN RETURN; END IF;
            next_after := p_position;
            IF p_source = 'events' THEN
                -- Every append of a tenant holds the tenant's lock (shared) from before it takes positions until it
                -- ends. Read the head, then try the lock exclusively: taken means no append of the tenant was in
                -- flight, so each of its events up to that head has settled. Released at once (it is only a probe);
                -- when an append holds it, fall back to the safe position (one pass over pg_locks).
                next_checked := coalesce(pg_catalog.pg_sequence_last_value('@schema@.event_position'), 0);
                IF pg_try_advisory_lock(hashtext(@lock_tenant@), hashtext(p_tenant)) THEN
                    PERFORM pg_advisory_unlock(hashtext(@lock_tenant@), hashtext(p_tenant));
                ELSE
                    next_checked := @schema@.events_safe_position();
                END IF;
                SELECT e.position, e.recorded_at INTO next_position, next_at FROM @schema@.events e
                 WHERE e.tenant = p_tenant AND e.position > p_position AND e.position <= next_checked
                 ORDER BY e.position LIMIT 1;
            ELSE
                next_checked := @schema@.outbox_safe_position();
                SELECT h.pruned_total INTO next_pruned FROM @schema@.outbox_heads h
                 WHERE h.tenant = p_tenant AND h.kind = p_kind;
                next_pruned := coalesce(next_pruned, 0);
                SELECT o.id, o.at INTO next_position, next_at FROM @schema@.outbox o
                 WHERE o.tenant = p_tenant AND o.kind = p_kind AND o.id > p_position AND o.id <= next_checked
                 ORDER BY o.id LIMIT 1;
            END IF;
        END $$;

        -- Moves a durable consumer's position (after its handler succeeded), refreshes its heartbeat and records its
        -- first unhandled row (cursor_next).
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
            UPDATE @schema@.cursors SET position = p_position, moved_at = now(), heartbeat_at = now(),
                   next_after = v_next.next_after, next_position = v_next.next_position, next_at = v_next.next_at,
                   next_checked = v_next.next_checked, next_pruned = v_next.next_pruned
             WHERE tenant = p_tenant AND name = p_name;
            IF NOT FOUND THEN
                RAISE EXCEPTION 'no consumer "%" for tenant "%"', p_name, p_tenant USING ERRCODE = @sqlstate_not_found@;
            END IF;
        END $$;

        -- As in version 2, and a consumer opened for the first time (or never moved since version 4) records its
        -- first unhandled row too.
        CREATE OR REPLACE FUNCTION @schema@.cursor_open(p_tenant text, p_name text, p_source text, p_filter jsonb,
                                             p_application text, p_host text, p_pid int) RETURNS bigint
        LANGUAGE plpgsql AS $$
        DECLARE v_filter jsonb; v_source text; v_position bigint; v_checked bigint; v_next record;
            v_after bigint; v_np bigint; v_at timestamptz; v_pruned bigint;
        BEGIN
            PERFORM @schema@.tenant_ensure(p_tenant);
            PERFORM @schema@.check_name('consumer', p_name, 200);
            INSERT INTO @schema@.cursors (tenant, name, source, filter, position)
                 VALUES (p_tenant, p_name, p_source, coalesce(p_filter, '{}'), 0) ON CONFLICT DO NOTHING;
            SELECT c.filter, c.source, c.position, c.next_checked INTO v_filter, v_source, v_position, v_checked
              FROM @schema@.cursors c WHERE c.tenant = p_tenant AND c.name = p_name FOR UPDATE;
            IF v_source <> p_source OR v_filter <> coalesce(p_filter, '{}') THEN
                RAISE EXCEPTION 'consumer "%" of tenant "%" exists with another source or filter (% %), not (% %)',
                    p_name, p_tenant, v_source, v_filter, p_source, coalesce(p_filter, '{}') USING ERRCODE = @sqlstate_invalid_argument@;
            END IF;
            IF v_checked IS NULL THEN
                v_next := @schema@.cursor_next(p_tenant, v_source, v_filter ->> 'kind', v_position);
                v_after := v_next.next_after; v_np := v_next.next_position; v_at := v_next.next_at;
                v_checked := v_next.next_checked; v_pruned := v_next.next_pruned;
                UPDATE @schema@.cursors SET next_after = v_after, next_position = v_np, next_at = v_at, next_checked = v_checked, next_pruned = v_pruned,
                       owner_application = p_application, owner_host = p_host, owner_pid = p_pid,
                       owner_backend_pid = pg_backend_pid(), heartbeat_at = now()
                 WHERE tenant = p_tenant AND name = p_name;
            ELSE
                UPDATE @schema@.cursors SET owner_application = p_application, owner_host = p_host, owner_pid = p_pid,
                       owner_backend_pid = pg_backend_pid(), heartbeat_at = now()
                 WHERE tenant = p_tenant AND name = p_name;
            END IF;
            RETURN v_position;
        END $$;

        -- Consumers that existed before version 4: one index probe each, once.
        UPDATE @schema@.cursors c SET (next_after, next_position, next_at, next_checked, next_pruned) =
               (SELECT n.* FROM @schema@.cursor_next(c.tenant, c.source, c.filter ->> 'kind', c.position) n);
        """
}
