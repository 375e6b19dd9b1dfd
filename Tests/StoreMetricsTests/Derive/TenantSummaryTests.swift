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

    /// The worst consumer is the one with the worst status, the larger lag among those of that status, even when a
    /// consumer of a better status lies between them with a larger lag still (which the tenant's worst lag shows).
    @Test func theWorstConsumerIsTheLargerLagOfTheWorstStatus() {
        var s = SampleSnapshot.reading(0)
        let now = s.takenAt
        s.tenants.append("t")
        s.cursors = [
            SampleSnapshot.cursor("t", "a", position: 95, head: 100, connected: false, at: now),
            SampleSnapshot.cursor("t", "b", position: 0, head: 100, connected: true, at: now),
            SampleSnapshot.cursor("t", "c", position: 50, head: 100, connected: false, at: now),
        ]
        let t = TenantSummary.build(s, nil).first { $0.tenant == "t" }
        #expect(t?.worstStatus == .stopped && t?.worstConsumer == "c" && t?.worstLagEvents == 100, "\(String(describing: t))")
    }

    @Test func aDerivationOfAnotherSnapshotIsNotUsedForThisOne() {
        let (_, d) = SampleSnapshot.derived()
        let other = SampleSnapshot.reading(0)
        #expect(TenantSummary.rows(for: other, derived: d) == TenantSummary.build(other, d))
        #expect(TenantSummary.rows(for: other, derived: nil) == TenantSummary.build(other, nil))
        #expect(TenantSummary.rows(for: other, derived: Derived()) == TenantSummary.build(other, Derived()))
    }
}
