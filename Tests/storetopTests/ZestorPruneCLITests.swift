import Foundation
import StoreAccess
import StoreMetrics
import StoreTestSupport
import Testing

/// `storetop prune --store zestor:SCHEMA`: options, dry run, a run audited in the schema named, and SIGTERM mid-prune
/// (exit 143, the audit row cancelled with exactly what SQL says was deleted). The store is made with zestor's DDL in
/// the foreign-stores database (`StoreMetricsTests` holds the full fixtures; this target cannot see them).
@Suite(.serialized) struct ZestorPruneCLITests {
    /// A zestor store with `rows` outbox rows of namespace 7 kind `orders`, aged one hour and older, plus one young row
    /// of it and one old row of namespace 8; and an empty audit schema. Returns (server, store schema, audit schema).
    func seeded(rows: Int) throws -> (TestServer, String, String) {
        let server = try TestServer.current().inDatabase("storetop_foreign")
        let schema = TestServer.freshSchemaName("zcli"), audit = TestServer.freshSchemaName("zcliaudit")
        let c = try Connection(try ConnectionString(server.directDSN))
        defer { c.close() }
        try c.executeScript(
            """
            CREATE SCHEMA \(schema); CREATE SCHEMA \(audit); SET search_path TO \(schema);
            CREATE TABLE zestor_kv (ns_id BIGINT NOT NULL DEFAULT 0, kind TEXT NOT NULL, key TEXT NOT NULL, value BYTEA NOT NULL,
              version BIGINT NOT NULL DEFAULT 1, updated_at TIMESTAMPTZ NOT NULL DEFAULT now(), PRIMARY KEY (ns_id, kind, key));
            CREATE TABLE zestor_outbox (id BIGSERIAL PRIMARY KEY, ns_id BIGINT NOT NULL, kind TEXT NOT NULL, key TEXT NOT NULL,
              etype TEXT NOT NULL CHECK (etype IN ('create','update','delete')), value BYTEA, at TIMESTAMPTZ NOT NULL DEFAULT now());
            CREATE INDEX idx_outbox_kind ON zestor_outbox(ns_id, kind, id);
            CREATE FUNCTION zestor_notify() RETURNS TRIGGER AS $$ BEGIN
              PERFORM pg_notify('zestor_events', NEW.ns_id::text || '|' || NEW.kind || '|' || NEW.key || '|' || NEW.etype || '|' || NEW.id::text);
              RETURN NEW; END; $$ LANGUAGE plpgsql;
            CREATE TRIGGER trg_zestor_outbox_notify AFTER INSERT ON zestor_outbox FOR EACH ROW EXECUTE PROCEDURE zestor_notify();
            INSERT INTO zestor_outbox (ns_id, kind, key, etype, value, at)
              SELECT 7, 'orders', 'k' || g, 'create', '\\x01', now() - interval '2 hours' + g * interval '1 ms' FROM generate_series(1, \(rows)) g;
            INSERT INTO zestor_outbox (ns_id, kind, key, etype, value, at) VALUES (8, 'orders', 'x', 'create', '\\x01', now() - interval '3 hours');
            INSERT INTO zestor_outbox (ns_id, kind, key, etype, value) VALUES (7, 'orders', 'young', 'create', '\\x01');
            """, name: "fixture.zestor_cli")
        return (server, schema, audit)
    }

    func count(_ server: TestServer, _ sql: String) throws -> Int { Int(try server.admin(SQL(unsafeRaw: sql)).first![0]!)! }

    @Test func optionsDryRunAndAnAuditedRun() throws {
        let (server, schema, audit) = try seeded(rows: 20)
        defer { server.dropSchema(schema); server.dropSchema(audit) }
        let base = ["prune", server.directDSN, "--store", "zestor:\(schema)", "--tenant", "7", "--kind", "orders"]
        let all = "SELECT count(*) FROM \(schema).zestor_outbox"
        let old = try count(server, "SELECT count(*) FROM \(schema).zestor_outbox WHERE ns_id = 7 AND at < now() - interval '1 hour'")
        let dry = try storetop(base + ["--older-than", "1h", "--audit-schema", audit, "--dry-run"])
        #expect(dry.status == 0, "\(dry.err)")
        #expect(dry.out.contains("prune zestor:\(schema) ns 7/orders older than 1h00m: \(old) of \(old + 1) rows"), "\(dry.out)")
        #expect(dry.out.contains("dry run: nothing deleted") && dry.out.contains("listeners (LISTEN zestor_events)"))
        #expect(try count(server, all) == old + 2)
        let safe = try storetop(base + ["--safe", "--audit-schema", audit])
        #expect(safe.status == 64 && safe.err.contains("no durable watchers to consult"), "\(safe.err)")
        let noAudit = try storetop(base + ["--older-than", "1h"])
        #expect(noAudit.status == 64 && noAudit.err.contains("--audit-schema"), "\(noAudit.err)")
        let inside = try storetop(base + ["--older-than", "1h", "--audit-schema", schema])
        #expect(inside.status == 64 && inside.err.contains("never writes into it"), "\(inside.err)")
        let ro = try storetop(base + ["--older-than", "1h", "--audit-schema", audit, "--yes", "--read-only"])
        #expect(ro.status == 77 && ro.err.contains("read-only"), "\(ro.err)")
        let run = try storetop(base + ["--older-than", "1h", "--audit-schema", audit, "--yes", "--batch", "7"])
        #expect(run.status == 0, "\(run.err)")
        #expect(run.out.contains("deleted \(old) rows") && run.out.contains("in \((old + 6) / 7) batches"), "\(run.out)")
        #expect(run.out.contains("in \(audit).storetop_foreign_prune_audit"), "\(run.out)")
        #expect(try count(server, all) == 2, "the young row and the other namespace's row stay")
        let audited = "SELECT count(*) FROM \(audit).storetop_foreign_prune_audit WHERE status = 'done' AND rows_deleted = \(old)"
        #expect(try count(server, audited) == 1)
    }

    /// Starts `storetop prune` of namespace 7 in batches of 100 and returns once batches have committed.
    func startPrune(_ server: TestServer, _ schema: String, _ audit: String) throws -> BackgroundProcess {
        let left = "SELECT count(*) FROM \(schema).zestor_outbox WHERE ns_id = 7"
        let before = try count(server, left)
        let p = try BackgroundProcess(
            TestServer.builtProduct("storetop"),
            [
                "prune", server.directDSN, "--store", "zestor:\(schema)", "--tenant", "7", "--kind", "orders", "--older-than", "1h",
                "--audit-schema", audit, "--yes", "--batch", "100",
            ])
        // wait (as long as this machine needs) until batches commit
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline, !p.exited, (try? count(server, left)) ?? before > before - 300 { usleep(5_000) }
        return p
    }

    /// The audit row (status, rows_deleted, batches) and the rows namespace 7 lost, once no prune session is left.
    func outcome(_ server: TestServer, _ schema: String, _ audit: String, before: Int) throws -> (row: [[String?]], deleted: Int) {
        let sessions =
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = '\(Actions.zestorPruneApplicationName.rendered)' AND datname = current_database()"
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, try count(server, sessions) > 0 { usleep(10_000) }
        let deleted = before - (try count(server, "SELECT count(*) FROM \(schema).zestor_outbox WHERE ns_id = 7"))
        let row = try server.admin(SQL(unsafeRaw: "SELECT status, rows_deleted, batches FROM \(audit).storetop_foreign_prune_audit")).rows
        return (row.map(\.values), deleted)
    }

    @Test func sigtermStopsAfterTheBatchExits143AndTheAuditRowSaysCancelled() throws {
        let (server, schema, audit) = try seeded(rows: 300_000)
        defer { server.dropSchema(schema); server.dropSchema(audit) }
        let before = try count(server, "SELECT count(*) FROM \(schema).zestor_outbox WHERE ns_id = 7")
        let p = try startPrune(server, schema, audit)
        try #require(!p.exited, "the prune ended before the signal: \(p.output) \(p.errors)")
        kill(p.pid, SIGTERM)
        try #require(p.waitExit(timeout: 60), "still running after SIGTERM")
        #expect((p.exitStatus & 0x7f) == 0 && (p.exitStatus >> 8) & 0xff == 143, "wait status \(p.exitStatus): \(p.errors)")
        let (row, deleted) = try outcome(server, schema, audit, before: before)
        #expect(deleted >= 300 && deleted < before - 1, "interrupted, not finished")
        #expect(row == [["cancelled", String(deleted), String(deleted / 100)]], "\(row)")
        #expect(p.output.contains("cancelled by SIGTERM after the current batch: deleted \(deleted) rows"), "\(p.output)")
    }

    /// A crash between (or inside) batches: the row stays `running` and counts exactly what committed.
    @Test func killMinus9LeavesTheAuditRowRunningWithWhatCommitted() throws {
        let (server, schema, audit) = try seeded(rows: 300_000)
        defer { server.dropSchema(schema); server.dropSchema(audit) }
        let before = try count(server, "SELECT count(*) FROM \(schema).zestor_outbox WHERE ns_id = 7")
        let p = try startPrune(server, schema, audit)
        try #require(!p.exited, "the prune ended before the kill: \(p.output) \(p.errors)")
        p.kill9()
        let (row, deleted) = try outcome(server, schema, audit, before: before)
        #expect(deleted >= 300 && deleted < before - 1, "killed, not finished")
        #expect(row == [["running", String(deleted), String(deleted / 100)]], "\(row)")
    }
}
