import Foundation
import StoreAccess
import StoreTestSupport
import Testing

/// Issue 16 §2: `storetop prune` on a large outbox, interrupted as a process. SIGINT, SIGTERM and SIGHUP stop it
/// after the current batch with the audit row closed as cancelled (exit 130, 143, 129); `kill -9` leaves the row
/// running with exactly what committed. Each time the audit row is compared with what SQL says was deleted.
@Suite(.serialized) struct PruneInterruptTests {
    static let rows = 300_000

    /// A store whose tenant `big` has an outbox of kind `orders` with `rows` rows, written in one statement.
    func seeded() throws -> (TestServer, Store, String) {
        let server = try TestServer.current()
        let schema = TestServer.freshSchemaName("prunesig")
        let store = try server.store(schema: schema)
        let q = "\"\(schema)\""
        try server.admin(
            SQL(
                unsafeRaw: """
                    INSERT INTO \(q).outbox (id, tenant, kind, key, op, value, version, at)
                    SELECT nextval('\(q).outbox_position'), 'big', 'orders', 'k' || g, 'create', '\\x01', 1, now() - interval '1 hour'
                      FROM generate_series(1, \(Self.rows)) g
                    """))
        try server.admin(
            SQL(
                unsafeRaw: """
                    INSERT INTO \(q).outbox_heads (tenant, kind, head_id, appended_total)
                    SELECT 'big', 'orders', max(id), count(*) FROM \(q).outbox
                    """))
        try server.admin(SQL(unsafeRaw: "SELECT \(q).tenant_ensure('big')"))
        return (server, store, schema)
    }

    /// Rows left and rows the heads say were pruned, read together.
    func counts(_ server: TestServer, _ q: String) throws -> (left: Int, pruned: Int) {
        let r = try server.admin(
            SQL(unsafeRaw: "SELECT (SELECT count(*) FROM \(q).outbox), (SELECT pruned_total FROM \(q).outbox_heads WHERE tenant = 'big')")
        ).first!
        return (Int(r[0]!)!, Int(r[1]!)!)
    }

    /// Starts a prune and returns once its first batches have committed.
    func startPrune(_ server: TestServer, _ schema: String) throws -> BackgroundProcess {
        let q = "\"\(schema)\""
        let before = try counts(server, q).pruned
        let p = try BackgroundProcess(
            TestServer.builtProduct("storetop"),
            ["prune", server.directDSN, "--schema", schema, "--tenant", "big", "--kind", "orders", "--older-than", "0s", "--yes", "--batch", "100"])
        let deadline = Date().addingTimeInterval(60)
        while try counts(server, q).pruned < before + 300, Date() < deadline, !p.exited { usleep(5_000) }
        return p
    }

    /// Waits until no backend still runs a prune batch (a killed client's last statement may still commit).
    func waitForIdleBackends(_ server: TestServer) throws {
        for _ in 0..<500 {
            let busy = try server.admin(
                SQL(
                    unsafeRaw:
                        "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query LIKE '%outbox_prune_step%' AND pid <> pg_backend_pid()"
                )
            ).first![0]
            if busy == "0" { return }
            usleep(10_000)
        }
    }

    func lastAudit(_ server: TestServer, _ q: String) throws -> [String?] {
        try server.admin(SQL(unsafeRaw: "SELECT status, rows_deleted, cancelled FROM \(q).prune_audit ORDER BY id DESC LIMIT 1")).first?.values
            ?? []
    }

    @Test func aSignalStopsThePruneAfterItsBatchAndTheAuditRowSaysCancelled() throws {
        let (server, store, schema) = try seeded()
        defer { store.close(); server.dropSchema(schema) }
        let q = "\"\(schema)\""
        for (sig, name) in [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM"), (SIGHUP, "SIGHUP")] {
            let before = try counts(server, q)
            let p = try startPrune(server, schema)
            try #require(!p.exited, "the prune ended before the signal: \(p.output) \(p.errors)")
            kill(p.pid, sig)
            try #require(p.waitExit(timeout: 30), "\(name): still running")
            let exited = (p.exitStatus & 0x7f) == 0
            #expect(exited && (p.exitStatus >> 8) & 0xff == 128 + sig, "\(name): wait status \(p.exitStatus): \(p.errors)")
            try waitForIdleBackends(server)
            let after = try counts(server, q)
            #expect(after.left > 0, "\(name): interrupted, not finished")
            let deleted = before.left - after.left
            #expect(after.pruned - before.pruned == deleted)
            #expect(try lastAudit(server, q) == ["cancelled", String(deleted), "t"], "\(name): deleted \(deleted)")
            #expect(p.output.contains("cancelled by \(name) after the current batch: deleted \(deleted) rows"), "\(p.output)")
        }
    }

    @Test func killMinus9LeavesTheAuditRowConsistentWithWhatCommitted() throws {
        let (server, store, schema) = try seeded()
        defer { store.close(); server.dropSchema(schema) }
        let q = "\"\(schema)\""
        let before = try counts(server, q)
        let p = try startPrune(server, schema)
        try #require(!p.exited, "the prune ended before the kill: \(p.output) \(p.errors)")
        p.kill9()
        try waitForIdleBackends(server)
        let after = try counts(server, q)
        #expect(after.left > 0, "killed, not finished")
        let deleted = before.left - after.left
        #expect(deleted > 0 && after.pruned - before.pruned == deleted)
        // the row stays "running" (nothing closed it), counting exactly the committed batches
        #expect(try lastAudit(server, q) == ["running", String(deleted), "t"], "deleted \(deleted)")
        let rows = try server.admin(SQL(unsafeRaw: "SELECT count(*) FROM \(q).prune_audit")).first![0]
        #expect(rows == "1")
    }

    /// The dashboard's prune, stopped by a signal while its progress dialog is up: the process waits for the
    /// current batch, the audit row says cancelled with exactly what SQL says was deleted, and it exits.
    @Test func aSignalToTheDashboardMidPruneWaitsForTheBatchAndClosesTheAudit() throws {
        let (server, store, schema) = try seeded()
        defer { store.close(); server.dropSchema(schema) }
        let q = "\"\(schema)\""
        let before = try counts(server, q)
        let t = EndToEndTests.Tmux()
        let bin = TestServer.builtProduct("storetop")
        t.launch("LC_ALL=C.UTF-8 SWIFT_BACKTRACE=enable=no '\(bin)' '\(server.directDSN)' --schema \(schema) --interval 1")
        try #require(t.waitFor("Worst lag"), "\(t.pane)")
        t.keys("6"); t.keys("Home"); t.keys("P")
        try #require(t.waitFor("safe: only rows"), "\(t.pane)")
        t.keys("Enter")
        try #require(t.waitFor("Will delete"), "\(t.pane)")
        t.keys("y"); t.keys("Enter")
        let started = Date().addingTimeInterval(30)
        while try counts(server, q).pruned == before.pruned, Date() < started { usleep(5_000) }
        let pid = try #require(Self.dashboardPID(schema), "no storetop process for \(schema)")
        kill(pid, SIGTERM)
        #expect(t.waitFor("EXITED", timeout: 40), "\(t.pane)")
        try waitForIdleBackends(server)
        let after = try counts(server, q)
        #expect(after.left > 0, "interrupted, not finished (make the outbox larger if this machine prunes it all first)")
        let deleted = before.left - after.left
        #expect(deleted > 0 && after.pruned - before.pruned == deleted)
        #expect(try lastAudit(server, q) == ["cancelled", String(deleted), "t"], "deleted \(deleted)")
    }

    /// The storetop process (not the shell that started it) whose command line names `schema`.
    static func dashboardPID(_ schema: String) -> pid_t? {
        let procs = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        for p in procs {
            guard let pid = pid_t(p),
                let comm = try? String(contentsOfFile: "/proc/\(p)/comm", encoding: .utf8), comm.hasPrefix("storetop"),
                let cmd = FileManager.default.contents(atPath: "/proc/\(p)/cmdline")
            else { continue }
            if String(decoding: cmd, as: UTF8.self).contains(schema) { return pid }
        }
        return nil
    }
}
