/// Version 3: state (replication bookmarks), key-value rows with a transactional outbox, prune audit.
enum StoreMigrations {
    static let v3Stores = """
        -- Outbox watchers by tenant and kind, slowest first (prune planning, the dashboard's outbox panel).
        CREATE INDEX cursors_outbox_kind ON @schema@.cursors (tenant, source, (filter ->> 'kind'), position);

        -- faucet-state: JSON bookmarks by key.
        CREATE TABLE @schema@.state (
            tenant      text NOT NULL,
            key         text NOT NULL,
            value       jsonb NOT NULL,
            updated_at  timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (tenant, key)
        );
        CREATE INDEX state_updated_at ON @schema@.state (updated_at);

        CREATE FUNCTION @schema@.check_state_key(p_key text) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
        BEGIN
            IF p_key IS NULL OR p_key !~ '^[A-Za-z0-9_:-][A-Za-z0-9_.:-]*$' OR length(p_key) > 256 THEN
                RAISE EXCEPTION 'invalid state key "%": ASCII letters, digits and _ - : . only, at most 256, not starting with "."',
                    left(coalesce(p_key, 'NULL'), 80) USING ERRCODE = @sqlstate_invalid_name@;
            END IF;
            RETURN p_key;
        END $$;

        -- Upserts a bookmark; returns its update time.
        CREATE FUNCTION @schema@.state_put(p_tenant text, p_key text, p_value jsonb) RETURNS timestamptz
        LANGUAGE plpgsql AS $$
        DECLARE v_at timestamptz;
        BEGIN
            PERFORM @schema@.tenant_ensure(p_tenant);
            PERFORM @schema@.check_state_key(p_key);
            IF p_value IS NULL THEN RAISE EXCEPTION 'state value must not be NULL' USING ERRCODE = @sqlstate_invalid_argument@; END IF;
            INSERT INTO @schema@.state AS s (tenant, key, value) VALUES (p_tenant, p_key, p_value)
            ON CONFLICT (tenant, key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()
            RETURNING s.updated_at INTO v_at;
            RETURN v_at;
        END $$;

        -- Deletes a bookmark; a missing key is not an error. Returns whether a row was deleted.
        CREATE FUNCTION @schema@.state_delete(p_tenant text, p_key text) RETURNS boolean LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM @schema@.check_state_key(p_key);
            DELETE FROM @schema@.state WHERE tenant = p_tenant AND key = p_key;
            RETURN FOUND;
        END $$;

        -- zestor: versioned key-value rows; every change writes an outbox row in the same transaction.
        CREATE SEQUENCE @schema@.outbox_position AS bigint MINVALUE 1 CACHE 1;

        CREATE TABLE @schema@.kv (
            tenant      text NOT NULL,
            kind        text NOT NULL,
            key         text NOT NULL,
            value       bytea NOT NULL,
            version     bigint NOT NULL,
            updated_at  timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (tenant, kind, key)
        );

        CREATE TABLE @schema@.outbox (
            id          bigint PRIMARY KEY,
            tenant      text NOT NULL,
            kind        text NOT NULL,
            key         text NOT NULL,
            op          text NOT NULL CHECK (op IN ('create', 'update', 'delete')),
            value       bytea,
            version     bigint NOT NULL,
            at          timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX outbox_tenant_kind_id ON @schema@.outbox (tenant, kind, id);
        CREATE INDEX outbox_tenant_kind_at ON @schema@.outbox (tenant, kind, at);

        -- Per tenant and kind, the outbox's head: kept by the write functions so the dashboard reads sizes
        -- without counting (rows = appended - pruned).
        CREATE TABLE @schema@.outbox_heads (
            tenant          text NOT NULL,
            kind            text NOT NULL,
            head_id         bigint NOT NULL DEFAULT 0,
            appended_total  bigint NOT NULL DEFAULT 0,
            pruned_total    bigint NOT NULL DEFAULT 0,
            updated_at      timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (tenant, kind)
        );

        CREATE FUNCTION @schema@.outbox_write(p_tenant text, p_kind text, p_key text, p_op text, p_value bytea,
                                              p_version bigint) RETURNS bigint LANGUAGE plpgsql AS $$
        DECLARE v_id bigint;
        BEGIN
            v_id := @schema@.allocate('outbox', '@schema@.outbox_position', 1);
            INSERT INTO @schema@.outbox (id, tenant, kind, key, op, value, version)
                 VALUES (v_id, p_tenant, p_kind, p_key, p_op, p_value, p_version);
            INSERT INTO @schema@.outbox_heads AS h (tenant, kind, head_id, appended_total) VALUES (p_tenant, p_kind, v_id, 1)
            ON CONFLICT (tenant, kind) DO UPDATE SET head_id = greatest(h.head_id, EXCLUDED.head_id),
                appended_total = h.appended_total + 1, updated_at = now();
            PERFORM pg_notify(@channel_outbox@, p_tenant || ' ' || p_kind || ' ' || v_id);
            RETURN v_id;
        END $$;

        -- Sets a key. Returns 'created', 'updated' or 'unchanged' (an unchanged value writes and emits nothing),
        -- the row's version and the outbox id (NULL when unchanged).
        CREATE FUNCTION @schema@.kv_set(p_tenant text, p_kind text, p_key text, p_value bytea)
            RETURNS TABLE (result text, version bigint, outbox_id bigint) LANGUAGE plpgsql AS $$
        #variable_conflict use_column
        DECLARE v_old bytea; v_version bigint; v_id bigint;
        BEGIN
            PERFORM @schema@.tenant_ensure(p_tenant);
            PERFORM @schema@.check_name('kind', p_kind, 200);
            PERFORM @schema@.check_name('key', p_key, 512);
            IF p_value IS NULL THEN RAISE EXCEPTION 'value must not be NULL' USING ERRCODE = @sqlstate_invalid_argument@; END IF;
            SELECT k.value, k.version INTO v_old, v_version FROM @schema@.kv k
             WHERE k.tenant = p_tenant AND k.kind = p_kind AND k.key = p_key FOR UPDATE;
            IF FOUND THEN
                IF v_old = p_value THEN
                    result := 'unchanged'; version := v_version; outbox_id := NULL; RETURN NEXT; RETURN;
                END IF;
                UPDATE @schema@.kv k SET value = p_value, version = v_version + 1, updated_at = now()
                 WHERE k.tenant = p_tenant AND k.kind = p_kind AND k.key = p_key;
                v_id := @schema@.outbox_write(p_tenant, p_kind, p_key, 'update', p_value, v_version + 1);
                result := 'updated'; version := v_version + 1; outbox_id := v_id; RETURN NEXT; RETURN;
            END IF;
            INSERT INTO @schema@.kv (tenant, kind, key, value, version) VALUES (p_tenant, p_kind, p_key, p_value, 1)
            ON CONFLICT DO NOTHING;
            IF NOT FOUND THEN
                -- created concurrently: retry as an update under the row lock
                RETURN QUERY SELECT * FROM @schema@.kv_set(p_tenant, p_kind, p_key, p_value);
                RETURN;
            END IF;
            v_id := @schema@.outbox_write(p_tenant, p_kind, p_key, 'create', p_value, 1);
            result := 'created'; version := 1; outbox_id := v_id; RETURN NEXT;
        END $$;

        -- Deletes a key; returns the previous value and version (no row when the key did not exist).
        CREATE FUNCTION @schema@.kv_delete(p_tenant text, p_kind text, p_key text)
            RETURNS TABLE (previous bytea, version bigint, outbox_id bigint) LANGUAGE plpgsql AS $$
        #variable_conflict use_column
        DECLARE v_old bytea; v_version bigint;
        BEGIN
            PERFORM @schema@.check_name('kind', p_kind, 200);
            PERFORM @schema@.check_name('key', p_key, 512);
            DELETE FROM @schema@.kv k WHERE k.tenant = p_tenant AND k.kind = p_kind AND k.key = p_key
            RETURNING k.value, k.version INTO v_old, v_version;
            IF NOT FOUND THEN RETURN; END IF;
            previous := v_old;
            version := v_version + 1;
            outbox_id := @schema@.outbox_write(p_tenant, p_kind, p_key, 'delete', NULL, v_version + 1);
            RETURN NEXT;
        END $$;

        CREATE FUNCTION @schema@.outbox_safe_position() RETURNS bigint LANGUAGE sql VOLATILE AS $$
            SELECT @schema@.safe_position('outbox', '@schema@.outbox_position')
        $$;

        -- Reads a tenant's outbox rows of one kind after p_after (gap-free, like read_all), optionally by op.
        CREATE FUNCTION @schema@.outbox_read(p_tenant text, p_kind text, p_after bigint, p_limit int,
                                             p_ops text[] DEFAULT NULL) RETURNS SETOF @schema@.outbox
        LANGUAGE plpgsql VOLATILE AS $$
        DECLARE v_safe bigint;
        BEGIN
            v_safe := @schema@.outbox_safe_position();
            RETURN QUERY SELECT o.* FROM @schema@.outbox o
             WHERE o.tenant = p_tenant AND o.kind = p_kind AND o.id > p_after AND o.id <= v_safe
               AND (p_ops IS NULL OR o.op = ANY (p_ops))
             ORDER BY o.id LIMIT greatest(p_limit, 1);
        END $$;

        -- One audit row per prune (safe or forced), written by outbox_prune_finish.
        CREATE TABLE @schema@.prune_audit (
            id              bigserial PRIMARY KEY,
            started_at      timestamptz NOT NULL,
            finished_at     timestamptz NOT NULL DEFAULT now(),
            by_user         text NOT NULL DEFAULT current_user,
            by_application  text NOT NULL DEFAULT current_setting('application_name'),
            tenant          text NOT NULL,
            kind            text NOT NULL,
            mode            text NOT NULL CHECK (mode IN ('safe', 'forced')),
            older_than      timestamptz,
            upto_id         bigint,
            first_id        bigint,
            last_id         bigint,
            rows_deleted    bigint NOT NULL,
            batches         int NOT NULL,
            duration_ms     double precision NOT NULL,
            cancelled       boolean NOT NULL DEFAULT false,
            missed_watchers jsonb NOT NULL DEFAULT '[]'
        );

        -- Deletes one batch of a tenant's outbox rows of one kind with id <= p_upto (and at < p_older_than when
        -- given), skipping rows locked by others, under a lock timeout; returns how many and the id range.
        CREATE FUNCTION @schema@.outbox_prune_batch(p_tenant text, p_kind text, p_upto bigint, p_older_than timestamptz,
                                                    p_batch int, p_lock_timeout_ms int DEFAULT 1000)
            RETURNS TABLE (deleted int, first_id bigint, last_id bigint) LANGUAGE plpgsql AS $$
        #variable_conflict use_column
        BEGIN
            PERFORM set_config('lock_timeout', p_lock_timeout_ms || 'ms', true);
            RETURN QUERY
            WITH victims AS (
                SELECT o.id FROM @schema@.outbox o
                 WHERE o.tenant = p_tenant AND o.kind = p_kind AND o.id <= p_upto
                   AND (p_older_than IS NULL OR o.at < p_older_than)
                 ORDER BY o.id LIMIT greatest(p_batch, 1) FOR UPDATE SKIP LOCKED
            ), d AS (
                DELETE FROM @schema@.outbox o USING victims v WHERE o.id = v.id RETURNING o.id
            ), h AS (
                UPDATE @schema@.outbox_heads SET pruned_total = pruned_total + (SELECT count(*) FROM d)
                 WHERE tenant = p_tenant AND kind = p_kind RETURNING 1
            )
            SELECT count(*)::int, min(d.id), max(d.id) FROM d LEFT JOIN (SELECT count(*) FROM h) hh ON true;
        END $$;

        CREATE FUNCTION @schema@.outbox_prune_finish(p_started_at timestamptz, p_tenant text, p_kind text, p_mode text,
            p_older_than timestamptz, p_upto bigint, p_first bigint, p_last bigint, p_rows bigint, p_batches int,
            p_duration_ms double precision, p_cancelled boolean, p_missed jsonb) RETURNS bigint LANGUAGE sql AS $$
            INSERT INTO @schema@.prune_audit (started_at, tenant, kind, mode, older_than, upto_id, first_id, last_id,
                rows_deleted, batches, duration_ms, cancelled, missed_watchers)
            VALUES (p_started_at, p_tenant, p_kind, p_mode, p_older_than, p_upto, p_first, p_last, p_rows, p_batches,
                p_duration_ms, p_cancelled, coalesce(p_missed, '[]'))
            RETURNING id
        $$;
        """
}
