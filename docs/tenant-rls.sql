-- Optional tenant isolation enforced by PostgreSQL itself (row-level security), for roles that reach the store
-- with psql or their own SQL rather than through StoreAccess. Measured cost and the decision: docs/reliability.md.
--
--   psql -v schema=storeaccess -v role=tenant_app -f docs/tenant-rls.sql "$ADMIN_DSN"
--
-- Every tenant table gets a policy: a row is visible and writable only when its tenant equals the session's
-- <schema>.tenant setting (set it per session, or per transaction behind PgBouncer:
-- SELECT set_config('storeaccess.tenant', 'acme', true)). Without the setting a role sees and writes nothing.
-- The table owner (the role that migrated the schema) and pg_monitor members reading are not restricted, so the
-- store's own processes and storetop keep working. Run it again after a schema migration adds tables.
SET client_min_messages TO warning;
SELECT set_config('rls.schema', :'schema', false), set_config('rls.role', :'role', false) \gset
DO $$
DECLARE
    s text := current_setting('rls.schema');
    r text := current_setting('rls.role');
    t text;
BEGIN
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', s, r);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %I TO %I', s, r);
    EXECUTE format('GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA %I TO %I', s, r);
    FOREACH t IN ARRAY ARRAY['tenants', 'streams', 'events', 'cursors', 'state', 'kv', 'outbox', 'outbox_heads'] LOOP
        EXECUTE format('ALTER TABLE %I.%I ENABLE ROW LEVEL SECURITY', s, t);
        EXECUTE format('DROP POLICY IF EXISTS tenant_rows ON %I.%I', s, t);
        EXECUTE format('CREATE POLICY tenant_rows ON %I.%I USING (tenant = current_setting(%L, true)) WITH CHECK (tenant = current_setting(%L, true))',
                       s, t, s || '.tenant', s || '.tenant');
        EXECUTE format('DROP POLICY IF EXISTS monitor_reads ON %I.%I', s, t);
        EXECUTE format('CREATE POLICY monitor_reads ON %I.%I FOR SELECT TO pg_monitor USING (true)', s, t);
    END LOOP;
END $$;
