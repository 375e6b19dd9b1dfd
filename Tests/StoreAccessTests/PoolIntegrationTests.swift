import Foundation
import StoreTestSupport
import Testing

@testable import StoreAccess

@Suite struct PoolIntegrationTests {
    func pool(
        _ server: TestServer, max: Int = 3, timeout: Duration = .seconds(5),
        _ configure: (inout PoolConfiguration) -> Void = { _ in }
    ) throws -> Pool {
        var c = PoolConfiguration(
            source: try ConnectionString(server.dsn),
            applicationName: ApplicationName(service: "pooltest\(UInt32.random(in: 0...UInt32.max))", store: "pool"))
        c.maxConnections = max
        c.acquireTimeout = timeout
        c.transactionPooler = server.viaBouncer
        c.reportInterval = nil
        configure(&c)
        return try Pool(c)
    }

    @Test func saturationTimesOutAtTheConfiguredTimeWithATypedError() throws {
        let server = try TestServer.current()
        let p = try pool(server, max: 2, timeout: .milliseconds(400))
        defer { p.close() }
        let held = [try p.acquire(), try p.acquire()]
        let t0 = ContinuousClock.now
        do {
            _ = try p.acquire()
            Issue.record("acquired past the maximum")
        } catch let e as StoreError {
            #expect(e.code == .poolTimeout)
            #expect(e.message.contains("2 of 2"))
        }
        let waited = t0.duration(to: .now)
        #expect(waited >= .milliseconds(390))
        #expect(waited < .milliseconds(1500))
        let m = p.metrics()
        #expect(m.timeoutsTotal == 1)
        #expect(m.inUse == 2)
        #expect(m.utilization == 1.0)
        held.forEach(p.release)
        #expect(p.metrics().idle == 2)
    }

    @Test func waiterGetsTheReleasedConnection() throws {
        let server = try TestServer.current()
        let p = try pool(server, max: 1, timeout: .seconds(5))
        defer { p.close() }
        let c = try p.acquire()
        let done = DispatchSemaphore(value: 0)
        let result = LockedBox<Int32>(0)
        Thread.detachNewThread {
            let pid = try? p.withConnection { $0.backendPID }
            result.set(pid ?? -1)
            done.signal()
        }
        usleep(200_000)
        #expect(p.metrics().waiting == 1)
        let pid = c.backendPID
        p.release(c)
        #expect(done.wait(timeout: .now() + 5) == .success)
        #expect(result.get() == pid)
        let m = p.metrics()
        #expect(m.acquisitionsTotal == 2)
        #expect(m.acquireMaxMilliseconds >= 150)
        #expect(m.createdTotal == 1)
    }

    @Test func metricsMatchWhatWasDone() throws {
        let server = try TestServer.current()
        let p = try pool(server, max: 4)
        defer { p.close() }
        let threads = 4, perThread = 25
        let g = DispatchGroup()
        let errors = LockedBox(0)
        for _ in 0..<threads {
            g.enter()
            Thread.detachNewThread {
                for _ in 0..<perThread {
                    do { try p.withConnection { c in _ = try c.query("SELECT pg_sleep(0.001)") } } catch { errors.update { $0 += 1 } }
                }
                g.leave()
            }
        }
        g.wait()
        let m = p.metrics()
        #expect(errors.get() == 0)
        #expect(m.acquisitionsTotal == threads * perThread)
        #expect(m.createdTotal >= 1 && m.createdTotal <= 4)
        #expect(m.size == m.createdTotal - m.closedTotal)
        #expect(m.peakInUse >= 1 && m.peakInUse <= 4)
        #expect(m.inUse == 0)
        #expect(m.timeoutsTotal == 0)
        #expect(m.acquireMeanMilliseconds >= 0)
        #expect(m.acquireP99Milliseconds >= m.acquireMeanMilliseconds * 0.5)
        // what the server sees: exactly `size` sessions with this pool's name
        let seen = try server.admin("SELECT count(*) FROM pg_stat_activity WHERE application_name = \(p.configuration.applicationName.rendered)")
        if !server.viaBouncer { #expect(try seen.first?.decode(0, as: Int.self) == m.size) }
    }

    @Test func connectionErrorsAreCountedAndTyped() throws {
        var c = PoolConfiguration(
            source: try ConnectionString("postgresql://app:pw-x@127.0.0.1:1/x?connect_timeout=2"),
            applicationName: ApplicationName(service: "pooltest", store: "bad"))
        c.reportInterval = nil
        let p = try Pool(c)
        defer { p.close() }
        #expect(throws: StoreError.self) { try p.query("SELECT 1") }
        #expect(p.metrics().connectionErrorsTotal == 1)
        #expect(p.metrics().size == 0)
    }

    @Test func closeIsIdempotentAndLaterCallsFail() throws {
        let server = try TestServer.current()
        let p = try pool(server)
        try p.query("SELECT 1")
        p.close()
        p.close()
        do {
            try p.query("SELECT 1")
            Issue.record("query after close")
        } catch let e as StoreError {
            #expect(e.code == .closed)
        }
        #expect(p.metrics().size == 0)
    }

    @Test func brokenConnectionsAreReplaced() throws {
        let server = try TestServer.current()
        guard !server.viaBouncer else { return }  // backends are PgBouncer's to manage in that lane
        let p = try pool(server, max: 1)
        defer { p.close() }
        let pid = try p.withConnection { try $0.query("SELECT pg_backend_pid()").first!.decode(0, as: Int32.self) }
        try server.admin("SELECT pg_terminate_backend(\(pid))")
        usleep(200_000)
        // the dead idle connection is noticed at acquire and replaced
        let pid2 = try p.withConnection { try $0.query("SELECT pg_backend_pid()").first!.decode(0, as: Int32.self) }
        #expect(pid2 != pid)
        #expect(p.metrics().closedTotal == 1)
    }

    @Test func idleTimeoutAndMinConnections() throws {
        let server = try TestServer.current()
        let p = try pool(server, max: 3) {
            $0.idleTimeout = .milliseconds(200); $0.minConnections = 1
        }
        defer { p.close() }
        #expect(p.metrics().size == 0)  // lazy
        let a = try p.acquire(), b = try p.acquire()
        p.release(a); p.release(b)
        #expect(p.metrics().size == 2)
        Thread.sleep(forTimeInterval: 2.5)
        #expect(p.metrics().size == 1)  // idle ones closed down to the minimum
    }

    @Test func healthCheckReportsSchemaVersion() throws {
        let server = try TestServer.current()
        let store = try server.store()
        defer { store.close(); server.dropSchema(store.schema.name.name) }
        let h = store.healthCheck()
        #expect(h.healthy)
        #expect(h.schemaVersion == StoreSchema.currentVersion)
        #expect(h.roundTrip != nil)
        let missing = try StoreSchema("no_such_schema_here")
        let h2 = store.pool.healthCheck(schema: missing)
        #expect(!h2.healthy)
        #expect(h2.problem?.contains("missing") == true)
    }

    @Test func reporterPublishesAndRemovesItsRow() throws {
        let server = try TestServer.current()
        let schema = TestServer.freshSchemaName()
        let store = try server.store(service: "reporter", schema: schema, reportInterval: .milliseconds(200))
        defer { server.dropSchema(schema) }
        for _ in 0..<5 { try store.pool.query("SELECT 1") }
        Thread.sleep(forTimeInterval: 0.6)
        let rows = try server.admin(
            SQL(
                unsafeRaw:
                    "SELECT service, store, pid, acquisitions_total, max_size, interval_ms, now() - reported_at < interval '2 seconds' FROM \"\(schema)\".pool_reports"
            ))
        #expect(rows.rows.count == 1)
        let r = try #require(rows.first)
        #expect(r[0] == "reporter")
        #expect(r[1] == "store")
        #expect(try r.decode(2, as: Int32.self) == getpid())
        #expect(try r.decode(3, as: Int.self) >= 5)
        #expect(try r.decode(4, as: Int.self) == 8)
        #expect(try r.decode(5, as: Int.self) == 200)
        #expect(r[6] == "t")
        store.close()
        let after = try server.admin(SQL(unsafeRaw: "SELECT count(*) FROM \"\(schema)\".pool_reports"))
        #expect(after.first?[0] == "0")
    }

    @Test func serverRestartMidUse() throws {
        let priv = try PrivateServer()
        defer { priv.stop() }
        var c = PoolConfiguration(
            source: try ConnectionString(priv.dsn),
            applicationName: ApplicationName(service: "pooltest", store: "restart"))
        c.maxConnections = 2
        c.reportInterval = nil
        c.acquireTimeout = .seconds(2)
        let p = try Pool(c)
        defer { p.close() }
        try p.query("SELECT 1")
        // a connection in use while the server restarts
        let inUse = try p.acquire()
        try priv.restart(mode: "immediate")
        do {
            try inUse.query("SELECT 1")
            Issue.record("a statement on a connection from before the restart succeeded")
        } catch let e as StoreError {
            #expect(e.isConnectionError, "\(e)")
        }
        p.release(inUse)
        // the pool recovers by itself: the next call gets a fresh connection
        var ok = false
        for _ in 0..<20 {
            if (try? p.query("SELECT 1")) != nil { ok = true; break }
            usleep(200_000)
        }
        #expect(ok)
        #expect(p.metrics().inUse == 0)
    }
}

final class LockedBox<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: T
    init(_ v: T) { value = v }
    func get() -> T { lock.lock(); defer { lock.unlock() }; return value }
    func set(_ v: T) { lock.lock(); value = v; lock.unlock() }
    func update(_ f: (inout T) -> Void) { lock.lock(); f(&value); lock.unlock() }
}
