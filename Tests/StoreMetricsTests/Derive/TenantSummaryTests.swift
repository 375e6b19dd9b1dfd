import Foundation
import Testing

@testable import StoreMetrics

/// The tenant summary is built once per snapshot (by `History.add`) and is the same as building it again.
@Suite struct TenantSummaryTests {
    @Test func historyBuildsTheSummaryOnceAndItEqualsAFreshBuild() {
        let (s, d) = SampleSnapshot.derived()
        #expect(d.summary?.takenAt == s.takenAt)
        let rows = TenantSummary.rows(for: s, derived: d)
        #expect(rows == TenantSummary.build(s, d))
        #expect(rows.map(\.tenant) == ["alpha", "beta", "gamma"])
        let beta = rows.first { $0.tenant == "beta" }
        #expect(beta?.worstStatus == .stopped && beta?.worstConsumer == "gone" && beta?.bookmarks == 1)
        #expect(rows.first { $0.tenant == "alpha" }?.outboxRows == 35)
    }

    @Test func aDerivationOfAnotherSnapshotIsNotUsedForThisOne() {
        let (_, d) = SampleSnapshot.derived()
        let other = SampleSnapshot.reading(0)
        #expect(TenantSummary.rows(for: other, derived: d) == TenantSummary.build(other, d))
        #expect(TenantSummary.rows(for: other, derived: nil) == TenantSummary.build(other, nil))
        #expect(TenantSummary.rows(for: other, derived: Derived()) == TenantSummary.build(other, Derived()))
    }
}
