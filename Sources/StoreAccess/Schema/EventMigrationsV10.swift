/// Version 10: a registration made after the reader read the head no longer looks 2^32 positions behind it.
///
/// `safe_position()` reads the head, then the registrations in pg_locks. A writer that registers between the two
/// reads registers at or above that head, and the modular arithmetic of version 2 (which assumed every
/// registration is at or below the head) turned it into `head − 2^32`: a negative safe position, so a reader saw
/// nothing deliverable and a prune planned nothing (CI's ThreadSanitizer run caught it, writers running beside a
/// prune). Now the low 32 bits are compared as a signed difference: a key up to 2^31 above the head's bits is a
/// registration after the head was read and holds back nothing the reader saw. In-flight writers are never 2^31
/// positions apart. Idempotent (CREATE OR REPLACE, same signatures).
enum EventMigrationsV10 {
    static let v10SafePosition = """
        CREATE OR REPLACE FUNCTION @schema@.registered_after(p_head bigint, p_key bigint) RETURNS bigint
        LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
            SELECT p_head - CASE WHEN d >= 2147483648 THEN 0 ELSE d END
              FROM (SELECT (((p_head - p_key) % 4294967296) + 4294967296) % 4294967296 AS d) x
        $$;

        CREATE OR REPLACE FUNCTION @schema@.safe_position(p_key text, p_seq regclass) RETURNS bigint
        LANGUAGE plpgsql VOLATILE AS $$
        DECLARE
            v_head bigint;
            v_low bigint;
        BEGIN
            v_head := coalesce(pg_catalog.pg_sequence_last_value(p_seq), 0);
            SELECT min(@schema@.registered_after(v_head, l.objid::bigint)) INTO v_low
              FROM pg_catalog.pg_locks l
             WHERE l.locktype = 'advisory' AND l.objsubid = 2
               AND l.classid = ((hashtext(@lock_reg_of_p_key@)::bigint) & 4294967295)::oid
               AND l.database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database());
            RETURN least(v_head, coalesce(v_low, v_head));
        END $$;

        CREATE OR REPLACE FUNCTION @schema@.blockers(p_key text, p_seq regclass)
            RETURNS TABLE (pid int, registered_after bigint) LANGUAGE plpgsql VOLATILE AS $$
        DECLARE v_head bigint;
        BEGIN
            v_head := coalesce(pg_catalog.pg_sequence_last_value(p_seq), 0);
            RETURN QUERY SELECT l.pid, @schema@.registered_after(v_head, l.objid::bigint)
              FROM pg_catalog.pg_locks l
             WHERE l.locktype = 'advisory' AND l.objsubid = 2
               AND l.classid = ((hashtext(@lock_reg_of_p_key@)::bigint) & 4294967295)::oid
               AND l.database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database())
             ORDER BY 2 LIMIT 20;
        END $$;
        """
}
