/// Version 7: a prune is audited while it runs (issue 16). Before, the audit row was written once at the end, so a
/// prune stopped by a signal or `kill -9` deleted rows without a trace. Now the row is written first (`running`),
/// every batch deletes and updates it in one statement (one transaction), and the end marks it `done`,
/// `cancelled` or `failed`: whatever stops the process, the row says what committed. Idempotent like version 5.
enum StoreMigrationsV7 {
    static let v7PruneAudit = """
        -- running: still going, or the process died (finished_at is then its last committed batch); done: every
        -- planned row that could be deleted was; cancelled: stopped by the caller (or a signal); failed: an error
        -- stopped it. `cancelled` stays true for everything but done, for readers of version 3.
        ALTER TABLE @schema@.prune_audit ADD COLUMN IF NOT EXISTS status text NOT NULL DEFAULT 'done';
        DO $$ BEGIN
            ALTER TABLE @schema@.prune_audit ADD CONSTRAINT prune_audit_status
                CHECK (status IN ('running', 'done', 'cancelled', 'failed'));
        EXCEPTION WHEN duplicate_object THEN NULL;
        END $$;
        UPDATE @schema@.prune_audit SET status = 'cancelled' WHERE cancelled AND status = 'done';

        -- Opens the audit row of a prune before its first batch; returns its id.
        CREATE OR REPLACE FUNCTION @schema@.outbox_prune_begin(p_started_at timestamptz, p_tenant text, p_kind text,
            p_mode text, p_older_than timestamptz, p_upto bigint, p_missed jsonb) RETURNS bigint LANGUAGE sql AS $$
            INSERT INTO @schema@.prune_audit (started_at, tenant, kind, mode, older_than, upto_id, rows_deleted, batches,
                duration_ms, cancelled, missed_watchers, status)
            VALUES (p_started_at, p_tenant, p_kind, p_mode, p_older_than, p_upto, 0, 0, 0, true, coalesce(p_missed, '[]'),
                'running')
            RETURNING id
        $$;

        -- One batch (outbox_prune_batch) and its audit in the same transaction: the row counts exactly what
        -- committed. Refuses (and so deletes nothing) unless p_audit is a running prune of this tenant and kind.
        CREATE OR REPLACE FUNCTION @schema@.outbox_prune_step(p_audit bigint, p_tenant text, p_kind text, p_upto bigint,
            p_older_than timestamptz, p_batch int, p_lock_timeout_ms int, p_elapsed_ms double precision)
            RETURNS TABLE (deleted int, first_id bigint, last_id bigint) LANGUAGE plpgsql AS $$
        #variable_conflict use_column
        DECLARE r record;
        BEGIN
            PERFORM 1 FROM @schema@.prune_audit a
             WHERE a.id = p_audit AND a.tenant = p_tenant AND a.kind = p_kind AND a.status = 'running' FOR UPDATE;
            IF NOT FOUND THEN
                RAISE EXCEPTION 'prune audit row % is not a running prune of %/%', p_audit, p_tenant, p_kind;
            END IF;
            SELECT b.deleted, b.first_id, b.last_id INTO r
              FROM @schema@.outbox_prune_batch(p_tenant, p_kind, p_upto, p_older_than, p_batch, p_lock_timeout_ms) b;
            IF r.deleted > 0 THEN
                UPDATE @schema@.prune_audit a
                   SET rows_deleted = a.rows_deleted + r.deleted, batches = a.batches + 1,
                       first_id = coalesce(a.first_id, r.first_id), last_id = r.last_id, finished_at = now(),
                       duration_ms = p_elapsed_ms
                 WHERE a.id = p_audit;
            END IF;
            RETURN QUERY SELECT r.deleted, r.first_id, r.last_id;
        END $$;

        -- Closes the audit row of a running prune as done, cancelled or failed; returns its id (none when it was
        -- not running).
        CREATE OR REPLACE FUNCTION @schema@.outbox_prune_end(p_audit bigint, p_status text, p_elapsed_ms double precision)
            RETURNS bigint LANGUAGE sql AS $$
            UPDATE @schema@.prune_audit SET status = p_status, cancelled = p_status <> 'done', finished_at = now(),
                   duration_ms = p_elapsed_ms
             WHERE id = p_audit AND status = 'running'
            RETURNING id
        $$;
        """
}
