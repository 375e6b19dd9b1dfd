/// Version 6: the key-value store's changes of issue 17. A delete's outbox row carries the value that was
/// deleted (as zestor's delete events do), so a watcher sees what went away. Written with `CREATE OR REPLACE`
/// so the unit is idempotent; the function's signature and result are those of version 3.
enum StoreMigrationsV6 {
    static let v6KV = """
    -- Deletes a key; returns the previous value and version (no row when the key did not exist). The outbox row
    -- of the delete carries the previous value (version 3 wrote NULL).
    CREATE OR REPLACE FUNCTION @schema@.kv_delete(p_tenant text, p_kind text, p_key text)
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
        outbox_id := @schema@.outbox_write(p_tenant, p_kind, p_key, 'delete', v_old, v_version + 1);
        RETURN NEXT;
    END $$;
    """
}
