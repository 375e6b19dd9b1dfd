import Foundation
import Testing

@testable import StoreMetrics

/// The lag plan without a server: what is counted, what is carried, and how counts become a consumer's lag.
@Suite struct LagPlannerTests {
    func row(_ name: String, tenant: String = "t", position: Int64, filter: String? = nil) -> CursorRow {
        CursorRow(
            tenant: tenant, name: name, source: "events", kind: nil, position: position, ownerApplication: nil, ownerHost: nil,
            ownerPid: nil, ownerBackendPid: nil, lockKey: 1, heartbeatAt: nil, movedAt: nil, filter: filter,
            lagFilter: LagFilter(recorded: filter))
    }

    func bounds(safe: Int64, head: Int64? = nil, heads: [String: Int64] = [:], waiting: Set<String> = []) -> LagPlanner.Bounds {
        .init(safeEvents: safe, headEvents: head ?? safe, safeOutbox: 0, headOutbox: 0, tenantHeads: heads, waitingTenants: waiting)
    }

    @Test func theFirstCountIsInFullOneRangePerType() {
        let plan = LagPlanner(carried: [:]).plan(
            [row("all", position: 10), row("typed", position: 10, filter: "[{\"types\": [\"B\", \"A\", \"A\"]}]")], boxes: [:],
            bounds: bounds(safe: 50))
        #expect(plan.ranges.count == 3)
        #expect(Set(plan.ranges.map(\.type)) == [nil, "A", "B"])
        #expect(plan.ranges.allSatisfy { $0.low == 10 && $0.high == 50 && $0.cap == LagPlanner.cap })
        // counts 7 (all), 2 (A) and 3 (B): the typed consumer's lag is the sum of its types
        let counts = plan.ranges.map { r -> Int64 in r.type == nil ? 7 : r.type == "A" ? 2 : 3 }
        let (lags, carry) = plan.resolve(counts)
        #expect(lags[CursorKey(tenant: "t", name: "all")]?.lag == 7 && lags[CursorKey(tenant: "t", name: "typed")]?.lag == 5)
        #expect(lags[CursorKey(tenant: "t", name: "all")]?.handled == nil, "a fresh count says nothing about what was handled")
        #expect(carry[CursorKey(tenant: "t", name: "typed")]?.high == 50)
    }

    @Test func laterCountsAreTheChangesOnly() {
        let key = CursorKey(tenant: "t", name: "c")
        let carried = [key: LagCarry(position: 10, high: 50, lag: 20, capped: false, filter: .all, pruned: 0)]
        // moved 10 → 30, safe 50 → 80, and the tenant wrote past 50: handled (10, 30] and arrived (50, 80]
        let plan = LagPlanner(carried: carried).plan([row("c", position: 30)], boxes: [:], bounds: bounds(safe: 80, heads: ["t": 75]))
        #expect(plan.ranges.map { "\($0.low)-\($0.high)" } == ["10-30", "50-80"])
        let (lags, _) = plan.resolve([8, 4])
        #expect(lags[key]?.lag == 16 && lags[key]?.handled == 8)
        // the tenant did not write past 50: nothing arrived, nothing counted for it
        let quiet = LagPlanner(carried: carried).plan([row("c", position: 10)], boxes: [:], bounds: bounds(safe: 80, heads: ["t": 45]))
        #expect(quiet.ranges.isEmpty)
        #expect(quiet.resolve([]).lags[key]?.lag == 20)
    }

    @Test func aCappedCountIsCarriedUntilTheConsumerMoves() {
        let key = CursorKey(tenant: "t", name: "c")
        let carried = [key: LagCarry(position: 10, high: 50, lag: LagPlanner.cap, capped: true, filter: .all, pruned: 0)]
        let still = LagPlanner(carried: carried).plan([row("c", position: 10)], boxes: [:], bounds: bounds(safe: 90, heads: ["t": 90]))
        #expect(still.ranges.isEmpty)
        #expect(still.resolve([]).lags[key].map { $0.capped && $0.lag == LagPlanner.cap } == true)
        let moved = LagPlanner(carried: carried).plan([row("c", position: 20)], boxes: [:], bounds: bounds(safe: 90, heads: ["t": 90]))
        #expect(moved.ranges.map { "\($0.low)-\($0.high)" } == ["20-90"])
        #expect(moved.resolve([LagPlanner.cap]).lags[key]?.capped == true)
        #expect(moved.resolve([12]).lags[key].map { !$0.capped && $0.lag == 12 } == true)
    }

    @Test func heldBackIsAskedOnlyWhereRowsWait() {
        let rows = [row("a", tenant: "busy", position: 50), row("b", tenant: "idle", position: 50)]
        let plan = LagPlanner(carried: [:]).plan(rows, boxes: [:], bounds: bounds(safe: 50, head: 60, waiting: ["busy"]))
        #expect(plan.ranges.map { "\($0.tenant) \($0.low)-\($0.high) cap \($0.cap)" } == ["busy 50-60 cap 1"])
        let (lags, _) = plan.resolve([1])
        #expect(lags[CursorKey(tenant: "busy", name: "a")]?.waiting == true && lags[CursorKey(tenant: "idle", name: "b")]?.waiting == false)
    }

    @Test func filtersReadAsTheStoreMatchesThem() {
        #expect(LagFilter(recorded: nil) == .all && LagFilter(recorded: "[]") == .all && LagFilter(recorded: "{}") == .all)
        #expect(LagFilter(recorded: "[{\"types\": [\"A\"]}, {}]") == .all, "a filter without types matches every type")
        #expect(LagFilter(recorded: "[{\"types\": []}]").types == [], "an empty list matches nothing")
        let p = LagFilter(recorded: "[{\"types\": [\"A\"], \"payload\": [{\"x\": 1}]}]")
        #expect(p.types == ["A"] && p.query != nil)
    }

    @Test func aConsumerWithACountNotMadeHasNoLagAndKeepsItsCarry() {
        let key = CursorKey(tenant: "t", name: "c"), other = CursorKey(tenant: "u", name: "d")
        let carried = [key: LagCarry(position: 10, high: 50, lag: 20, capped: false, filter: .all, pruned: 0)]
        let plan = LagPlanner(carried: carried).plan(
            [row("c", position: 30), row("d", tenant: "u", position: 0)], boxes: [:], bounds: bounds(safe: 80, heads: ["t": 75, "u": 80]))
        // c: handled (10, 30] and arrived (50, 80]; d: (0, 80] in full
        #expect(plan.ranges.count == 3)
        var counts = [Int64?](repeating: nil, count: 3)
        counts[plan.index[plan.ranges.first { $0.tenant == "u" }!]!] = 9
        counts[plan.index[plan.ranges.first { $0.tenant == "t" && $0.low == 10 }!]!] = 8
        let (lags, carry) = plan.resolve(counts)
        #expect(lags[other]?.lag == 9)
        #expect(lags[key] == nil, "one of its two counts was not made: no figure")
        #expect(carry[key] == carried[key], "the next refresh plans the same counts again from the old carry")
    }

    @Test func countsThatFollowAPreviousCountGoFirstThenTheWidestGap() {
        let moved = CursorKey(tenant: "t", name: "moved")
        let carried = [moved: LagCarry(position: 10, high: 50, lag: 20, capped: false, filter: .all, pruned: 0)]
        let plan = LagPlanner(carried: carried).plan(
            [row("narrow", tenant: "a", position: 70), row("wide", tenant: "b", position: 5), row("moved", position: 30)], boxes: [:],
            bounds: bounds(safe: 80, heads: ["a": 80, "b": 80, "t": 45]))
        let order = plan.countOrder.map { plan.ranges[$0] }
        #expect(order.map { "\($0.tenant) \($0.low)-\($0.high)" } == ["t 10-30", "b 5-80", "a 70-80"])
    }

    @Test func aSnapshotOfManyConsumersCountsUnderTheLowerCapAndRecountsACarryOfTheOther() {
        #expect(LagPlanner.cap(consumers: 1_000) == LagPlanner.cap)
        #expect(LagPlanner.cap(consumers: 1_001) == LagPlanner.capAtScale)
        let key = CursorKey(tenant: "t", name: "c")
        let carried = [key: LagCarry(position: 10, high: 50, lag: 20, capped: false, filter: .all, pruned: 0)]
        let plan = LagPlanner(carried: carried, cap: LagPlanner.capAtScale).plan(
            [row("c", position: 10)], boxes: [:], bounds: bounds(safe: 80, heads: ["t": 80]))
        #expect(plan.ranges.map { "\($0.low)-\($0.high) cap \($0.cap)" } == ["10-80 cap 10000"], "counted afresh under the new cap")
        let (lags, carry) = plan.resolve([LagPlanner.capAtScale])
        #expect(lags[key].map { $0.capped && $0.lag == LagPlanner.capAtScale } == true)
        #expect(carry[key]?.cap == LagPlanner.capAtScale)
    }

    @Test func aSnapshotOfTooManyConsumersKeepsTheOperatedOnesThenTheWidestGaps() {
        var rows = (0..<(CursorsPanel.shown + 10)).map { i in row("c\(i)", tenant: "t\(i % 7)", position: Int64(i)) }
        var paused = row("paused", tenant: "z", position: 1_000_000)
        paused.ops.pausedAt = Date()
        rows.append(paused)
        let heads = Dictionary(uniqueKeysWithValues: (0..<7).map { ("t\($0)", Int64(1_000_000)) } + [("z", 1_000_000)])
        let kept = Collector.shownConsumers(rows.shuffled(), heads: heads, outboxes: [])
        #expect(kept.count == CursorsPanel.shown)
        #expect(kept.first?.name == "paused", "caught up, but paused: a person has to act on it")
        // the rest: the lowest positions (widest gaps) first; the 11 highest positions are left out
        #expect(kept.dropFirst().map(\.position) == (0..<Int64(CursorsPanel.shown - 1)).map { $0 })
    }
}
