import Foundation
import Testing

@testable import StoreMetrics

/// The probe plan, case by case, with no server: which first unhandled rows and oldest outbox rows a snapshot
/// knows without asking (records the consumers made, answers carried from the previous snapshot, first new
/// events) and which it must probe.
@Suite struct ProbePlannerTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    func events(
        _ name: String, at position: Int64, tenant: String = "t", recordCurrent: Bool = false, next: Int64? = nil,
        nextAt: Date? = nil, checked: Int64? = nil
    ) -> CursorRow {
        CursorRow(
            tenant: tenant, name: name, source: "events", kind: nil, position: position, ownerApplication: nil, ownerHost: nil,
            ownerPid: nil, ownerBackendPid: nil, lockKey: 1, heartbeatAt: nil, movedAt: nil, recordCurrent: recordCurrent,
            nextPosition: next, nextAt: nextAt, nextChecked: checked, nextPruned: nil)
    }

    func watcher(
        _ name: String, at position: Int64, recordCurrent: Bool = false, next: Int64? = nil, nextAt: Date? = nil,
        checked: Int64? = nil, pruned: Int64? = nil
    ) -> CursorRow {
        CursorRow(
            tenant: "t", name: name, source: "outbox", kind: "orders", position: position, ownerApplication: nil, ownerHost: nil,
            ownerPid: nil, ownerBackendPid: nil, lockKey: 2, heartbeatAt: nil, movedAt: nil, recordCurrent: recordCurrent,
            nextPosition: next, nextAt: nextAt, nextChecked: checked, nextPruned: pruned)
    }

    func box(head: Int64 = 50, rows: Int64 = 10, pruned: Int64 = 0) -> OutboxRow {
        OutboxRow(tenant: "t", kind: "orders", rows: rows, head: head, appended: rows + pruned, pruned: pruned)
    }

    func plan(
        _ cursors: [CursorRow], outboxes: [OutboxRow] = [], heads: [String: Int64] = ["t": 100], safe: Int64 = .max,
        carried: ProbeAnswers = .init(), arrivals: Arrivals = .init()
    ) -> ProbePlan {
        let boxes = Dictionary(outboxes.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        return ProbePlanner(carried: carried, arrivals: arrivals).plan(
            cursors: cursors, outboxes: outboxes, boxes: boxes, heads: heads, safeEvents: safe)
    }

    @Test func caughtUpConsumersNeedNothing() {
        let p = plan([events("a", at: 100), events("b", at: 120)], outboxes: [box(rows: 0)])
        #expect(p.isEmpty)
        #expect(p.known.next.isEmpty)
    }

    @Test func onlySettledPositionsCount() {
        // behind the head but not behind the safe position: an append in flight, nothing settled to probe
        #expect(plan([events("a", at: 90)], safe: 90).isEmpty)
        let p = plan([events("a", at: 90)], safe: 95)
        #expect(p.events.map(\.name) == ["a"])
        #expect(p.asked[CursorKey(tenant: "t", name: "a")]?.position == 90)
    }

    @Test func aCurrentRecordAnswersWithoutAProbe() {
        let at = t0.addingTimeInterval(-30)
        let p = plan([events("a", at: 40, recordCurrent: true, next: 41, nextAt: at)])
        #expect(p.isEmpty)
        #expect(p.known.next[CursorKey(tenant: "t", name: "a")] == .init(position: 40, pruned: 0, at: at))
        // a record made for another position (moved by hand) is not used
        let stale = plan([events("a", at: 40, recordCurrent: false, next: 41, nextAt: at)])
        #expect(stale.events.map(\.position) == [40])
    }

    @Test func nothingUnhandledUpToTheCheckedPosition() {
        // checked up to 100 = the settled head: no lag, no probe
        #expect(plan([events("a", at: 40, recordCurrent: true, checked: 100)]).isEmpty)
        // checked up to 60, events arrived since the previous snapshot after 60 (previous head 60): the first new one
        let first = t0.addingTimeInterval(-2)
        let arrivals = Arrivals(valid: true, previousHeads: ["t": 60], first: ["t": (position: 70, at: first)])
        let p = plan([events("a", at: 40, recordCurrent: true, checked: 60)], arrivals: arrivals)
        #expect(p.isEmpty)
        #expect(p.known.next[CursorKey(tenant: "t", name: "a")]?.at == first)
        // an earlier event of the tenant may lie between 60 and the previous head (80): ask
        let between = Arrivals(valid: true, previousHeads: ["t": 80], first: ["t": (position: 90, at: first)])
        #expect(plan([events("a", at: 40, recordCurrent: true, checked: 60)], arrivals: between).events.count == 1)
    }

    @Test func carriedAnswersHoldWhileTheConsumerStays() {
        let at = t0.addingTimeInterval(-9)
        var carried = ProbeAnswers()
        carried.next[CursorKey(tenant: "t", name: "a")] = .init(position: 40, pruned: 0, at: at)
        #expect(plan([events("a", at: 40)], carried: carried).known.next[CursorKey(tenant: "t", name: "a")]?.at == at)
        #expect(plan([events("a", at: 40)], carried: carried).isEmpty)
        // it moved: the carried answer is void
        #expect(plan([events("a", at: 41)], carried: carried).events.map(\.position) == [41])
    }

    @Test func aConsumerCaughtUpAtThePreviousSnapshotGetsTheFirstNewEvent() {
        let first = t0.addingTimeInterval(-1)
        let arrivals = Arrivals(valid: true, previousHeads: ["t": 80], first: ["t": (position: 85, at: first)])
        let p = plan([events("a", at: 80), events("b", at: 79)], arrivals: arrivals)
        #expect(p.known.next[CursorKey(tenant: "t", name: "a")]?.at == first)
        #expect(p.events.map(\.name) == ["b"])  // behind the previous head: its first unhandled event is older
        // arrivals not valid (full pass this time): ask
        #expect(plan([events("a", at: 80)], arrivals: Arrivals(valid: false, previousHeads: ["t": 80], first: ["t": (85, first)])).events.count == 1)
    }

    @Test func aWatchersRecordIsVoidOnceItsOutboxWasPruned() {
        let at = t0.addingTimeInterval(-5)
        let w = watcher("w", at: 20, recordCurrent: true, next: 21, nextAt: at, pruned: 3)
        #expect(plan([w], outboxes: [box(pruned: 3)]).known.next[CursorKey(tenant: "t", name: "w")] == .init(position: 20, pruned: 3, at: at))
        let pruned = plan([w], outboxes: [box(pruned: 4)])
        #expect(pruned.watchers.map(\.position) == [20])
        let asked = pruned.asked[CursorKey(tenant: "t", name: "w")]
        #expect(asked?.position == 20 && asked?.pruned == 4)
        // nothing unhandled up to the checked id, which reaches the head: no probe even after a prune
        #expect(plan([watcher("w", at: 20, recordCurrent: true, checked: 50)], outboxes: [box(rows: 0, pruned: 9)]).isEmpty)
        // caught up with its outbox, or its outbox unknown: nothing
        #expect(plan([watcher("w", at: 50)], outboxes: [box(rows: 0)]).isEmpty)
        #expect(plan([watcher("w", at: 20)]).isEmpty)
    }

    @Test func theOldestOutboxRowIsCarriedUntilThePruneCountChanges() {
        var carried = ProbeAnswers()
        let key = OutboxKey(tenant: "t", kind: "orders")
        carried.oldest[key] = .init(pruned: 2, at: t0, id: 7)
        #expect(plan([], outboxes: [box(pruned: 2)], carried: carried).known.oldest[key]?.id == 7)
        #expect(plan([], outboxes: [box(pruned: 3)], carried: carried).outboxes.map(\.kind) == ["orders"])
        #expect(plan([], outboxes: [box(rows: 0, pruned: 3)], carried: carried).isEmpty)  // an empty outbox has no oldest row
    }

    @Test func answersJoinWhatIsKnown() {
        var p = plan([events("a", at: 40), watcher("w", at: 20)], outboxes: [box(pruned: 4)])
        let boxes = [OutboxKey(tenant: "t", kind: "orders"): box(pruned: 4)]
        p.take(
            [
                .init(type: "e", tenant: "t", name: "a", kind: nil, at: t0, id: nil),
                .init(type: "w", tenant: "t", name: "w", kind: "orders", at: nil, id: nil),  // nothing found
                .init(type: "e", tenant: "t", name: "never-asked", kind: nil, at: t0, id: nil),
                .init(type: "o", tenant: "t", name: nil, kind: "orders", at: t0, id: 12),
            ], boxes: boxes)
        #expect(p.known.next[CursorKey(tenant: "t", name: "a")] == .init(position: 40, pruned: 0, at: t0))
        #expect(p.known.next[CursorKey(tenant: "t", name: "w")] == nil)
        #expect(p.known.next[CursorKey(tenant: "t", name: "never-asked")] == nil)
        #expect(p.known.oldest[OutboxKey(tenant: "t", kind: "orders")] == .init(pruned: 4, at: t0, id: 12))
    }
}
