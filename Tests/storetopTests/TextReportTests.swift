import Foundation
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
}
