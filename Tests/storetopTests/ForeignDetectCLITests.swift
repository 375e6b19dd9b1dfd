import Foundation
import StoreAccess
import StoreTestSupport
import Testing

/// `--stores KIND,…` and `--no-detect` through the real binary's `snapshot --json`, in a private database holding a
/// factstr store, a zestor store and an axon session beside StoreAccess's own. Whether detection ran is read from
/// the server: pg_stat_statements counts the detection statement per database.
@Suite(.serialized) struct ForeignDetectCLITests {
    /// zestor's two tables (its `ensure_schema` shapes; no rows needed to be detected).
    func zestorTables(_ server: TestServer, _ s: String) throws {
        let c = try Connection(try ConnectionString(server.directDSN))
        defer { c.close() }
        try c.executeScript(
            """
            CREATE SCHEMA \(s);
            CREATE TABLE \(s).zestor_kv (ns_id BIGINT NOT NULL DEFAULT 0, kind TEXT NOT NULL, key TEXT NOT NULL, value BYTEA NOT NULL,
                version BIGINT NOT NULL DEFAULT 1, updated_at TIMESTAMPTZ NOT NULL DEFAULT now(), PRIMARY KEY (ns_id, kind, key));
            CREATE TABLE \(s).zestor_outbox (id BIGSERIAL PRIMARY KEY, ns_id BIGINT NOT NULL, kind TEXT NOT NULL, key TEXT NOT NULL,
                etype TEXT NOT NULL CHECK (etype IN ('create','update','delete')), value BYTEA, at TIMESTAMPTZ NOT NULL DEFAULT now());
            INSERT INTO \(s).zestor_outbox (ns_id, kind, key, etype, value) VALUES (0, 'orders', 'o1', 'create', '\\x01');
            """, name: "fixture.zestor")
    }

    /// The foreign stores of one `snapshot --json` run, as `kind:schema`, sorted.
    func stores(_ args: [String]) throws -> [String] {
        let r = try storetop(["snapshot", "--json", "--sample", "0"] + args, timeout: 120)
        #expect(r.status == 0, "\(args): \(r.err)")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
        #expect((doc["errors"] as? [Any])?.isEmpty == true, "\(args): \(doc["errors"] ?? "none")")
        let foreign = try #require(doc["foreign"] as? [[String: Any]], "\(args)")
        return foreign.map { "\($0["kind"] ?? "?"):\($0["schema"] ?? "?")" }.sorted()
    }

    @Test func storesLimitsTheKindsAndNoDetectSendsNoDetection() throws {
        let main = try TestServer.current()
        let installed = try main.admin("SELECT count(*) FROM pg_extension WHERE extname = 'pg_stat_statements'").rows[0][0]
        try #require(installed == "1", "the test server loads pg_stat_statements (scripts/pg)")
        let db = "foreign_cli_\(UInt32.random(in: 0...UInt32.max))"
        let server = try main.inDatabase(db)
        defer { _ = try? main.admin(SQL(unsafeRaw: "DROP DATABASE IF EXISTS \(db) WITH (FORCE)")) }
        let own = try server.store()
        let fst = TestServer.freshSchemaName("fst"), zst = TestServer.freshSchemaName("zst")
        try factstrFixture(server, fst, audit: TestServer.freshSchemaName("aud"), cursor: "mailer")
        try server.admin(SQL(unsafeRaw: "GRANT USAGE ON SCHEMA \(fst) TO app"))
        try server.admin(SQL(unsafeRaw: "GRANT SELECT ON ALL TABLES IN SCHEMA \(fst) TO app"))
        try zestorTables(server, zst)
        let axon = try Connection(
            try ConnectionString(
                "host=127.0.0.1 port=\(server.port) user=app password=app-secret-pw dbname=\(db) application_name=axon-store/shop/acme"))
        defer { axon.close(); own.close() }
        let common = [server.directDSN, "--schema", own.schema.name.name]
        // calls of the detection statement (`ForeignDetect`, it opens `WITH ours AS`) in this database so far
        let detections = {
            Int(
                try main.admin(
                    SQL(
                        "SELECT coalesce(sum(calls), 0)::bigint FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = \(db)) AND query LIKE 'WITH ours AS%'"
                    )
                ).rows[0][0] ?? "")
        }

        #expect(try stores(common + ["--no-detect"]) == [])
        #expect(try detections() == 0, "--no-detect sent the detection statement")
        #expect(try stores(common) == ["axon:shop", "factstr:\(fst)", "zestor:\(zst)"])
        #expect(try detections() == 1, "the method sees a detection when one runs")
        #expect(try stores(common + ["--stores", "factstr"]) == ["factstr:\(fst)"])
        #expect(try stores(common + ["--stores", "zestor, axon"]) == ["axon:shop", "zestor:\(zst)"])
        #expect(try stores(common + ["--stores", "eventcore,faucet"]) == [])
        let bad = try storetop(["snapshot", "--json", "--sample", "0", "--stores", "factstr,nosuch"] + common)
        #expect(bad.status == 64 && bad.err.contains("nosuch is not a kind storetop knows"), "\(bad.status) \(bad.err)")
    }
}
