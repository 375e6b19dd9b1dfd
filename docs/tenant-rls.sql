-- Optional tenant isolation enforced by PostgreSQL itself (row-level security), for a role that reaches the store
-- with psql or its own SQL rather than through StoreAccess. Measured cost and the decision: docs/reliability.md;
-- what it promises and the test that holds it to that: docs/security.md.
--
--   psql -v schema=storeaccess -v role=tenant_app -f docs/tenant-rls.sql "$ADMIN_DSN"
--
-- Run it as the schema's owner or a superuser, once per tenant role, and again after every schema migration (a
-- migration that replaces a function drops its SECURITY DEFINER; the role then fails closed with 42501 until the
-- recipe is run again). It is idempotent: it first takes back everything it (or an older version of it) granted.
--
-- The role's tenant is the session's <schema>.tenant setting. Give it at login (libpq:
-- options='-c storeaccess.tenant=acme'), or per transaction behind PgBouncer in transaction mode:
-- SELECT set_config('storeaccess.tenant', 'acme', true). Without the setting the role sees and writes nothing.
--
-- What the role gets:
-- * every table with a tenant column: row-level security, so it reads and writes only its own tenant's rows,
--   and only with the privileges it needs (events: read and append, never update or delete; pool_reports: its
--   own pool's rows; actions_audit (version 9; prune_audit before): it opens and advances its own running
--   prunes, and can never delete a row, change one that is finished, or write any other action (moving, pausing
--   or replaying consumers is the operator's, with the owner's role); parked: its own consumers' parked events);
-- * schema_version: read only (the library checks the version; only the owner migrates);
-- * the position sequences: read only (the read functions need the head). Positions are taken only through
--   allocate(), which runs as the owner (SECURITY DEFINER, search_path pinned) and only ever moves a sequence
--   forward: no setval, no nextval of its own. The one exception is the audit's id sequence (USAGE, so its
--   own audit rows get an id; an id it takes and drops is a gap, nothing more);
-- * the prune_audit view (version 9): SELECT; it reads with the caller's rights (security_invoker), so only the
--   role's own tenant's rows;
-- * any other table of the schema: nothing. No CREATE on the schema, no TRUNCATE anywhere.
-- The policies bind every role but the owner and superusers (the grants are per role): the table owner (the role
-- that migrated the schema, which the store's own processes use) is not restricted,
-- and members of pg_monitor may read every row (storetop): never make a tenant role a member of pg_monitor.
SET client_min_messages TO warning;
SELECT set_config('rls.schema', :'schema', false), set_config('rls.role', :'role', false) \gset
DO $$
DECLARE
    s text := current_setting('rls.schema');
    r text := current_setting('rls.role');
    setting text := current_setting('rls.schema') || '.tenant';
    mine text;
    t record;
    grants text;
BEGIN
    IF to_regnamespace(quote_ident(s)) IS NULL THEN
        RAISE EXCEPTION 'schema % does not exist in this database', s;
    END IF;
    mine := format('tenant = current_setting(%L, true)', setting);
    -- take back what any earlier run granted (the first recipe granted DML on every table and UPDATE on sequences)
    EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA %I FROM %I', s, r);
    EXECUTE format('REVOKE ALL ON ALL SEQUENCES IN SCHEMA %I FROM %I', s, r);
    EXECUTE format('REVOKE CREATE ON SCHEMA %I FROM %I', s, r);
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', s, r);

    -- positions: read the head; take new ones only through allocate(), as the owner
    EXECUTE format('GRANT SELECT ON SEQUENCE %I.event_position, %I.outbox_position TO %I', s, s, r);
    EXECUTE format('ALTER FUNCTION %I.allocate(text, regclass, int) SECURITY DEFINER SET search_path = pg_catalog, pg_temp', s);
    EXECUTE format('GRANT SELECT ON %I.schema_version TO %I', s, r);

    FOR t IN
        SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = s AND c.relkind IN ('r', 'p')
           AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant' AND NOT a.attisdropped)
         ORDER BY 1
    LOOP
        EXECUTE format('ALTER TABLE %I.%I ENABLE ROW LEVEL SECURITY', s, t.relname);
        EXECUTE format('DROP POLICY IF EXISTS tenant_rows ON %I.%I', s, t.relname);
        EXECUTE format('DROP POLICY IF EXISTS tenant_reads ON %I.%I', s, t.relname);
        EXECUTE format('DROP POLICY IF EXISTS tenant_opens ON %I.%I', s, t.relname);
        EXECUTE format('DROP POLICY IF EXISTS tenant_advances ON %I.%I', s, t.relname);
        EXECUTE format('DROP POLICY IF EXISTS monitor_reads ON %I.%I', s, t.relname);
        EXECUTE format('CREATE POLICY monitor_reads ON %I.%I FOR SELECT TO pg_monitor USING (true)', s, t.relname);
        IF t.relname IN ('prune_audit', 'actions_audit') THEN
            -- an audit trail the tenant cannot rewrite: it opens a running row as itself, advances its own running
            -- rows (the columns a batch and the end set), and never deletes one or touches a finished one
            EXECUTE format('CREATE POLICY tenant_reads ON %I.%I FOR SELECT USING (%s)', s, t.relname, mine);
            IF t.relname = 'prune_audit' THEN  -- versions 3 to 8
                EXECUTE format('CREATE POLICY tenant_opens ON %I.%I FOR INSERT WITH CHECK (%s AND status = %L '
                               'AND by_user = current_user AND rows_deleted = 0 AND batches = 0)', s, t.relname, mine, 'running');
                EXECUTE format('GRANT SELECT, INSERT, UPDATE (status, cancelled, finished_at, duration_ms, rows_deleted, '
                               'batches, first_id, last_id) ON %I.%I TO %I', s, t.relname, r);
            ELSE
                EXECUTE format('CREATE POLICY tenant_opens ON %I.%I FOR INSERT WITH CHECK (%s AND action = %L AND status = %L '
                               'AND by_user = current_user AND rows = 0)', s, t.relname, mine, 'prune', 'running');
                EXECUTE format('GRANT SELECT, INSERT (action, status, tenant, target, reason, started_at, detail), '
                               'UPDATE (status, finished_at, rows, from_position, to_position, detail) ON %I.%I TO %I',
                               s, t.relname, r);
            END IF;
            EXECUTE format('CREATE POLICY tenant_advances ON %I.%I FOR UPDATE USING (%s AND status = %L) '
                           'WITH CHECK (%s)', s, t.relname, mine, 'running', mine);
            EXECUTE format('GRANT USAGE ON SEQUENCE %I.%I TO %I', s, t.relname || '_id_seq', r);
            CONTINUE;
        END IF;
        EXECUTE format('CREATE POLICY tenant_rows ON %I.%I USING (%s) WITH CHECK (%s)', s, t.relname, mine, mine);
        grants := CASE t.relname
            WHEN 'events' THEN 'SELECT, INSERT'
            WHEN 'tenants' THEN 'SELECT, INSERT'
            WHEN 'streams' THEN 'SELECT, INSERT, UPDATE'
            WHEN 'outbox_heads' THEN 'SELECT, INSERT, UPDATE'
            WHEN 'outbox' THEN 'SELECT, INSERT, DELETE, UPDATE (tenant)'  -- a prune batch locks its rows (FOR UPDATE
                                                                       -- needs one column), and the policy keeps tenant its own
            WHEN 'cursors' THEN 'SELECT, INSERT, UPDATE, DELETE'
            WHEN 'parked' THEN 'SELECT, INSERT, UPDATE, DELETE'
            WHEN 'state' THEN 'SELECT, INSERT, UPDATE, DELETE'
            WHEN 'snapshots' THEN 'SELECT, INSERT, UPDATE, DELETE'
            WHEN 'kv' THEN 'SELECT, INSERT, UPDATE, DELETE'
            WHEN 'pool_reports' THEN 'SELECT, INSERT, UPDATE, DELETE'
            ELSE 'SELECT'  -- a table a later version adds: read its own rows until this recipe knows more
        END;
        EXECUTE format('GRANT %s ON %I.%I TO %I', grants, s, t.relname, r);
    END LOOP;
    IF to_regclass(format('%I.prune_audit', s)) IS NOT NULL
       AND (SELECT c.relkind FROM pg_class c WHERE c.oid = to_regclass(format('%I.prune_audit', s))) = 'v' THEN
        EXECUTE format('GRANT SELECT ON %I.prune_audit TO %I', s, r);
    END IF;
END $$;
