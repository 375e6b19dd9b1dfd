import Foundation
import Testing

@testable import StoreMetrics

/// The lock tree from backends' `blockedBy`, with no server: roots, depths, waiters counted once, several blockers,
/// a cycle, a blocker outside the snapshot, and the header's figures.
@Suite struct LockTreeTests {
    let now = Date(timeIntervalSince1970: 1_000_000)

    func backend(_ pid: Int32, blockedBy: [Int32] = [], waitingFor seconds: Double? = nil) -> Snapshot.Backend {
        var b = Snapshot.Backend(
            pid: pid, applicationName: "app", user: "u", state: blockedBy.isEmpty ? "idle in transaction" : "active",
            waitEventType: blockedBy.isEmpty ? nil : "Lock", waitEvent: blockedBy.isEmpty ? nil : "transactionid", queryStart: nil,
            transactionStart: now.addingTimeInterval(-100), stateChange: nil, xminAge: nil, blockedBy: blockedBy, query: "q\(pid)")
        b.waitStart = seconds.map { now.addingTimeInterval(-$0) }
        return b
    }

    func tree(_ bs: [Snapshot.Backend]) -> LockTree {
        LockTree(Snapshot.Sessions(groups: [], backends: bs, xminHolder: nil, deliveryBlockers: []), now: now)
    }

    @Test func aThreeLevelChainHangsFromItsRootWithEachWaiterCountedOnce() {
        let t = tree([
            backend(10), backend(20, blockedBy: [10], waitingFor: 30), backend(30, blockedBy: [20], waitingFor: 12),
            backend(31, blockedBy: [20], waitingFor: 5), backend(99),
        ])
        #expect(t.nodes.map(\.pid) == [10, 20, 30, 31])
        #expect(t.nodes.map(\.depth) == [0, 1, 2, 2])
        #expect(t.nodes.map(\.waiters) == [3, 2, 0, 0])
        #expect(t.nodes.allSatisfy { $0.root == 10 })
        #expect(t.nodes[0].waitSeconds == nil)
        #expect(t.nodes[1].waitSeconds == 30)
        #expect(t.blocked == 3)
        #expect(t.oldestWaitSeconds == 30)
        #expect(t.nodes[2].backend?.query == "q30")
    }

    @Test func rootsWithMoreWaitersComeFirstAndABackendBlockedByTwoShowsUnderBoth() {
        let t = tree([
            backend(1), backend(2), backend(5, blockedBy: [1, 2], waitingFor: 1), backend(6, blockedBy: [2], waitingFor: 2),
        ])
        #expect(t.nodes.map(\.pid) == [2, 5, 6, 1, 5])
        #expect(t.nodes.filter { $0.depth == 0 }.map(\.waiters) == [2, 1])
        #expect(t.blocked == 2)
    }

    @Test func aCycleIsRootedAtItsLowestPidAndCutWhereItCloses() {
        let t = tree([backend(7, blockedBy: [8], waitingFor: 3), backend(8, blockedBy: [7], waitingFor: 4)])
        #expect(t.nodes.map(\.pid) == [7, 8, 7])
        #expect(t.nodes.last?.cycle == true)
        #expect(t.nodes[0].waiters == 1)
        #expect(t.blocked == 2)
    }

    @Test func aBlockerOutsideTheSnapshotIsARootWithoutABackend() {
        let t = tree([backend(40, blockedBy: [4000], waitingFor: 9)])
        #expect(t.nodes.map(\.pid) == [4000, 40])
        #expect(t.nodes[0].backend == nil)
        #expect(t.nodes[1].backend?.pid == 40)
    }

    @Test func nothingBlockedIsAnEmptyTree() {
        let t = tree([backend(1), backend(2)])
        #expect(t.isEmpty)
        #expect(t.nodes.isEmpty)
        #expect(t.oldestWaitSeconds == nil)
        #expect(LockTree(nil, now: now).isEmpty)
    }
}
