import StoreAccess
import StoreTestSupport
import Testing

@testable import StoreMetrics

/// The cursors statement's shape at a size a test can hold: a full read returns one row per consumer, and the parked
/// list (which grows with the consumers that parked) rides in one row only. Repeated in every row, 5,000 parked
/// consumers (a 300 KB list) times 50,000 consumers would make the first read a result of gigabytes.
@Suite(.serialized) struct CursorsStatementTests {
    @Test func theParkedListRidesInOneRowOfAFullRead() throws {
        let f = try ConsumerActionsTests.Fixture()
        defer { f.close() }
        for i in 0..<20 {
            try f.sql("SELECT \(f.q).cursor_open('acme', 'extra-\(i)', 'events', '[]', 'st:svc/consumer/acme', 'h1', 77)")
        }
        let result = try f.server.admin(CursorsPanel.statement(try Identifier(f.schema), since: nil))
        let counted = try f.one("SELECT count(*) FROM \(f.q).cursors")
        let consumers = try #require(counted.flatMap { Int($0) })
        #expect(result.rows.count == consumers, "one row per consumer")
        let carrying = result.rows.filter { $0["parked"] != nil }
        #expect(carrying.count == 1, "the parked list is in exactly one row")
        #expect(carrying.first?["i"] == "1")
        #expect(carrying.first?["parked"]?.contains("\"parking\"") == true, "and it names the consumer that parked")

        // what the panel reads from it: every consumer, the count and the parked events per consumer, as SQL says
        let c = try Connection(try ConnectionString(f.server.adminDSN))
        defer { c.close() }
        let read = try CursorsPanel.read(c, try Identifier(f.schema), since: nil, form: .init(version: 9))
        #expect(read.rows.count == consumers && read.count == consumers)
        let parkedText = try f.one("SELECT count(*) FROM \(f.q).parked WHERE consumer = 'parking'")
        let parked = try #require(parkedText.flatMap { Int($0) })
        #expect(read.parked[CursorKey(tenant: "acme", name: "parking")]?.n == Int64(parked))
    }

    @Test func anIncrementalReadWithNothingChangedStillCarriesTheCount() throws {
        let f = try ConsumerActionsTests.Fixture()
        defer { f.close() }
        let c = try Connection(try ConnectionString(f.server.adminDSN))
        defer { c.close() }
        let schema = try Identifier(f.schema)
        let full = try CursorsPanel.read(c, schema, since: nil, form: .init(version: 9))
        // read again since the first read's oldest running transaction: the rows written before it are not re-read
        // (a test running beside this one may hold an older transaction, so some may be), and the count and the
        // parked list, in the first row or the one row of NULLs, are the same
        let later = try CursorsPanel.read(c, schema, since: full.xmin, form: .init(version: 9))
        #expect(later.rows.count <= full.rows.count)
        #expect(later.count == full.count && later.count == 4)
        #expect(later.parked[CursorKey(tenant: "acme", name: "parking")]?.n == full.parked[CursorKey(tenant: "acme", name: "parking")]?.n)
    }
}
