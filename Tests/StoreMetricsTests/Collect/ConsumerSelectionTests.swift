import Foundation
import Testing

@testable import StoreMetrics

/// The partial selection of the consumers a snapshot keeps (`PartialSelection`, `CursorsPanel.Rank`,
/// `CursorsPanel.Rows.kept`): the same rows, in the same order, as sorting every row and keeping the first.
@Suite struct ConsumerSelectionTests {
    func row(_ name: String, tenant: String = "t", position: Int64, source: String = "events", kind: String? = nil) -> CursorRow {
        CursorRow(
            tenant: tenant, name: name, source: source, kind: kind, position: position, ownerApplication: nil, ownerHost: nil,
            ownerPid: nil, ownerBackendPid: nil, lockKey: 1, heartbeatAt: nil, movedAt: nil)
    }

    /// What the collector kept before the partial selection: every row ranked, sorted, the first `k`.
    func sortedPrefix(_ rows: [CursorRow], _ k: Int, heads: [String: Int64]) -> [CursorRow] {
        let rank = CursorsPanel.Rank(heads: heads, outboxes: [:])
        func gap(_ r: CursorRow) -> Int64 { withUnsafePointer(to: r) { rank.gap($0) } }
        func operated(_ r: CursorRow) -> Bool { r.ops.pausedAt != nil || r.ops.failingError != nil || r.ops.parked > 0 }
        return Array(
            rows.sorted { a, b in
                if operated(a) != operated(b) { return operated(a) }
                if gap(a) != gap(b) { return gap(a) > gap(b) }
                return (a.tenant, a.name) < (b.tenant, b.name)
            }.prefix(k))
    }

    @Test func theFirstKOfIntegersAreThoseOfAFullSortWhateverTheInput() {
        var g = SystemRandomNumberGenerator()
        for n in [1, 2, 3, 5, 17, 100, 1_000] {
            for k in [0, 1, 2, n / 2, n - 1, n, n + 3] where k >= 0 {
                // few distinct values (many ties), all distinct, sorted, reversed
                let inputs: [[Int]] = [
                    (0..<n).map { _ in Int.random(in: 0..<4, using: &g) }, (0..<n).map { _ in Int.random(in: 0..<1_000_000, using: &g) },
                    Array(0..<n), Array((0..<n).reversed()), [Int](repeating: 7, count: n),
                ]
                for a in inputs {
                    #expect(PartialSelection.first(k, of: a, by: <) == Array(a.sorted().prefix(k)), "n \(n) k \(k)")
                }
            }
        }
    }

    @Test func tiesAreBrokenByTenantThenName() {
        // every gap equal: the order is tenant, then name
        let rows = (0..<40).map { row("c\($0 % 10)", tenant: "t\($0 / 10)", position: 5) }.shuffled()
        let ranked = CursorsPanel.Rank(heads: [:], outboxes: [:]).first(12, of: rows, parkedAt: [])
        #expect(ranked.map { "\(rows[$0].tenant)/\(rows[$0].name)" } == sortedPrefix(rows, 12, heads: [:]).map { "\($0.tenant)/\($0.name)" })
        #expect(ranked.prefix(3).map { rows[$0].name } == ["c0", "c1", "c2"] && ranked.allSatisfy { rows[$0].tenant != "t2" })
    }

    @Test func fewerRowsThanTheBoundAreAllKeptAsTheyCame() {
        let rows = (0..<10).map { row("c\($0)", position: Int64($0)) }
        let read = CursorsPanel.Rows(rows: rows, parked: [:])
        #expect(read.kept(CursorsPanel.shown, heads: ["t": 100], outboxes: [:]).map(\.name) == rows.map(\.name))
        #expect(Collector.shownConsumers(rows, heads: ["t": 100], outboxes: []).map(\.name) == rows.map(\.name))
        #expect(read.kept(10, heads: [:], outboxes: [:]).map(\.name) == rows.map(\.name))
    }

    @Test func operatedConsumersAreAlwaysKeptThenTheWidestGaps() throws {
        var rows = (0..<200).map { row("c\($0)", tenant: "t\($0 % 3)", position: Int64($0 % 50)) }
        rows[150].ops.pausedAt = Date()  // caught up (position at the head), paused
        rows[151].ops.failingError = "boom"
        rows.append(row("box", tenant: "t1", position: 0, source: "outbox", kind: "mail"))
        let parked = [
            CursorKey(tenant: "t1", name: "c160"): CursorsPanel.ParkedCount(t: "t1", c: "c160", n: 3, r: 1),
            CursorKey(tenant: "t2", name: "c161"): CursorsPanel.ParkedCount(t: "t2", c: "c161", n: 0, r: 0),
        ]
        let heads = ["t0": 49, "t1": 49, "t2": 49] as [String: Int64]
        let boxes = [OutboxKey(tenant: "t1", kind: "mail"): Int64(1_000)]
        let list = CursorsPanel.Rows(rows: rows, parked: parked)
        let carried = CursorsPanel.Rows(rows: rows, parked: parked, at: CursorsPanel.CarriedRows(rows).at)
        for read in [list, carried] {
            let kept = read.kept(7, heads: heads, outboxes: boxes)
            #expect(kept.map(\.name) == ["c150", "c151", "c160", "box", "c0", "c100", "c50"])
            #expect(kept.map(\.ops.parked) == [0, 0, 3, 0, 0, 0, 0] && kept[2].ops.parkedReplaying == 1)
            // the same as ranking every row with its parked counts set, sorting and keeping the first
            let withCounts = CursorsPanel.withParked(rows, parked)
            let rank = CursorsPanel.Rank(heads: heads, outboxes: boxes)
            func gap(_ r: CursorRow) -> Int64 { withUnsafePointer(to: r) { rank.gap($0) } }
            let reference = withCounts.sorted { a, b in
                let x = (a.ops.pausedAt != nil || a.ops.failingError != nil || a.ops.parked > 0, gap(a))
                let y = (b.ops.pausedAt != nil || b.ops.failingError != nil || b.ops.parked > 0, gap(b))
                if x.0 != y.0 { return x.0 }
                if x.1 != y.1 { return x.1 > y.1 }
                return (a.tenant, a.name) < (b.tenant, b.name)
            }
            #expect(read.kept(60, heads: heads, outboxes: boxes).map(\.key) == reference.prefix(60).map(\.key))
        }
    }

    @Test func aLargeReadKeepsWhatSortingEveryRowKept() {
        let rows = (0..<(CursorsPanel.shown * 2 + 37)).map { i in
            row("c\(i % 101)", tenant: "t\(i / 101)", position: Int64.random(in: 0..<(i % 3 == 0 ? 3 : 10_000)))
        }
        let heads = Dictionary(uniqueKeysWithValues: Set(rows.map(\.tenant)).map { ($0, Int64(10_000)) })
        #expect(
            Collector.shownConsumers(rows, heads: heads, outboxes: []).map(\.key) == sortedPrefix(rows, CursorsPanel.shown, heads: heads).map(\.key))
    }

    @Test func theCarryReplacesChangedRowsInPlaceAndAppendsNewOnes() {
        let carried = CursorsPanel.CarriedRows((0..<4).map { row("c\($0)", position: Int64($0)) })
        carried.merge([row("c2", position: 20), row("new", position: 5), row("c0", position: 10)])
        #expect(carried.rows.map { "\($0.name)@\($0.position)" } == ["c0@10", "c1@1", "c2@20", "c3@3", "new@5"])
        #expect(carried.at[CursorKey(tenant: "t", name: "new")] == 4 && carried.at.count == 5)
    }
}
