/// Version 2: the event log (factstr + eventcore, without their weaknesses). See docs/sql.md.
///
/// Gap-free global order, by registration (measured against a table lock, see docs/architecture.md):
/// a writer takes a short session lock (`alloc`), reads the sequence's last value k, registers itself with a
/// shared transaction-level advisory lock keyed by k (visible in pg_locks until it commits or aborts), takes
/// a contiguous block of positions, and drops the short lock. Writers do their slow part (inserts, index
/// updates, commit) in parallel. A reader delivers only positions ≤ min(last allocated, smallest registered k),
/// so it can never pass a position that an in-flight writer will still commit.
enum EventMigrations {
    /// Version 2 as applied: the tables and the gap-free order helpers, then the write and read functions.
    static let v2Events = v2Order + "\n\n" + v2Functions

    /// Version 2, first part: streams, events, cursors, and the registration scheme (allocate, safe_position).
    static let v2Order = """
        CREATE SEQUENCE @schema@.event_position AS bigint MINVALUE 1 CACHE 1;

        CREATE TABLE @schema@.streams (
            tenant          text NOT NULL,
            stream          text NOT NULL,
            version         bigint NOT NULL,
            head_position   bigint NOT NULL,
            created_at      timestamptz NOT NULL DEFAULT now(),
            updated_at      timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (tenant, stream)
        );
        CREATE INDEX streams_updated_at ON @schema@.streams (updated_at DESC);
        CREATE INDEX streams_tenant_updated_at ON @schema@.streams (tenant, updated_at DESC);

        CREATE TABLE @schema@.events (
            position        bigint PRIMARY KEY,
            tenant          text NOT NULL,
            stream          text NOT NULL,
            version         bigint NOT NULL,
            type            text NOT NULL,
            payload         jsonb NOT NULL,
            metadata        jsonb NOT NULL DEFAULT '{}',
            batch_first     bigint,
            batch_size      int NOT NULL DEFAULT 1,
            recorded_at     timestamptz NOT NULL DEFAULT now(),
            UNIQUE (tenant, stream, version)
        );
        CREATE INDEX events_tenant_position ON @schema@.events (tenant, position);
        CREATE INDEX events_tenant_type_position ON @schema@.events (tenant, type, position);
        CREATE INDEX events_payload ON @schema@.events USING gin (payload jsonb_path_ops);

        CREATE FUNCTION @schema@.events_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'events are immutable: % is not allowed on %.events', TG_OP, TG_TABLE_SCHEMA
                USING ERRCODE = @sqlstate_immutable@;
        END $$;
        CREATE TRIGGER events_no_update_delete BEFORE UPDATE OR DELETE ON @schema@.events
            FOR EACH ROW EXECUTE FUNCTION @schema@.events_immutable();
        CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON @schema@.events
            FOR EACH STATEMENT EXECUTE FUNCTION @schema@.events_immutable();

        -- Durable consumers (event subscriptions and outbox watchers): position, filter, owner, heartbeat.
        CREATE TABLE @schema@.cursors (
            tenant              text NOT NULL,
            name                text NOT NULL,
            source              text NOT NULL CHECK (source IN ('events', 'outbox')),
            filter              jsonb NOT NULL DEFAULT '{}',
            position            bigint NOT NULL DEFAULT 0,
            owner_application   text,
            owner_host          text,
            owner_pid           int,
            owner_backend_pid   int,
            heartbeat_at        timestamptz,
            moved_at            timestamptz,
            created_at          timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (tenant, name)
        );

        -- Gap-free allocation, shared by the event log ('events') and the outbox ('outbox'): takes p_n contiguous
        -- values of p_seq, registered before they are taken (see safe_position).
        CREATE FUNCTION @schema@.allocate(p_key text, p_seq regclass, p_n int) RETURNS bigint
        LANGUAGE plpgsql AS $$
        DECLARE
            v_k bigint;
            v_first bigint;
            v_alloc int := hashtext(@lock_alloc_of_p_key@);
        BEGIN
            PERFORM pg_advisory_lock(v_alloc, 0);
            BEGIN
                v_k := coalesce(pg_catalog.pg_sequence_last_value(p_seq), 0);
                PERFORM pg_advisory_xact_lock_shared(hashtext(@lock_reg_of_p_key@), (v_k::bit(32))::int);
                v_first := nextval(p_seq);
                IF p_n > 1 THEN
                    PERFORM setval(p_seq, v_first + p_n - 1, true);
                END IF;
                PERFORM pg_advisory_unlock(v_alloc, 0);
            EXCEPTION WHEN OTHERS OR query_canceled THEN
                PERFORM pg_advisory_unlock(v_alloc, 0);
                RAISE;
            END;
            RETURN v_first;
        END $$;

        -- The highest value of p_seq a reader may deliver without ever skipping one that commits later:
        -- min(last allocated, smallest key registered by a writer still in flight).
        CREATE FUNCTION @schema@.safe_position(p_key text, p_seq regclass) RETURNS bigint
        LANGUAGE plpgsql VOLATILE AS $$
        DECLARE
            v_head bigint;
            v_low bigint;
        BEGIN
            v_head := coalesce(pg_catalog.pg_sequence_last_value(p_seq), 0);
            SELECT min(v_head - (((v_head - l.objid::bigint) % 4294967296) + 4294967296) % 4294967296) INTO v_low
              FROM pg_catalog.pg_locks l
             WHERE l.locktype = 'advisory' AND l.objsubid = 2
               AND l.classid = ((hashtext(@lock_reg_of_p_key@)::bigint) & 4294967295)::oid
               AND l.database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database());
            RETURN least(v_head, coalesce(v_low, v_head));
        END $$;

        -- Backends holding delivery back (their registration is the lowest), for storetop.
        CREATE FUNCTION @schema@.blockers(p_key text, p_seq regclass)
            RETURNS TABLE (pid int, registered_after bigint) LANGUAGE plpgsql VOLATILE AS $$
        DECLARE v_head bigint;
        BEGIN
            v_head := coalesce(pg_catalog.pg_sequence_last_value(p_seq), 0);
            RETURN QUERY SELECT l.pid, v_head - (((v_head - l.objid::bigint) % 4294967296) + 4294967296) % 4294967296
              FROM pg_catalog.pg_locks l
             WHERE l.locktype = 'advisory' AND l.objsubid = 2
               AND l.classid = ((hashtext(@lock_reg_of_p_key@)::bigint) & 4294967295)::oid
               AND l.database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database())
             ORDER BY 2 LIMIT 20;
        END $$;

        CREATE FUNCTION @schema@.events_safe_position() RETURNS bigint LANGUAGE sql VOLATILE AS $$
            SELECT @schema@.safe_position('events', '@schema@.event_position')
        $$;

        CREATE FUNCTION @schema@.events_blockers() RETURNS TABLE (pid int, registered_after bigint)
        LANGUAGE sql VOLATILE AS $$
            SELECT * FROM @schema@.blockers('events', '@schema@.event_position')
        $$;

        -- Does an event match a query? A query is a JSON array of filters, OR-ed; a filter is
        -- {"types": [..], "payload": [ {..}, .. ]}: type in types (when given) AND payload @> every predicate.
        -- An empty array matches every event.
        CREATE FUNCTION @schema@.event_matches(p_type text, p_payload jsonb, p_query jsonb) RETURNS boolean
        LANGUAGE sql IMMUTABLE AS $$
            SELECT coalesce(jsonb_array_length(p_query), 0) = 0 OR EXISTS (
                SELECT 1 FROM jsonb_array_elements(p_query) f
                 WHERE (NOT (f.value ? 'types') OR jsonb_array_length(f.value -> 'types') = 0 OR (f.value -> 'types') ? p_type)
                   AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements(coalesce(f.value -> 'payload', '[]')) p
                                    WHERE NOT (p_payload @> p.value)))
        $$;
        """
}
