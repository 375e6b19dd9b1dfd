/// Version 9 (issue 21): consumers are operated, not only watched. One audit table for every action that changes
/// data (prune's audit moves into it; `prune_audit` stays as a view with its old columns), a pause flag the consumer
/// loop honours, an epoch that tells a running loop its position was moved under it, the handler's failure recorded
/// on the cursor (so a stuck consumer says why), and parked events: a handler's poison event set aside with its
/// error, replayed to that consumer only or discarded. Every operation is a SQL function, so consumers and tools in
/// any language use the same rules (docs/operations.md, docs/sql.md).
enum ConsumerOpsMigrations {
    static let v9ConsumerOps = auditTable + cursorColumns + ConsumerOpsFunctions.loop + ConsumerOpsFunctions.actions

    static let auditTable = """
        -- Every action that changes data: prune, rewind, skip, reset, pause, resume, replay, discard. Written before or
        -- in the same transaction as the change, so whatever stops the process, the row says what committed.
        CREATE TABLE @schema@.actions_audit (
            id              bigserial PRIMARY KEY,
            action          text NOT NULL CHECK (action IN ('prune', 'rewind', 'skip', 'reset', 'pause', 'resume', 'replay', 'discard')),
            status          text NOT NULL CHECK (status IN ('running', 'done', 'cancelled', 'failed')),
            tenant          text NOT NULL,
            target          text NOT NULL,
            from_position   bigint,
            to_position     bigint,
            rows            bigint NOT NULL DEFAULT 0,
            reason          text NOT NULL DEFAULT '',
            detail          jsonb NOT NULL DEFAULT '{}',
            by_user         text NOT NULL DEFAULT current_user,
            by_application  text NOT NULL DEFAULT current_setting('application_name'),
            started_at      timestamptz NOT NULL DEFAULT now(),
            finished_at     timestamptz
        );
        CREATE INDEX actions_audit_target ON @schema@.actions_audit (tenant, target, action, id);

        -- Prune's rows move in, with their ids.
        INSERT INTO @schema@.actions_audit (id, action, status, tenant, target, from_position, to_position, rows, detail,
               by_user, by_application, started_at, finished_at)
        SELECT p.id, 'prune', p.status, p.tenant, p.kind, p.first_id, p.last_id, p.rows_deleted,
               jsonb_build_object('mode', p.mode, 'older_than', p.older_than, 'upto_id', p.upto_id, 'batches', p.batches,
                                  'duration_ms', p.duration_ms, 'missed_watchers', p.missed_watchers),
               p.by_user, p.by_application, p.started_at, p.finished_at
          FROM @schema@.prune_audit p ORDER BY p.id;
        -- (the sequence named through the table's own oid: the schema's name is never spelled inside a literal)
        SELECT setval(pg_get_serial_sequence(a.tableoid::regclass::text, 'id'), m.max_id)
          FROM (SELECT max(id) AS max_id FROM @schema@.actions_audit) m,
               LATERAL (SELECT tableoid FROM @schema@.actions_audit LIMIT 1) a;
        DROP TABLE @schema@.prune_audit;

        -- Readers of versions 3 to 8 keep their columns.
        CREATE VIEW @schema@.prune_audit AS
        SELECT a.id, a.started_at, coalesce(a.finished_at, a.started_at) AS finished_at, a.by_user, a.by_application,
               a.tenant, a.target AS kind, a.detail ->> 'mode' AS mode, (a.detail ->> 'older_than')::timestamptz AS older_than,
               (a.detail ->> 'upto_id')::bigint AS upto_id, a.from_position AS first_id, a.to_position AS last_id,
               a.rows AS rows_deleted, coalesce((a.detail ->> 'batches')::int, 0) AS batches,
               coalesce((a.detail ->> 'duration_ms')::float8, 0) AS duration_ms, a.status <> 'done' AS cancelled,
               coalesce(a.detail -> 'missed_watchers', '[]') AS missed_watchers, a.status, a.reason
          FROM @schema@.actions_audit a WHERE a.action = 'prune';

        -- The prune functions of version 7, writing to actions_audit; begin takes the reason (a retention policy).
        DROP FUNCTION IF EXISTS @schema@.outbox_prune_begin(timestamptz, text, text, text, timestamptz, bigint, jsonb);
        CREATE FUNCTION @schema@.outbox_prune_begin(p_started_at timestamptz, p_tenant text, p_kind text,
            p_mode text, p_older_than timestamptz, p_upto bigint, p_missed jsonb, p_reason text DEFAULT '') RETURNS bigint
        LANGUAGE sql AS $$
            INSERT INTO @schema@.actions_audit (action, status, tenant, target, reason, started_at, detail)
            VALUES ('prune', 'running', p_tenant, p_kind, coalesce(p_reason, ''), p_started_at,
                    jsonb_build_object('mode', p_mode, 'older_than', p_older_than, 'upto_id', p_upto, 'batches', 0,
                                       'duration_ms', 0, 'missed_watchers', coalesce(p_missed, '[]')))
            RETURNING id
        $$;

        CREATE OR REPLACE FUNCTION @schema@.outbox_prune_step(p_audit bigint, p_tenant text, p_kind text, p_upto bigint,
            p_older_than timestamptz, p_batch int, p_lock_timeout_ms int, p_elapsed_ms double precision)
            RETURNS TABLE (deleted int, first_id bigint, last_id bigint) LANGUAGE plpgsql AS $$
        #variable_conflict use_column
        DECLARE r record;
        BEGIN
            PERFORM 1 FROM @schema@.actions_audit a
             WHERE a.id = p_audit AND a.action = 'prune' AND a.tenant = p_tenant AND a.target = p_kind
               AND a.status = 'running' FOR UPDATE;
            IF NOT FOUND THEN
                RAISE EXCEPTION 'prune audit row % is not a running prune of %/%', p_audit, p_tenant, p_kind;
            END IF;
            SELECT b.deleted, b.first_id, b.last_id INTO r
              FROM @schema@.outbox_prune_batch(p_tenant, p_kind, p_upto, p_older_than, p_batch, p_lock_timeout_ms) b;
            IF r.deleted > 0 THEN
                UPDATE @schema@.actions_audit a
                   SET rows = a.rows + r.deleted, from_position = coalesce(a.from_position, r.first_id),
                       to_position = r.last_id, finished_at = now(),
                       detail = a.detail || jsonb_build_object('batches', coalesce((a.detail ->> 'batches')::int, 0) + 1,
                                                               'duration_ms', p_elapsed_ms)
                 WHERE a.id = p_audit;
            END IF;
            RETURN QUERY SELECT r.deleted, r.first_id, r.last_id;
        END $$;

        CREATE OR REPLACE FUNCTION @schema@.outbox_prune_end(p_audit bigint, p_status text, p_elapsed_ms double precision)
            RETURNS bigint LANGUAGE sql AS $$
            UPDATE @schema@.actions_audit SET status = p_status, finished_at = now(),
                   detail = detail || jsonb_build_object('duration_ms', p_elapsed_ms)
             WHERE id = p_audit AND action = 'prune' AND status = 'running'
            RETURNING id
        $$;

        -- Version 3's one-shot audit, kept for SQL callers.
        CREATE OR REPLACE FUNCTION @schema@.outbox_prune_finish(p_started_at timestamptz, p_tenant text, p_kind text, p_mode text,
            p_older_than timestamptz, p_upto bigint, p_first bigint, p_last bigint, p_rows bigint, p_batches int,
            p_duration_ms double precision, p_cancelled boolean, p_missed jsonb) RETURNS bigint LANGUAGE sql AS $$
            INSERT INTO @schema@.actions_audit (action, status, tenant, target, from_position, to_position, rows, started_at,
                   finished_at, detail)
            VALUES ('prune', CASE WHEN p_cancelled THEN 'cancelled' ELSE 'done' END, p_tenant, p_kind, p_first, p_last, p_rows,
                    p_started_at, now(), jsonb_build_object('mode', p_mode, 'older_than', p_older_than, 'upto_id', p_upto,
                    'batches', p_batches, 'duration_ms', p_duration_ms, 'missed_watchers', coalesce(p_missed, '[]')))
            RETURNING id
        $$;

        """

    static let cursorColumns = """
        -- paused_at: a pause was asked for (the loop stops before its next batch); loop_state: what the loop itself
        -- last said ('paused' acknowledges the pause); epoch: +1 by every move, so a running loop re-reads its
        -- position; on_failure / max_attempts: the consumer's policy, as its code set it; failing_*: the position its
        -- handler fails at now, cleared when the cursor passes it.
        ALTER TABLE @schema@.cursors
            ADD COLUMN paused_at        timestamptz,
            ADD COLUMN paused_by        text,
            ADD COLUMN pause_reason     text,
            ADD COLUMN loop_state       text,
            ADD COLUMN epoch            bigint NOT NULL DEFAULT 0,
            ADD COLUMN on_failure       text NOT NULL DEFAULT 'stop' CHECK (on_failure IN ('stop', 'park')),
            ADD COLUMN max_attempts     int NOT NULL DEFAULT 5,
            ADD COLUMN failing_position bigint,
            ADD COLUMN failing_error    text,
            ADD COLUMN failing_attempts int,
            ADD COLUMN failing_since    timestamptz,
            ADD COLUMN failing_at       timestamptz;

        -- Events (or outbox rows) a consumer's handler gave up on, by its policy. 'replay': asked to be delivered
        -- again; the consumer takes it at its next batch and deletes the row when its handler succeeded.
        CREATE TABLE @schema@.parked (
            tenant              text NOT NULL,
            consumer            text NOT NULL,
            position            bigint NOT NULL,
            stream              text NOT NULL,
            type                text NOT NULL,
            error               text NOT NULL,
            attempts            int NOT NULL,
            first_failed_at     timestamptz NOT NULL,
            last_failed_at      timestamptz NOT NULL,
            parked_at           timestamptz NOT NULL DEFAULT now(),
            state               text NOT NULL DEFAULT 'parked' CHECK (state IN ('parked', 'replay')),
            replay_requested_at timestamptz,
            PRIMARY KEY (tenant, consumer, position),
            FOREIGN KEY (tenant, consumer) REFERENCES @schema@.cursors (tenant, name) ON DELETE CASCADE
        );

        """
}
