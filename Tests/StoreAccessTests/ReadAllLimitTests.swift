import Foundation
import StoreTestSupport
import Testing

@testable import StoreAccess

/// Issue 17 decision: `readAll(limit:)` returns exactly `limit` events; `wholeAppends` keeps appends whole.
@Suite struct ReadAllLimitTests {
    @Test func pagesHoldExactlyLimitAndContinueInsideAnAppend() throws {
        try withStore { store, _ in
            let es = try store.events(tenant: "pages")
            try es.append(to: "one", [ev("Single")])
            let batch = try es.append(to: "many", (1...5).map { ev("E\($0)") })
            try es.append(to: "one", [ev("Single")])
            var pages: [[String]] = [], after: Int64 = 0
            while true {
                let page = try es.readAll(after: after, limit: 2)
                if page.isEmpty { break }
                pages.append(page.map(\.type))
                after = page.last!.position
            }
            #expect(pages == [["Single", "E1"], ["E2", "E3"], ["E4", "E5"], ["Single"]])
            #expect(try store.readAllTenants(after: batch.firstPosition, limit: 3).map(\.type) == ["E2", "E3", "E4"])
            // keeping appends whole: the page runs to the end of the append of its last event
            #expect(try es.readAll(after: 0, limit: 2, wholeAppends: true).map(\.position).last == batch.lastPosition)
            #expect(try store.readAllTenants(after: 0, limit: 2, wholeAppends: true).count == 6)
            // the SQL function says the same to psql users
            let sql: SQL = "SELECT count(*) FROM \(ident: store.schema.name).read_all('pages', 0, 2)"
            #expect(try store.pool.query(sql).first?[0] == "2")
        }
    }
}
