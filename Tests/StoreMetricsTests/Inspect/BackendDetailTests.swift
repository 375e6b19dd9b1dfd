import Foundation
import StoreAccess
import StoreTestSupport
import Testing

@testable import StoreMetrics

/// `BackendInspector.detail` against a real three-level blocking chain, compared with what the test reads of
/// pg_stat_activity and pg_locks at the same moment (nothing moves while the chain is blocked).
@Suite(.serialized) struct BackendDetailTests {
    /// root: idle in transaction after an UPDATE of row 1. w1: holds an EXCLUSIVE lock on `other`, then waits for
    /// row 1. w2: waits for a SHARE lock on `other`. rr: a REPEATABLE READ snapshot taken before all of them (over
    /// the unix socket), the oldest horizon. All four are the application role's, which the inspector (also the
    /// application role) sees in full.
    @Test func aBlockingChainReadsAsPgStatActivityAndPgLocksShowIt() throws {
        let f = try InspectFixture()
        defer { f.drop() }
        let rr = try f.connect(f.server.adminDSN.replacingOccurrences(of: "user=postgres", with: "user=app")), root = try f.connect(),
            w1 = try f.connect(), w2 = try f.connect()
        let pids = [root.backendPID, w1.backendPID, w2.backendPID, rr.backendPID]
        var waiting: [BlockedStatement] = []
        defer { Self.cleanUp(f, pids: pids, [root, w1, w2, rr], waiting) }
        let s = f.schema
        try rr.query("BEGIN ISOLATION LEVEL REPEATABLE READ")
        try rr.query(SQL(unsafeRaw: "SELECT count(*) FROM \"\(s)\".orders"))
        try f.server.admin("SELECT pg_current_xact_id()")  // root's xid is then newer than rr's xmin
        try root.query("BEGIN")
        try root.query(SQL(unsafeRaw: "UPDATE \"\(s)\".orders SET v = v + 1 WHERE id = 1"))
        try root.query("SELECT pg_advisory_xact_lock(12, 34)")
        try w1.query("BEGIN")
        try w1.query(SQL(unsafeRaw: "LOCK TABLE \"\(s)\".other IN EXCLUSIVE MODE"))
        waiting.append(BlockedStatement(w1, SQL(unsafeRaw: "UPDATE \"\(s)\".orders SET v = v + 1 WHERE id = 1")))
        try w2.query("BEGIN")
        waiting.append(BlockedStatement(w2, SQL(unsafeRaw: "LOCK TABLE \"\(s)\".other IN SHARE MODE")))
        try #require(try f.eventually { try f.waitsOnLock(w1.backendPID) && f.waitsOnLock(w2.backendPID) })

        let inspector = try BackendInspector(dsn: f.server.dsn)
        defer { inspector.close() }
        for pid in pids {
            // read before and after: other tests' transactions may move the horizon in between (then either is right)
            let before = try #require(try ObservedBackend.read(pid, server: f.server))
            let d = try #require(try inspector.detail(pid: pid))
            let seen = try #require(try ObservedBackend.read(pid, server: f.server))
            Self.expectSame(d, seen, pid: pid, horizonBefore: before.holdsHorizon)
        }
        let (dr, d1, d2, dx) = (
            try #require(try inspector.detail(pid: pids[0])), try #require(try inspector.detail(pid: pids[1])),
            try #require(try inspector.detail(pid: pids[2])), try #require(try inspector.detail(pid: pids[3]))
        )
        // the chain as a DBA draws it
        #expect(dr.state == "idle in transaction" && dr.blockedBy.isEmpty && dr.blocks == [w1.backendPID])
        #expect(d1.state == "active" && d1.waitEvent == "transactionid" && d1.blockedBy == [root.backendPID] && d1.blocks == [w2.backendPID])
        #expect(d2.waitEvent == "relation" && d2.blockedBy == [w1.backendPID] && d2.blocks.isEmpty)
        #expect(d1.locks.first?.granted == false && d1.locks.first?.target == "transaction \(dr.backendXid ?? "-")")
        #expect(d1.locks.contains { $0.lockType == "tuple" && $0.target.hasSuffix(" of \(s).orders") && $0.granted })
        #expect(d2.locks.first.map { "\($0.target) \($0.mode) \($0.granted)" } == "table \(s).other ShareLock false")
        #expect(dr.locks.contains { $0.target == "transaction \(dr.backendXid ?? "-")" && $0.mode == "ExclusiveLock" })
        #expect(dr.locks.contains { $0.target == "advisory 12:34:2" && $0.relation == nil && $0.granted })
        #expect(dr.clientAddress == "127.0.0.1" && dr.clientPort != nil && dx.clientAddress == nil && dx.clientPort == nil)
        // the REPEATABLE READ transaction holds a snapshot and no xid of its own; whether the root or it holds the
        // horizon is compared with SQL above, at the moment of each read (other tests' transactions move it)
        #expect(dx.backendXid == nil && dx.backendXmin != nil && dr.backendXid != nil)
        #expect(dx.query.contains("count(*)") && !dx.queryTruncated && dx.trackActivityQuerySize > 0)
    }

    /// A pid that is no backend gives nil: one that never was, and one that just ended.
    @Test func anEndedBackendHasNoDetail() throws {
        let server = try TestServer.current()
        let inspector = try BackendInspector(dsn: server.dsn)
        defer { inspector.close() }
        #expect(try inspector.detail(pid: Int32.max) == nil)
        let c = try Connection(try ConnectionString(server.directDSN))
        let pid = c.backendPID
        #expect(try inspector.detail(pid: pid)?.pid == pid)
        c.close()
        let f = try InspectFixture()
        defer { f.drop() }
        #expect(try f.eventually { try server.admin(SQL("SELECT 1 FROM pg_stat_activity WHERE pid = \(pid)")).rows.isEmpty })
        #expect(try inspector.detail(pid: pid) == nil)
    }

    /// Every field the test can read the same way, and every lock.
    static func expectSame(_ d: BackendDetail, _ seen: ObservedBackend, pid: Int32, horizonBefore: Bool? = nil) {
        #expect(d.pid == pid)
        #expect(d.state == seen.state, "\(pid)")
        #expect(d.waitEventType == seen.waitEventType && d.waitEvent == seen.waitEvent, "\(pid)")
        #expect(d.transactionStart == seen.transactionStart && d.backendStart == seen.backendStart, "\(pid)")
        #expect(d.queryStart == seen.queryStart && d.stateChange == seen.stateChange, "\(pid)")
        #expect(d.backendXid == seen.backendXid, "\(pid)")
        #expect(d.clientAddress == seen.clientAddress && d.clientPort == seen.clientPort, "\(pid)")
        #expect(d.query == QueryText.redactPasswords(seen.query) && d.user == seen.user, "\(pid)")
        #expect(d.blockedBy == seen.blockedBy && d.blocks == seen.blocks, "\(pid)")
        #expect(d.holdsHorizon == seen.holdsHorizon || (horizonBefore.map { $0 != seen.holdsHorizon } ?? false), "\(pid)")
        func key(_ l: BackendDetail.Lock) -> String { "\(l.target)|\(l.mode)|\(l.granted)|\(l.relation ?? "-")|\(l.lockType)" }
        #expect(d.locks.map(key).sorted() == seen.locks.map(key).sorted(), "\(pid)")
        #expect(d.locks.allSatisfy { $0.granted == ($0.waitStart == nil) }, "a waiting lock has its waitstart: \(pid)")
        let waits = Dictionary(seen.locks.map { (key($0), $0.waitStart) }, uniquingKeysWith: { a, _ in a })
        #expect(d.locks.allSatisfy { waits[key($0)] == $0.waitStart }, "\(pid)")
        if let i = d.locks.firstIndex(where: \.granted) { #expect(!d.locks[i...].contains { !$0.granted }, "ungranted first") }
    }

    /// Rolls the chain back from its root (each waiter then finishes its statement and is rolled back in turn),
    /// then closes everything; a waiter that does not finish is terminated, one that still runs is not closed.
    static func cleanUp(_ f: InspectFixture, pids: [Int32], _ connections: [Connection], _ waiting: [BlockedStatement]) {
        _ = try? connections[0].query("ROLLBACK")
        for (k, w) in waiting.enumerated() {
            if !w.wait(seconds: 5) {
                f.terminate([pids[k + 1]])
                _ = w.wait(seconds: 5)
            }
            _ = try? connections[k + 1].query("ROLLBACK")
        }
        for (k, c) in connections.enumerated() where k == 0 || k > waiting.count || waiting[k - 1].wait(seconds: 0) { c.close() }
    }
}
