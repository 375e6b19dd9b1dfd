import Foundation
import StoreAccess
import StoreTestSupport
import Testing

@testable import StoreMetrics

/// Issue 16's collector cases: sessions of the store's own database by default, a role without pg_monitor told
/// apart, switched-off panels retried, a locked table costing one short wait, a schema newer than this storetop.
@Suite(.serialized) struct CollectHardeningTests {
    /// A session of another database is not this store's: not counted under its tenants, not its horizon holder;
    /// with `allDatabases` it is shown apart, named by its database. Connections count the whole cluster.
    @Test func sessionsOfOtherDatabasesAreApart() throws {
        let server = try TestServer.current()
        let app = "st:elsewhere\(UInt16.random(in: 0...9999))/events/alpha"
        let other = try Connection(
            try ConnectionString(server.adminDSN.replacingOccurrences(of: "dbname=storetop_test", with: "dbname=postgres application_name=\(app)")))
        defer { other.close() }
        try other.query("BEGIN ISOLATION LEVEL REPEATABLE READ")
        try other.query("SELECT 1")
        // as a superuser (a role without pg_monitor sees no other role's sessions at all)
        let own = try Collector(dsn: server.adminDSN)
        defer { own.close() }
        let s = try own.snapshot()
        let sessions = try #require(s.sessions)
        #expect(!sessions.backends.contains { $0.pid == other.backendPID })
        #expect(!sessions.groups.contains { $0.service.contains("elsewhere") })
        #expect(sessions.xminHolder?.pid != other.backendPID)
        #expect(!sessions.allDatabases && sessions.seesAll)
        // the cluster's client backends: this one, the other database's, and every one listed
        #expect((s.server?.connections ?? 0) >= sessions.backends.count + 2, "connections count the cluster")
        let all = try Collector(dsn: server.adminDSN, allDatabases: true)
        defer { all.close() }
        let a = try #require(try all.snapshot().sessions)
        #expect(a.allDatabases)
        let g = a.groups.first { $0.service == "[postgres] \(app)" }
        #expect(g?.other == true && g?.tenant == nil && g?.total == 1, "\(a.groups.map(\.service))")
        #expect(a.xminHolder?.pid != other.backendPID)
    }

    /// A role without pg_monitor sees other roles' sessions without details: the snapshot says so.
    @Test func aRoleWithoutPgMonitorIsToldApart() throws {
        let server = try TestServer.current()
        let c = try Collector(dsn: server.nobodyDSN)
        defer { c.close() }
        #expect(try c.snapshot().sessions?.seesAll == false)
        let m = try Collector(dsn: server.monitorDSN)
        defer { m.close() }
        #expect(try m.snapshot().sessions?.seesAll == true)
    }

    /// A panel switched off for a missing grant comes back once the grant is given (retried on request, and by
    /// itself after a minute).
    @Test func aSwitchedOffPanelComesBackWhenGranted() throws {
        let server = try TestServer.current()
        let schema = TestServer.freshSchemaName("grant")
        try server.store(schema: schema).close()
        defer { server.dropSchema(schema) }
        try server.admin(SQL(unsafeRaw: "GRANT USAGE ON SCHEMA \"\(schema)\" TO monitor"))
        let c = try Collector(dsn: server.monitorDSN, schema: schema)
        defer { c.close() }
        let before = try c.snapshot()
        #expect(before.errors.contains { $0.panel == "pools" && $0.disabled }, "\(before.errors)")
        #expect(c.disabledPanels["pools"] != nil)
        try server.admin(SQL(unsafeRaw: "GRANT SELECT ON ALL TABLES IN SCHEMA \"\(schema)\" TO monitor"))
        try server.admin(SQL(unsafeRaw: "GRANT SELECT ON ALL SEQUENCES IN SCHEMA \"\(schema)\" TO monitor"))
        #expect(try c.snapshot().errors.contains { $0.panel == "pools" }, "still off until retried")
        c.retryDisabledPanels()
        let after = try c.snapshot()
        #expect(after.errors.isEmpty, "\(after.errors)")
        let panels = DisabledPanels(retryAfter: .milliseconds(50))
        panels.disable("pools", "pools: permission denied")
        #expect(panels.reason("pools") != nil)
        usleep(80_000)
        #expect(panels.reason("pools") == nil, "retried after the interval")
    }

    /// PostgreSQL's JIT spent a second or more compiling bounded reads of a few rows (a factstr cursor statement):
    /// the collector's session runs with it off, and a setting that would need quoting is never sent.
    @Test func theCollectorsSessionRunsWithoutJIT() throws {
        let server = try TestServer.current()
        let c = try Collector(dsn: server.directDSN, schema: TestServer.freshSchemaName("jit"))
        defer { c.close() }
        _ = try c.snapshot()
        #expect(try c.pool.query("SHOW jit").first?[0] == "off")
        let o = Connection.Options(settings: ["jit": "off", "work_mem": "64MB", "search_path": "a b", "x'": "1"])
        #expect(o.settingWords == ["-c jit=off", "-c work_mem=64MB"])
    }

    /// An admin session holding an ACCESS EXCLUSIVE lock on the store's cursors table in an open transaction.
    static func lockCursors(_ server: TestServer, _ schema: String) throws -> Connection {
        let locker = try Connection(try ConnectionString(server.adminDSN))
        try locker.query("BEGIN")
        try locker.query(SQL(unsafeRaw: "LOCK TABLE \"\(schema)\".cursors IN ACCESS EXCLUSIVE MODE"))
        return locker
    }

    /// A store table locked by another session costs one short lock wait (lock_timeout), not a statement timeout
    /// per statement: the panel says why, the rest of the snapshot is served.
    @Test func aLockedTableCostsOneShortWait() throws {
        let server = try TestServer.current()
        let schema = TestServer.freshSchemaName("lock")
        try server.store(schema: schema).close()
        defer { server.dropSchema(schema) }
        let locker = try Self.lockCursors(server, schema)
        defer { locker.close() }
        let c = try Collector(dsn: server.directDSN, schema: schema, statementTimeout: .seconds(30))
        defer { c.close() }
        let s = try c.snapshot()
        try locker.query("ROLLBACK")
        let cursors = s.errors.first { $0.panel == "cursors" }
        #expect(cursors?.reason.contains("lock") == true, "\(s.errors)")
        #expect(s.server != nil && s.sessions != nil && s.streams != nil)
    }

    /// Behind PgBouncer in transaction mode the startup options that set the timeouts never reach the server: the
    /// collector sets them per transaction (each panel in a savepoint), so a locked table still costs one short
    /// wait there, and the panels after it are read. Without that the snapshot waited for the locker.
    @Test func behindPgBouncerALockedTableStillCostsOneShortWait() throws {
        let server = try TestServer.current()
        let schema = TestServer.freshSchemaName("plock")
        try server.store(schema: schema).close()
        defer { server.dropSchema(schema) }
        let locker = try Self.lockCursors(server, schema)
        defer { locker.close() }
        // the lock goes away by itself after 20 s, so a collector without timeouts ends too (late)
        let released = DispatchSemaphore(value: 0)
        nonisolated(unsafe) let held = locker
        Thread.detachNewThread {
            _ = released.wait(timeout: .now() + 20)
            _ = try? held.query("ROLLBACK")
        }
        let c = try Collector(dsn: server.bouncerDSN, schema: schema, statementTimeout: .seconds(30), refreshDeadline: .seconds(60))
        defer { c.close() }
        let t0 = ContinuousClock.now
        let s = try c.snapshot()
        let took = t0.duration(to: .now)
        released.signal()
        #expect(c.pool.behindTransactionPooler)
        #expect(took < .seconds(10), "the snapshot waited \(took) for the lock")
        let cursors = s.errors.first { $0.panel == "cursors" }
        #expect(cursors?.reason.contains("lock") == true, "\(s.errors)")
        #expect(s.server != nil && s.sessions != nil && s.streams != nil)
        // only the locked panel failed (and the outboxes say they miss its watcher positions); the rest was read
        #expect(s.errors.allSatisfy { ["cursors", "outboxes"].contains($0.panel) }, "\(s.errors)")
        usleep(300_000)
        let again = try c.snapshot()
        #expect(again.errors.isEmpty, "\(again.errors)")
    }

    /// A schema newer than this storetop knows is reported, and the snapshot is still read.
    @Test func aNewerSchemaIsReported() throws {
        let server = try TestServer.current()
        let schema = TestServer.freshSchemaName("newer")
        try server.store(schema: schema).close()
        defer { server.dropSchema(schema) }
        try server.admin(
            SQL(unsafeRaw: "INSERT INTO \"\(schema)\".schema_version (version, library) VALUES (\(StoreSchema.currentVersion + 1), 'future')"))
        let c = try Collector(dsn: server.directDSN, schema: schema)
        defer { c.close() }
        let s = try c.snapshot()
        #expect(s.errors.contains { $0.panel == "store" && $0.reason.contains("newer than this storetop knows") }, "\(s.errors)")
        #expect(s.streams != nil)
    }
}
