import Foundation
import StoreAccess
import StoreTestSupport
import Testing

@testable import StoreMetrics

/// axon stores from real sessions named as axon names them, read through a real `Collector` snapshot.
@Suite struct AxonSessionsTests {
    /// A connection that runs one statement on another thread (an axon flow in a long statement).
    final class Busy: @unchecked Sendable {
        let c: Connection
        let done = DispatchSemaphore(value: 0)
        init(_ c: Connection) { self.c = c }
        func run(_ sql: SQL) {
            Thread.detachNewThread { [self] in
                _ = try? c.query(sql)
                done.signal()
            }
        }
    }

    @Test func storesAndPinnedSessionsFromACollectorSnapshot() throws {
        let server = try TestServer.current().inDatabase("storetop_foreign")
        let other = "billing\(UInt32.random(in: 0...UInt32.max))"
        let idle = try ZFAFixtures.connect(server, applicationName: "axon-store/shop/acme")
        let pinned = try ZFAFixtures.connect(server, applicationName: "axon-store/shop/acme")
        let cli = try ZFAFixtures.connect(server, applicationName: "axon-store/shop/introspect")
        let plain = try ZFAFixtures.connect(server, applicationName: "axon-store/\(other)")
        let busy = Busy(try ZFAFixtures.connect(server, applicationName: "axon-store/shop/acme"))
        defer {
            _ = busy.c.cancelCurrentQuery()
            busy.done.wait()
            for c in [idle, pinned, cli, plain, busy.c] { c.close() }
        }
        try idle.query("DEALLOCATE ALL")  // what axon's pool runs on release
        try pinned.query("BEGIN")
        try pinned.query("SELECT 1")
        busy.run("SELECT pg_sleep(60)")
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            let state = try idle.query(SQL("SELECT state FROM pg_stat_activity WHERE pid = \(busy.c.backendPID)")).rows.first?[0]
            if state == "active" { break }
            usleep(20_000)
        }

        let dsn = server.monitorDSN.isEmpty ? server.directDSN : server.monitorDSN
        // generous timeouts: a loaded CI lane can take longer than the default 2 s for one read
        let collector = try Collector(
            dsn: dsn, schema: TestServer.freshSchemaName("zst"), statementTimeout: .seconds(60), refreshDeadline: .seconds(120))
        defer { collector.close() }
        let snap = try collector.snapshot()
        let sessions = try #require(snap.sessions)
        let stores = AxonSessions.stores(from: sessions, now: snap.clock)
        let shop = try #require(stores.first { $0.schema == "shop" })
        let billing = try #require(stores.first { $0.schema == other })
        #expect(shop.kind == .axon && shop.label == "axon:shop" && shop.tables.isEmpty)
        let count = { (pattern: String) throws -> Int in
            try idle.query(SQL("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE \(pattern)"))
                .rows[0].decode(0)
        }
        #expect(shop.listeners == (try count("axon-store/shop/%")) && shop.listeners == 4)
        #expect(billing.listeners == (try count("axon-store/\(other)")) && billing.listeners == 1)
        // nobody has been pinned for a minute yet
        #expect(shop.warnings.isEmpty && billing.warnings.isEmpty, "\(shop.warnings)")

        // 90 s on: the session idle in its transaction and the one in its long statement are named, with the namespace
        let later = AxonSessions.stores(from: sessions, now: snap.clock.addingTimeInterval(90))
        let warned = try #require(later.first { $0.schema == "shop" }).warnings
        #expect(warned.count == 2, "\(warned)")
        #expect(warned.contains { $0.contains("pid \(pinned.backendPID) (namespace acme) idle in transaction for") })
        #expect(warned.contains { $0.contains("pid \(busy.c.backendPID) (namespace acme) active in one statement for") })
        #expect(later.first { $0.schema == other }?.warnings.isEmpty == true)
    }

    @Test func applicationNamesParse() {
        #expect(AxonSessions.parse("axon-store/shop")! == ("shop", nil))
        #expect(AxonSessions.parse("axon-store/shop/acme")! == ("shop", "acme"))
        #expect(AxonSessions.parse("axon-store/shop/a/b")! == ("shop", "a/b"))
        #expect(AxonSessions.parse("axon-store/") == nil && AxonSessions.parse("axon-store//x") == nil)
        #expect(AxonSessions.parse("st:svc/table/acme") == nil && AxonSessions.parse("psql") == nil)
    }

    @Test func theCLIAndACutNameAreSaidSo() {
        let now = Date()
        var b = Snapshot.Backend(
            pid: 42, applicationName: "axon-store/shop/introspect", user: "app", state: "active", waitEventType: nil, waitEvent: nil,
            queryStart: now.addingTimeInterval(-61), transactionStart: now.addingTimeInterval(-61), stateChange: nil, xminAge: nil,
            blockedBy: [], query: "SELECT 1")
        #expect(AxonSessions.warning(b, namespace: "introspect", now: now)?.contains("(its introspection CLI) active") == true)
        b.applicationName = "axon-store/shop/" + String(repeating: "n", count: 47)
        #expect(AxonSessions.warning(b, namespace: "n", now: now)?.contains("maybe cut") == true)
        b.state = "idle"
        #expect(AxonSessions.warning(b, namespace: "n", now: now) == nil)
    }
}
