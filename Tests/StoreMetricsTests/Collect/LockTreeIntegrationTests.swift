import Foundation
import StoreAccess
import StoreTestSupport
import Testing

@testable import StoreMetrics

/// A three-level blocking chain on the real server: an idle-in-transaction root holding a row lock, a waiter that
/// holds a lock of its own, and a second-level waiter. The snapshot's lock tree, counts and wait ages are compared
/// with `pg_blocking_pids` and `pg_locks` read just before and just after it.
@Suite(.serialized) struct LockTreeIntegrationTests {
    @Test func aThreeLevelChainMatchesPgLocks() throws {
        let server = try TestServer.current()
        let schema = TestServer.freshSchemaName("lt")
        var o = server.storeOptions(schema: schema)
        o.tenant = nil
        let store = try Store.connect(server.directDSN, service: "locktree", options: o)
        var conns: [Connection] = []
        defer {
            conns.forEach { $0.close() }
            store.close()
            server.dropSchema(schema)
        }
        let t = "\"\(schema)\".chain"
        _ = try server.admin(SQL(unsafeRaw: "CREATE TABLE \(t) (id int PRIMARY KEY, v int)"))
        _ = try server.admin(SQL(unsafeRaw: "INSERT INTO \(t) VALUES (1, 0), (2, 0)"))
        func open(_ name: String) throws -> Connection {
            let c = try Connection(try ConnectionString(server.adminDSN), applicationName: ApplicationName(service: "locktree", store: name))
            conns.append(c)
            return c
        }
        let root = try open("root"), first = try open("first"), second = try open("second")
        try root.query("BEGIN")
        try root.query(SQL(unsafeRaw: "UPDATE \(t) SET v = 1 WHERE id = 1"))
        try first.query("BEGIN")
        try first.query(SQL(unsafeRaw: "UPDATE \(t) SET v = 1 WHERE id = 2"))
        // each waiter blocks its connection: on a thread of its own, until the lock it waits for is released
        let done = DispatchSemaphore(value: 0)
        for (c, id) in [(first, 1), (second, 2)] {
            nonisolated(unsafe) let waiter = c
            let statement = SQL(unsafeRaw: "UPDATE \(t) SET v = 9 WHERE id = \(id)")
            Thread.detachNewThread {
                _ = try? waiter.query(statement)
                done.signal()
            }
        }
        defer {
            // release the chain from its root, then the first waiter's own lock, so both threads end
            _ = try? root.query("ROLLBACK")
            _ = done.wait(timeout: .now() + 10)
            _ = try? first.query("ROLLBACK")
            _ = done.wait(timeout: .now() + 10)
        }
        let pids = (root.backendPID, first.backendPID, second.backendPID)
        try waitUntil("both waiters wait on a lock") {
            let n = try server.admin(
                SQL("SELECT count(*) FROM pg_stat_activity WHERE pid IN (\(pids.1), \(pids.2)) AND wait_event_type = 'Lock'")
            ).first?[0]
            return n == "2"
        }
        Thread.sleep(forTimeInterval: 1.1)  // waits long enough to be seen as seconds
        let before = try blockers(server, [pids.0, pids.1, pids.2])
        let collector = try Collector(dsn: server.monitorDSN, schema: schema)
        defer { collector.close() }
        let snap = try collector.snapshot()
        let after = try blockers(server, [pids.0, pids.1, pids.2])
        #expect(before == after, "the chain did not move while the snapshot was read")
        #expect(after[pids.1] == [pids.0] && after[pids.2] == [pids.1] && after[pids.0] == [])
        // pg_monitor reads every session (the store's tables are not granted to it here: that panel says so)
        #expect(!snap.errors.contains { $0.panel == "sessions" }, "\(snap.errors)")
        let tree = LockTree(snap.sessions, now: snap.clock)
        let mine = tree.nodes.filter { $0.root == pids.0 }
        #expect(mine.map(\.pid) == [pids.0, pids.1, pids.2])
        #expect(mine.map(\.depth) == [0, 1, 2])
        #expect(mine.map(\.waiters) == [2, 1, 0])
        #expect(mine[0].backend?.state == "idle in transaction")
        #expect(mine[1].backend?.query.contains("id = 1") == true)
        #expect(tree.blocked >= 2)
        // each wait's start is pg_locks.waitstart of its ungranted lock, and its age is measured at the snapshot's clock
        for (node, pid) in zip(mine.dropFirst(), [pids.1, pids.2]) {
            let ws = try server.admin(SQL("SELECT min(waitstart)::text FROM pg_locks WHERE pid = \(pid) AND NOT granted")).first?[0]
            let start = try Date(postgresText: #require(ws))
            #expect(abs((node.backend?.waitStart ?? .distantPast).timeIntervalSince(start)) < 0.001)
            #expect(abs((node.waitSeconds ?? -1) - snap.clock.timeIntervalSince(start)) < 0.001)
            #expect((node.waitSeconds ?? 0) >= 1)
        }
        #expect((tree.oldestWaitSeconds ?? 0) >= mine[1].waitSeconds ?? .infinity)
    }

    /// pg_blocking_pids of each pid, read as the admin.
    func blockers(_ server: TestServer, _ pids: [Int32]) throws -> [Int32: [Int32]] {
        var out: [Int32: [Int32]] = [:]
        for p in pids {
            let text = try server.admin(SQL("SELECT pg_blocking_pids(\(p))::text")).first?[0] ?? "{}"
            out[p] = text.trimmingCharacters(in: CharacterSet(charactersIn: "{}")).split(separator: ",").compactMap { Int32($0) }.sorted()
        }
        return out
    }

    func waitUntil(_ what: String, timeout: Double = 10, _ check: () throws -> Bool) throws {
        let end = Date().addingTimeInterval(timeout)
        while Date() < end {
            if try check() { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        Issue.record("timed out waiting until \(what)")
    }
}
