/// Version 6: the key-value store's changes of issue 17. A delete's outbox row carries the value that was
/// deleted (as zestor's delete events do), so a watcher sees what went away; `kv_value_jsonb` reads a value as
/// JSON for listing by value. Written with `CREATE OR REPLACE` so the unit is idempotent; `kv_delete`'s
/// signature and result are those of version 3.
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

        -- A KV value read as JSON (list by value: kv_value_jsonb(value) @> document); NULL when the bytes are not
        -- UTF-8 JSON (a value written with another codec). IMMUTABLE (convert_from with a fixed encoding depends
        -- only on its input), so an operator may index it (docs/sql.md).
        CREATE OR REPLACE FUNCTION @schema@.kv_value_jsonb(p_value bytea) RETURNS jsonb
        LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
        BEGIN
            RETURN convert_from(p_value, 'UTF8')::jsonb;
        EXCEPTION WHEN data_exception THEN
            RETURN NULL;
        END $$;
        """
}
