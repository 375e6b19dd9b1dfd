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
        defer {
            store.close()
            server.dropSchema(schema)
        }
        let t = "\"\(schema)\".chain"
        _ = try server.admin(SQL(unsafeRaw: "CREATE TABLE \(t) (id int PRIMARY KEY, v int)"))
        _ = try server.admin(SQL(unsafeRaw: "INSERT INTO \(t) VALUES (1, 0), (2, 0)"))
        let chain = try LockChain(dsn: server.adminDSN, table: t, service: "locktree")
        defer { chain.release() }
        let pids = chain.pids
        Thread.sleep(forTimeInterval: 1.1)  // waits long enough to be seen as seconds
        let before = try blockers(server, [pids.root, pids.first, pids.second])
        let collector = try Collector(dsn: server.monitorDSN, schema: schema)
        defer { collector.close() }
        let snap = try collector.snapshot()
        let after = try blockers(server, [pids.root, pids.first, pids.second])
        #expect(before == after, "the chain did not move while the snapshot was read")
        #expect(after[pids.first] == [pids.root] && after[pids.second] == [pids.first] && after[pids.root] == [])
        // pg_monitor reads every session (the store's tables are not granted to it here: that panel says so)
        #expect(!snap.errors.contains { $0.panel == "sessions" }, "\(snap.errors)")
        let tree = LockTree(snap.sessions, now: snap.clock)
        let mine = tree.nodes.filter { $0.root == pids.root }
        #expect(mine.map(\.pid) == [pids.root, pids.first, pids.second])
        #expect(mine.map(\.depth) == [0, 1, 2])
        #expect(mine.map(\.waiters) == [2, 1, 0])
        #expect(mine[0].backend?.state == "idle in transaction")
        #expect(mine[1].backend?.query.contains("id = 1") == true)
        #expect(tree.blocked >= 2)
        // each wait's start is pg_locks.waitstart of its ungranted lock, and its age is measured at the snapshot's clock
        for (node, pid) in zip(mine.dropFirst(), [pids.first, pids.second]) {
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
}
