import Foundation
import StoreAccess
import StoreTestSupport

/// Zestor, faucet-state and axon as their libraries leave them: each library's own DDL (our spelling of its
/// statements) run in a fresh schema on the connection's search_path, as the library runs it, and writes through the
/// statements the library issues.
enum ZFAFixtures {
    /// A connection as the application role, straight to PostgreSQL, with `schema` first on its search_path.
    static func connect(_ server: TestServer, schema: String? = nil) throws -> Connection {
        let c = try Connection(try ConnectionString(server.directDSN))
        if let schema { try c.query(SQL("SET search_path TO \(ident: try Identifier(schema))")) }
        return c
    }

    /// A connection whose application_name is `name` as given (key=value DSN: no StoreAccess stamping).
    static func connect(_ server: TestServer, applicationName name: String) throws -> Connection {
        let database = server.directDSN.split(separator: "/").last?.split(separator: "?").first.map(String.init) ?? "storetop_test"
        let dsn = "host=127.0.0.1 port=\(server.port) user=app password=app-secret-pw dbname=\(database) application_name=\(name)"
        return try Connection(try ConnectionString(dsn))
    }

    /// Server time (the instant the panels measure ages at in these tests).
    static func serverNow(_ c: Connection) throws -> Date { try c.query("SELECT now() AS now").rows[0].decode("now") }

    // MARK: zestor (store/postgres ensureSchema, one transaction)

    /// Creates `schema` and zestor's tables, index, function and trigger in it.
    static func createZestor(_ c: Connection, schema: String) throws {
        try c.query(SQL("CREATE SCHEMA \(ident: try Identifier(schema))"))
        try c.query(SQL("SET search_path TO \(ident: try Identifier(schema))"))
        try c.executeScript(
            """
            BEGIN;
            CREATE TABLE IF NOT EXISTS zestor_kv (
              ns_id BIGINT NOT NULL DEFAULT 0, kind TEXT NOT NULL, key TEXT NOT NULL, value BYTEA NOT NULL,
              version BIGINT NOT NULL DEFAULT 1, updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
              PRIMARY KEY (ns_id, kind, key));
            CREATE INDEX IF NOT EXISTS idx_kv_kind ON zestor_kv(ns_id, kind);
            CREATE TABLE IF NOT EXISTS zestor_outbox (
              id BIGSERIAL PRIMARY KEY, ns_id BIGINT NOT NULL, kind TEXT NOT NULL, key TEXT NOT NULL,
              etype TEXT NOT NULL CHECK (etype IN ('create','update','delete')), value BYTEA,
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
            """, name: "fixture.zestor_schema")
    }

    /// zestor's Set: insert the key (or, when it exists with another value, update it and its version) and the
    /// outbox row, in one transaction. `c` has the store's schema on its search_path.
    static func zestorSet(_ c: Connection, ns: Int64, kind: String, key: String, value: [UInt8]) throws {
        try c.query("BEGIN")
        do {
            let created =
                try c.execute(
                    SQL(
                        "INSERT INTO zestor_kv(ns_id,kind,key,value) VALUES(\(ns),\(kind),\(key),\(ByteA(value))) ON CONFLICT (ns_id,kind,key) DO NOTHING"
                    )) == 1
            if !created {
                let cur: ByteA = try c.query(SQL("SELECT value FROM zestor_kv WHERE ns_id=\(ns) AND kind=\(kind) AND key=\(key)")).rows[0]
                    .decode(0)
                if cur.bytes == value { try c.query("COMMIT"); return }
                try c.query(
                    SQL(
                        "UPDATE zestor_kv SET value=\(ByteA(value)), version=version+1, updated_at=now() WHERE ns_id=\(ns) AND kind=\(kind) AND key=\(key)"
                    ))
            }
            let etype = created ? "create" : "update"
            try c.query(
                SQL("INSERT INTO zestor_outbox(ns_id,kind,key,etype,value) VALUES(\(ns),\(kind),\(key),\(etype),\(ByteA(value)))"))
            try c.query("COMMIT")
        } catch {
            _ = try? c.query("ROLLBACK")
            throw error
        }
    }

    /// zestor's Delete: the row goes, the outbox gets a `delete` row with the previous value.
    static func zestorDelete(_ c: Connection, ns: Int64, kind: String, key: String) throws {
        try c.query("BEGIN")
        let prev: ByteA = try c.query(SQL("SELECT value FROM zestor_kv WHERE ns_id=\(ns) AND kind=\(kind) AND key=\(key)")).rows[0].decode(0)
        try c.query(SQL("DELETE FROM zestor_kv WHERE ns_id=\(ns) AND kind=\(kind) AND key=\(key)"))
        try c.query(SQL("INSERT INTO zestor_outbox(ns_id,kind,key,etype,value) VALUES(\(ns),\(kind),\(key),'delete',\(prev))"))
        try c.query("COMMIT")
    }

    /// A zestor store's listener session: `UNLISTEN *`, `LISTEN zestor_events`, then idle (it never reads).
    static func zestorListener(_ server: TestServer) throws -> Connection {
        let c = try connect(server)
        try c.query("UNLISTEN *")
        try c.query("LISTEN zestor_events")
        return c
    }

    // MARK: faucet-state (ensure_table, put)

    /// Creates `schema` (when asked) and faucet's table named `table` in it (`ensure_table`).
    static func createFaucet(_ c: Connection, schema: String, table: String, createSchema: Bool = true) throws {
        if createSchema { try c.query(SQL("CREATE SCHEMA \(ident: try Identifier(schema))")) }
        try c.query(SQL("SET search_path TO \(ident: try Identifier(schema))"))
        try c.query(
            SQL(
                unsafeRaw:
                    "CREATE TABLE IF NOT EXISTS \(quoted(table)) (key TEXT PRIMARY KEY, value JSONB NOT NULL, updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW())"
            ))
    }

    /// faucet's put: the upsert, `updated_at = NOW()`.
    static func faucetPut(_ c: Connection, table: String, key: String, _ json: String) throws {
        try c.query(
            SQL(
                "INSERT INTO \(unsafeRaw: quoted(table)) (key, value, updated_at) VALUES (\(key), \(JSONText(json))::jsonb, NOW()) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = NOW()"
            ))
    }

    /// A faucet table name quoted as faucet quotes it (its rule, `[A-Za-z0-9_]{1,63}`, admits a leading digit).
    static func quoted(_ table: String) -> String { "\"" + table.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }

    /// faucet's envelope for exactly-once delivery around `bookmark` (JSON text).
    static func exactlyOnce(_ bookmark: String, seq: Int) -> String { "{\"__faucet_eo\":1,\"bookmark\":\(bookmark),\"seq\":\(seq)}" }
}
