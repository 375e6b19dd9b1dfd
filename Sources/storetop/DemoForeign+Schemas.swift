import Foundation
import StoreAccess

/// The three stores' tables, indexes, functions and triggers, as each library creates them (our spelling of the
/// facts in docs/foreign-stores.md, checked against factstr-postgres, zestor's store/postgres and eventcore-postgres
/// 2.0.1): in the connection's current schema, statement by statement.
extension DemoForeign {
    /// Creates `schema` (the application's choice; the libraries use whatever schema the connection is in) and
    /// puts it first on the search_path.
    func enter(_ c: Connection, _ schema: String) throws {
        let s = try Identifier(schema)
        try c.query(SQL("CREATE SCHEMA IF NOT EXISTS \(ident: s)"))
        try c.query(SQL("SET search_path TO \(ident: s)"))
    }

    /// factstr-postgres 0.5: its three tables and indexes, then `store_metadata` with the format rows a new
    /// schema gets (durable replay refuses to run without `append_batch_boundary_format`).
    func createFactstr(_ c: Connection) throws {
        try enter(c, schemas.factstr)
        for statement in [
            """
            CREATE TABLE IF NOT EXISTS events (sequence_number BIGINT PRIMARY KEY,
                occurred_at TIMESTAMPTZ NOT NULL DEFAULT NOW(), event_type TEXT NOT NULL, payload JSONB NOT NULL)
            """,
            "CREATE TABLE IF NOT EXISTS append_batches (first_sequence_number BIGINT PRIMARY KEY, last_sequence_number BIGINT NOT NULL)",
            """
            CREATE TABLE IF NOT EXISTS durable_stream_cursors (durable_stream_id TEXT PRIMARY KEY, event_query TEXT NOT NULL,
                last_processed_sequence_number BIGINT NOT NULL)
            """,
            "CREATE INDEX IF NOT EXISTS idx_events_type ON events(event_type)",
            "CREATE INDEX IF NOT EXISTS idx_events_occurred_at ON events(occurred_at)",
            "CREATE INDEX IF NOT EXISTS idx_events_payload_gin ON events USING gin(payload)",
            "CREATE TABLE IF NOT EXISTS store_metadata (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
            """
            INSERT INTO store_metadata (key, value) VALUES ('store_format_version', '1'),
                ('append_batch_boundary_format', 'sparse_v1') ON CONFLICT (key) DO NOTHING
            """,
        ] {
            try c.query(SQL(unsafeRaw: statement, name: "demo.factstr_schema"))
        }
    }

    /// zestor's `ensureSchema`: one transaction with both tables, their indexes, the notify function and trigger.
    func createZestor(_ c: Connection) throws {
        try enter(c, schemas.zestor)
        try c.executeScript(
            """
            BEGIN;
            CREATE TABLE IF NOT EXISTS zestor_kv (ns_id BIGINT NOT NULL DEFAULT 0, kind TEXT NOT NULL, key TEXT NOT NULL,
                value BYTEA NOT NULL, version BIGINT NOT NULL DEFAULT 1, updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
                PRIMARY KEY (ns_id, kind, key));
            CREATE INDEX IF NOT EXISTS idx_kv_kind ON zestor_kv(ns_id, kind);
            CREATE TABLE IF NOT EXISTS zestor_outbox (id BIGSERIAL PRIMARY KEY, ns_id BIGINT NOT NULL, kind TEXT NOT NULL,
                key TEXT NOT NULL, etype TEXT NOT NULL CHECK (etype IN ('create','update','delete')), value BYTEA,
                at TIMESTAMPTZ NOT NULL DEFAULT now());
            CREATE INDEX IF NOT EXISTS idx_outbox_kind ON zestor_outbox(ns_id, kind, id);
            CREATE OR REPLACE FUNCTION zestor_notify() RETURNS TRIGGER AS $$
            DECLARE payload TEXT;
            BEGIN
                payload := NEW.ns_id::text || '|' || NEW.kind || '|' || NEW.key || '|' || NEW.etype || '|' || NEW.id::text;
                PERFORM pg_notify('zestor_events', payload);
                RETURN NEW;
            END; $$ LANGUAGE plpgsql;
            DROP TRIGGER IF EXISTS trg_zestor_outbox_notify ON zestor_outbox;
            CREATE TRIGGER trg_zestor_outbox_notify AFTER INSERT ON zestor_outbox FOR EACH ROW EXECUTE PROCEDURE zestor_notify();
            COMMIT;
            """, name: "demo.zestor_schema")
    }

    /// eventcore-postgres 2's `migrate()`: sqlx creates its ledger, then runs each migration in a transaction and
    /// records it (version, description from the file name, SHA-384 of the text, success, nanoseconds it took).
    func createEventcore(_ c: Connection) throws {
        try enter(c, schemas.eventcore)
        try c.query(
            """
            CREATE TABLE IF NOT EXISTS _sqlx_migrations (version BIGINT PRIMARY KEY, description TEXT NOT NULL,
                installed_on TIMESTAMPTZ NOT NULL DEFAULT now(), success BOOLEAN NOT NULL, checksum BYTEA NOT NULL,
                execution_time BIGINT NOT NULL)
            """)
        let done = Set(try c.query("SELECT version FROM _sqlx_migrations").rows.compactMap { $0[0].flatMap(Int64.init) })
        for (i, m) in DemoForeign.eventcoreMigrations.enumerated() where !done.contains(Int64(i + 1)) {
            let version = Int64(i + 1)
            let started = ContinuousClock.now
            try c.query("BEGIN")
            try c.executeScript(m.sql, name: "demo.eventcore_migration")
            try c.query(
                SQL(
                    """
                    INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
                    VALUES (\(version), \(m.description), TRUE, sha384(convert_to(\(m.sql), 'UTF8')), -1)
                    """))
            try c.query("COMMIT")
            let took = started.duration(to: .now).components
            let nanos = took.seconds * 1_000_000_000 + took.attoseconds / 1_000_000_000
            try c.query(SQL("UPDATE _sqlx_migrations SET execution_time = \(nanos) WHERE version = \(version)"))
        }
    }
}
