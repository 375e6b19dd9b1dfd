import Foundation
import StoreMetrics
import Testing

@testable import StoreTopUI

/// The text report of `storetop snapshot` is laid out from the dashboard's own column specs.
@Suite struct TextReportTests {
    @Test func everySectionHasItsViewsColumnsAndRows() {
        let m = Fixture.model()
        let lines = TextReport.render(m.snapshot!, derived: m.derived).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        func header(after title: String) -> [String] {
            guard let i = lines.firstIndex(of: title) else { return [] }
            return lines[i + 1].split(separator: " ").map(String.init)
        }
        func words(_ titles: [String]) -> [String] { titles.flatMap { $0.split(separator: " ").map(String.init) } }
        #expect(header(after: "TENANTS") == words(OverviewView.columns.map(\.column.title)))
        #expect(header(after: "SESSIONS") == words(SessionsView.columns.map(\.column.title)))
        #expect(header(after: "POOLS") == words(PoolsView.columns.map(\.column.title)))
        #expect(header(after: "CONSUMERS") == words(ConsumersView.columns.map(\.column.title)))
        #expect(header(after: "OUTBOXES") == words(OutboxesView.columns.map(\.column.title)))
        #expect(header(after: "BOOKMARKS") == words(BookmarksView.columns.map(\.column.title)))
        // whole cells, never cut: the longest session query and every consumer's reason are there in full
        #expect(lines.contains { $0.hasPrefix("globex/mailer ") })
        #expect(lines.contains { $0.contains("reports/adhoc/initech") })
        #expect(lines.contains("events delivery held back by pid 107 (st:reports/adhoc/initech, idle in transaction, transaction 6m40s)"))
        #expect(!lines.joined().contains("…"))
    }

    /// The report's REPLICATION section is the Replication view's table: each standby and slot by name, with its
    /// figures; a standby's summary line says how far its figures are behind.
    @Test func replicationIsASection() {
        let m = Fixture.primaryModel()
        let text = TextReport.render(m.snapshot!, derived: m.derived)
        let lines = text.split(separator: "\n").map(String.init)
        let start = lines.firstIndex(of: "REPLICATION")
        #expect(start != nil, "\(text)")
        let section = start.map { Array(lines[($0 + 1)...]) } ?? []
        for name in ["replica-eu", "replica-dr", "orders_cdc", "replica_dr", "old_etl"] {
            #expect(section.contains { $0.contains(name) }, "\(name) in the REPLICATION section")
        }
        let retained = Format.bytes(6_442_450_944)
        #expect(section.contains { $0.contains("orders_cdc") && $0.contains(retained) }, "the slot's WAL retained, \(retained)")
        let standby = Fixture.standbyModel()
        let summary = TextReport.render(standby.snapshot!, derived: standby.derived)
        #expect(summary.contains("standby (replay "), "\(summary.prefix(300))")
    }
}
