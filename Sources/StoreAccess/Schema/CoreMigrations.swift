/// Version 1 of the schema (see `Migration.all`).
enum CoreMigrations {
    /// Version 1: the schema itself, its version table, tenants, names, pool reports.
    static let v1Core = """
        CREATE SCHEMA IF NOT EXISTS @schema@;

        CREATE TABLE IF NOT EXISTS @schema@.schema_version (
            version     int PRIMARY KEY,
            applied_at  timestamptz NOT NULL DEFAULT now(),
            applied_by  text NOT NULL DEFAULT current_user,
            library     text NOT NULL
        );

        -- Names of tenants, kinds, streams and consumers: what the Swift library validates, checked again here so
        -- psql and other languages get the same rule.
        CREATE FUNCTION @schema@.check_name(p_what text, p_value text, p_max int DEFAULT 200) RETURNS text
        LANGUAGE plpgsql IMMUTABLE AS $$
        BEGIN
            IF p_value IS NULL OR p_value !~ '^[A-Za-z0-9_][A-Za-z0-9_.:@=+-]*$' OR octet_length(p_value) > p_max THEN
                RAISE EXCEPTION 'invalid % "%": use letters, digits and _ . : @ = + - (not starting with a punctuation mark), at most % bytes',
                    p_what, left(coalesce(p_value, 'NULL'), 80), p_max USING ERRCODE = @sqlstate_invalid_name@;
            END IF;
            RETURN p_value;
        END $$;

        CREATE TABLE @schema@.tenants (
            tenant      text PRIMARY KEY,
            created_at  timestamptz NOT NULL DEFAULT now()
        );

        -- Registers a tenant (idempotent). Every write function calls it, so the registry is complete.
        CREATE FUNCTION @schema@.tenant_ensure(p_tenant text) RETURNS void
        LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM @schema@.check_name('tenant', p_tenant, 63);
            IF NOT EXISTS (SELECT 1 FROM @schema@.tenants WHERE tenant = p_tenant) THEN
                INSERT INTO @schema@.tenants (tenant) VALUES (p_tenant) ON CONFLICT DO NOTHING;
            END IF;
        END $$;

        CREATE TABLE @schema@.pool_reports (
            host                    text NOT NULL,
            pid                     int NOT NULL,
            started_at              timestamptz NOT NULL,
            application_name        text NOT NULL,
            service                 text NOT NULL,
            store                   text NOT NULL,
            tenant                  text NOT NULL DEFAULT '',
            interval_ms             int NOT NULL,
            reported_at             timestamptz NOT NULL DEFAULT now(),
            size                    int NOT NULL,
            idle                    int NOT NULL,
            in_use                  int NOT NULL,
            waiting                 int NOT NULL,
            max_size                int NOT NULL,
            min_size                int NOT NULL,
            peak_in_use             int NOT NULL,
            created_total           bigint NOT NULL,
            closed_total            bigint NOT NULL,
            acquisitions_total      bigint NOT NULL,
            timeouts_total          bigint NOT NULL,
            connection_errors_total bigint NOT NULL,
            acquire_mean_ms         double precision NOT NULL,
            acquire_p99_ms          double precision NOT NULL,
            acquire_max_ms          double precision NOT NULL,
            PRIMARY KEY (host, pid, started_at)
        );

        CREATE FUNCTION @schema@.pool_report_put(
            p_host text, p_pid int, p_started_at timestamptz, p_application_name text, p_service text, p_store text,
            p_tenant text, p_interval_ms int, p_size int, p_idle int, p_in_use int, p_waiting int, p_max int, p_min int,
            p_peak int, p_created bigint, p_closed bigint, p_acquisitions bigint, p_timeouts bigint, p_errors bigint,
            p_mean_ms double precision, p_p99_ms double precision, p_max_ms double precision) RETURNS void
        LANGUAGE sql AS $$
            INSERT INTO @schema@.pool_reports AS r VALUES (p_host, p_pid, p_started_at, p_application_name, p_service,
                p_store, p_tenant, p_interval_ms, now(), p_size, p_idle, p_in_use, p_waiting, p_max, p_min, p_peak,
                p_created, p_closed, p_acquisitions, p_timeouts, p_errors, p_mean_ms, p_p99_ms, p_max_ms)
            ON CONFLICT (host, pid, started_at) DO UPDATE SET
                application_name = EXCLUDED.application_name, interval_ms = EXCLUDED.interval_ms,
                reported_at = now(), size = EXCLUDED.size, idle = EXCLUDED.idle, in_use = EXCLUDED.in_use,
                waiting = EXCLUDED.waiting, max_size = EXCLUDED.max_size, min_size = EXCLUDED.min_size,
                peak_in_use = EXCLUDED.peak_in_use, created_total = EXCLUDED.created_total,
                closed_total = EXCLUDED.closed_total, acquisitions_total = EXCLUDED.acquisitions_total,
                timeouts_total = EXCLUDED.timeouts_total, connection_errors_total = EXCLUDED.connection_errors_total,
                acquire_mean_ms = EXCLUDED.acquire_mean_ms, acquire_p99_ms = EXCLUDED.acquire_p99_ms,
                acquire_max_ms = EXCLUDED.acquire_max_ms
        $$;

        CREATE FUNCTION @schema@.pool_report_remove(p_host text, p_pid int, p_started_at timestamptz) RETURNS void
        LANGUAGE sql AS $$
            DELETE FROM @schema@.pool_reports WHERE host = p_host AND pid = p_pid AND started_at = p_started_at
        $$;
        """
}
