import Foundation
import StoreAccess
import StoreTestSupport

/// Schemas created as factstr and eventcore create them (docs/foreign-stores.md), written through the statements
/// those libraries issue: factstr's table lock and max+1 numbering, eventcore's per-stream advisory locks, its
/// triggers and client-clock UUIDv7 ids.
enum ForeignFixtures {
    /// Runs a script of several statements as the superuser.
    static func sql(_ server: TestServer, _ text: String) throws {
        let c = try Connection(try ConnectionString(server.adminDSN))
        defer { c.close() }
        try c.executeScript(text, name: "fixture")
    }

    /// What a DBA grants the monitoring role (here the test's application role) on a foreign schema.
    static func grantReads(_ server: TestServer, _ s: String) throws {
        try sql(server, "GRANT USAGE ON SCHEMA \(s) TO app, monitor; GRANT SELECT ON ALL TABLES IN SCHEMA \(s) TO app, monitor")
    }

    /// factstr 0.5 (with `store_metadata`) or 0.4 (without).
    static func factstr(_ server: TestServer, _ s: String, version: String = "0.5") throws {
        try sql(
            server,
            """
            CREATE SCHEMA \(s);
            CREATE TABLE \(s).events (sequence_number bigint PRIMARY KEY, occurred_at timestamptz NOT NULL DEFAULT now(),
                event_type text NOT NULL, payload jsonb NOT NULL);
            CREATE INDEX ON \(s).events (event_type); CREATE INDEX ON \(s).events (occurred_at);
            CREATE INDEX ON \(s).events USING gin (payload);
            CREATE TABLE \(s).append_batches (first_sequence_number bigint PRIMARY KEY, last_sequence_number bigint NOT NULL);
            CREATE TABLE \(s).durable_stream_cursors (durable_stream_id text PRIMARY KEY, event_query text NOT NULL,
                last_processed_sequence_number bigint NOT NULL);
            """)
        if version == "0.5" {
            try sql(
                server,
                """
                CREATE TABLE \(s).store_metadata (key text PRIMARY KEY, value text NOT NULL);
                INSERT INTO \(s).store_metadata VALUES ('store_format_version', '1'), ('append_batch_boundary_format', 'sparse_v1');
                """)
        }
        try grantReads(server, s)
    }

    /// One factstr append: the table lock, max+1, `occurred_at` from the client's clock, a batch row when several.
    static func factstrAppend(_ server: TestServer, _ s: String, _ events: [(type: String, payload: String)], at: Date = Date()) throws {
        let c = try Connection(try ConnectionString(server.adminDSN))
        defer { c.close() }
        try c.transaction { c in
            try c.query(SQL(unsafeRaw: "LOCK TABLE \(s).events, \(s).append_batches IN EXCLUSIVE MODE"))
            let first = Int64(try c.query(SQL(unsafeRaw: "SELECT coalesce(max(sequence_number), 0) + 1 FROM \(s).events")).first![0]!)!
            for (i, e) in events.enumerated() {
                try c.query(
                    SQL(
                        "INSERT INTO \(ident: try Identifier(s)).events (sequence_number, occurred_at, event_type, payload) VALUES (\(first + Int64(i)), \(at), \(e.type), \(JSONText(e.payload)))"
                    ))
            }
            if events.count > 1 {
                try c.query(SQL(unsafeRaw: "INSERT INTO \(s).append_batches VALUES (\(first), \(first + Int64(events.count) - 1))"))
            }
        }
    }

    static func factstrCursor(_ server: TestServer, _ s: String, _ name: String, query: String, at position: Int64) throws {
        try server.admin(
            SQL(
                "INSERT INTO \(ident: try Identifier(s)).durable_stream_cursors VALUES (\(name), \(query), \(position)) ON CONFLICT (durable_stream_id) DO UPDATE SET last_processed_sequence_number = EXCLUDED.last_processed_sequence_number"
            ))
    }

    /// eventcore-postgres 2.x: its tables, indexes and triggers (version from max+1, immutable events).
    static func eventcore2(_ server: TestServer, _ s: String) throws {
        try sql(
            server,
            """
            CREATE SCHEMA \(s);
            CREATE TABLE \(s).eventcore_events (event_id uuid PRIMARY KEY, stream_id text NOT NULL,
                stream_version bigint NOT NULL DEFAULT 0, event_type text NOT NULL, event_data jsonb NOT NULL,
                metadata jsonb NOT NULL DEFAULT '{}', created_at timestamptz NOT NULL DEFAULT now());
            CREATE UNIQUE INDEX ON \(s).eventcore_events (stream_id, stream_version);
            CREATE INDEX ON \(s).eventcore_events (stream_id);
            CREATE FUNCTION \(s).eventcore_set_version() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                NEW.stream_version := coalesce((SELECT max(stream_version) FROM \(s).eventcore_events WHERE stream_id = NEW.stream_id), 0) + 1;
                RETURN NEW;
            END $$;
            CREATE TRIGGER eventcore_version_trigger BEFORE INSERT ON \(s).eventcore_events
                FOR EACH ROW EXECUTE FUNCTION \(s).eventcore_set_version();
            CREATE FUNCTION \(s).eventcore_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'events are immutable' USING ERRCODE = 'P0002'; END $$;
            CREATE TRIGGER eventcore_prevent_update_trigger BEFORE UPDATE ON \(s).eventcore_events
                FOR EACH ROW EXECUTE FUNCTION \(s).eventcore_immutable();
            CREATE TRIGGER eventcore_prevent_delete_trigger BEFORE DELETE ON \(s).eventcore_events
                FOR EACH ROW EXECUTE FUNCTION \(s).eventcore_immutable();
            CREATE TABLE \(s).eventcore_subscription_versions (subscription_name text PRIMARY KEY, last_position uuid NOT NULL,
                updated_at timestamptz NOT NULL DEFAULT now());
            CREATE INDEX ON \(s).eventcore_subscription_versions (updated_at);
            CREATE TABLE \(s).eventcore_command_state_snapshots (snapshot_id text PRIMARY KEY, state jsonb,
                stream_versions jsonb, replay_checkpoints jsonb DEFAULT '[]', updated_at timestamptz);
            CREATE TABLE \(s)._sqlx_migrations (version bigint PRIMARY KEY, description text NOT NULL,
                installed_on timestamptz NOT NULL DEFAULT now(), success boolean NOT NULL, checksum bytea NOT NULL,
                execution_time bigint NOT NULL);
            INSERT INTO \(s)._sqlx_migrations (version, description, success, checksum, execution_time)
            SELECT v, CASE v WHEN 1 THEN 'create events table' WHEN 4 THEN 'add global sequence'
                             WHEN 7 THEN 'add command state snapshots' ELSE 'eventcore migration ' || v END,
                   true, '\\x00', 1 FROM generate_series(1, 7) v;
            """)
        try grantReads(server, s)
    }

    /// A UUIDv7 from the client's clock (eventcore 2 makes its ids so).
    static func uuidv7(_ at: Date = Date()) -> UUID {
        let ms = UInt64(at.timeIntervalSince1970 * 1000)
        var b = [UInt8](repeating: 0, count: 16)
        for i in 0..<6 { b[i] = UInt8((ms >> (8 * (5 - UInt64(i)))) & 0xff) }
        for i in 6..<16 { b[i] = UInt8.random(in: 0...255) }
        b[6] = (b[6] & 0x0f) | 0x70
        b[8] = (b[8] & 0x3f) | 0x80
        return UUID(uuid: (b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]))
    }

    /// One eventcore 2 append to `stream`: the stream's advisory lock, then the rows (ids from the client clock).
    @discardableResult
    static func eventcoreAppend(_ server: TestServer, _ s: String, stream: String, types: [String], at: Date = Date()) throws -> [UUID] {
        let c = try Connection(try ConnectionString(server.adminDSN))
        defer { c.close() }
        return try c.transaction { c in
            try c.query(SQL("SELECT pg_advisory_xact_lock(hashtextextended(\(stream), 0))"))
            return try types.enumerated().map { i, t in
                let id = uuidv7(at.addingTimeInterval(Double(i) / 1000))
                try c.query(
                    SQL(
                        "INSERT INTO \(ident: try Identifier(s)).eventcore_events (event_id, stream_id, event_type, event_data, created_at) VALUES (\(id.uuidString.lowercased()) ::uuid, \(stream), \(t), '{}', \(at))"
                    ))
                return id
            }
        }
    }

    /// eventcore 0.1's events table with its statement trigger that scans the whole table after every insert.
    static func eventcore01(_ server: TestServer, _ s: String) throws {
        try sql(
            server,
            """
            CREATE SCHEMA \(s);
            CREATE TABLE \(s).events (event_id uuid PRIMARY KEY DEFAULT gen_random_uuid(), stream_id varchar(255) NOT NULL,
                event_version bigint NOT NULL, event_type varchar(255) NOT NULL, event_data jsonb NOT NULL, metadata jsonb,
                causation_id uuid, correlation_id varchar(255), user_id varchar(255), created_at timestamptz NOT NULL DEFAULT now(),
                UNIQUE (stream_id, event_version));
            CREATE FUNCTION \(s).validate_batch() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN PERFORM 1 FROM \(s).events WHERE xmin::text::bigint = txid_current(); RETURN NULL; END $$;
            CREATE TRIGGER validate_batch_versions_after_insert AFTER INSERT ON \(s).events
                FOR EACH STATEMENT EXECUTE FUNCTION \(s).validate_batch();
            INSERT INTO \(s).events (stream_id, event_version, event_type, event_data) VALUES ('a', 1, 'Opened', '{}');
            """)
        try grantReads(server, s)
    }
}
