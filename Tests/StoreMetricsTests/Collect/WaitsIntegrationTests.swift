import Foundation
import StoreAccess
import StoreTestSupport
import Testing

@testable import StoreMetrics

/// Wait events and top queries against the test server: load with known shapes (StoreAccess-named sessions
/// sleeping and waiting on a lock; a query run N times), compared with pg_stat_activity and pg_stat_statements read
/// at the same moment.
@Suite(.serialized) struct WaitsIntegrationTests {
    func one(_ server: TestServer, _ sql: String) throws -> String? { try server.admin(SQL(unsafeRaw: sql)).first?[0] }

    /// Runs `sql` on `c` on a thread of its own; the semaphore is signalled when it returns.
    func background(_ c: Connection, _ sql: String) -> DispatchSemaphore {
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) let c = c
        Thread.detachNewThread {
            _ = try? c.query(SQL(unsafeRaw: sql)); done.signal()
        }
        return done
    }

    func waitFor(_ server: TestServer, _ sql: String) throws {
        let until = Date().addingTimeInterval(10)
        while try one(server, sql) != "t", Date() < until { Thread.sleep(forTimeInterval: 0.05) }
    }

    @Test func waitCountsAreWhatPgStatActivitySays() throws {
        let server = try TestServer.current()
        let table = "waits_\(UInt32.random(in: 0...UInt32.max))"
        _ = try server.admin(SQL(unsafeRaw: "CREATE TABLE public.\(table) (x int)"))
        defer { _ = try? server.admin(SQL(unsafeRaw: "DROP TABLE IF EXISTS public.\(table)")) }
        let dsn = try ConnectionString(server.directDSN)
        let acme = ApplicationName(service: "waitsvc", store: "orders", tenant: "acme")
        let sleeper = try Connection(dsn, applicationName: acme), waiter = try Connection(dsn, applicationName: acme)
        let holder = try Connection(
            try ConnectionString(server.adminDSN), applicationName: ApplicationName(service: "waitsvc", store: "orders", tenant: "beta"))
        defer { [sleeper, waiter, holder].forEach { $0.close() } }
        try holder.query("BEGIN")
        try holder.query(SQL(unsafeRaw: "LOCK TABLE public.\(table) IN ACCESS EXCLUSIVE MODE"))
        let slept = background(sleeper, "SELECT pg_sleep(4)")
        let waited = background(waiter, "SELECT count(*) FROM public.\(table)")
        try waitFor(
            server,
            "SELECT count(*) = 2 FROM pg_stat_activity WHERE application_name = '\(acme.rendered)' AND wait_event IN ('PgSleep', 'relation')")
        // a pg_monitor role sees every role's sessions (the holder is another role's)
        let collector = try Collector(dsn: server.monitorDSN)
        defer { collector.close() }
        var history = History()
        _ = history.add(try collector.snapshot())
        let derived = history.add(try collector.snapshot())
        // the same moment: nothing moves while one sleeps and the other waits for the lock
        let sql = try server.admin(
            SQL(
                unsafeRaw: """
                    SELECT application_name, coalesce(wait_event_type, 'CPU'), coalesce(wait_event, 'CPU'), count(*)
                      FROM pg_stat_activity
                     WHERE application_name LIKE 'st:waitsvc/%' AND state <> 'idle' AND (wait_event_type IS NOT NULL OR state = 'active')
                     GROUP BY 1, 2, 3
                    """)
        ).rows
        try holder.query("ROLLBACK")
        _ = slept.wait(timeout: .now() + 10)
        _ = waited.wait(timeout: .now() + 10)
        let mine = derived.waits.filter { $0.group.hasPrefix("st:waitsvc/") }
        var expected: [String: Int] = [:]
        for r in sql {
            expected["\(Snapshot.SessionGroup.key(ofApplicationName: r[0]!))|\(r[1]!):\(r[2]!)"] = Int(r[3]!)!
        }
        #expect(Dictionary(uniqueKeysWithValues: mine.map { ($0.key, $0.now) }) == expected)
        #expect(expected["st:waitsvc/orders/acme|Lock:relation"] == 1 && expected["st:waitsvc/orders/acme|Timeout:PgSleep"] == 1)
        // the holder is idle in its transaction, waiting for its client
        #expect(expected["st:waitsvc/orders/beta|Client:ClientRead"] == 1)
        for w in mine {
            #expect(w.samples == 2 && w.minuteAverage == Double(w.now), "\(w.key)")
            #expect(w.tenant == (w.group.hasSuffix("acme") ? "acme" : "beta") && w.service == "waitsvc" && w.store == "orders")
        }
    }
}
