import Foundation
import StoreTestSupport
import Testing

@testable import StoreAccess

/// Issue 23: the catch-up read of every tenant's events (`readAllTenants(after:pageSize:_:)`, pages pipelined on
/// one connection) and the binary-format decoding of event rows, held to what SQL says at the same moment.
@Suite struct CatchUpReadTests {
    /// A log of three tenants with a multi-event append, ids, metadata and a non-ASCII payload.
    private func seed(_ store: Store) throws {
        for (i, tenant) in ["acme", "globex", "initech"].enumerated() {
            let es = try store.events(tenant: tenant)
            try es.append(to: "order-\(i)", [ev("Placed", #"{"n": \#(i), "note": "café ✓"}"#)])
            try es.append(
                to: "batch-\(i)",
                (1...4).map { EventData(type: "Line", payload: JSONText(#"{"line": \#($0)}"#), metadata: JSONText(#"{"by": "t\#(i)"}"#)) })
            try es.append(to: "order-\(i)", [EventData(type: "Paid", id: UUID())])
        }
    }

    @Test func pipelinedPagesHoldTheLogInOrderLikeSQLAndThePagedRead() throws {
        try withStore { store, _ in
            try seed(store)
            var pages: [[RecordedEvent]] = []
            let last = try store.readAllTenants(after: 0, pageSize: 4) { pages.append($0) }
            let all = pages.flatMap { $0 }
            let s = store.schema.name
            let positions = try store.pool.query(
                "SELECT position FROM \(ident: s).events WHERE position <= \(ident: s).events_safe_position() ORDER BY position"
            ).rows.map { try $0.decode(0, as: Int64.self) }
            #expect(all.map(\.position) == positions)
            #expect(last == positions.last)
            #expect(pages.dropLast().allSatisfy { $0.count == 4 } && (pages.last?.count ?? 0) <= 4)
            // the same events as page-by-page reads, and as the text-format decoding of the same rows
            var paged: [RecordedEvent] = [], after: Int64 = 0
            while case let page = try store.readAllTenants(after: after, limit: 4), let l = page.last {
                paged += page
                after = l.position
            }
            #expect(all == paged)
            let text = try store.pool.query(
                "SELECT \(unsafeRaw: RecordedEvent.columns) FROM \(ident: s).events ORDER BY position"
            ).rows.map(RecordedEvent.init(row:))
            #expect(all == text)
            #expect(all.contains { $0.payload.text.contains("café ✓") } && all.contains { $0.id != nil })
            #expect(all.contains { $0.batchFirst != nil && $0.batchSize == 4 } && all.contains { $0.batchFirst == nil })
            // nothing after the end: the position comes back, the body is not called
            var calls = 0
            #expect(try store.readAllTenants(after: last, pageSize: 4) { _ in calls += 1 } == last)
            #expect(calls == 0)
        }
    }

    @Test func anErrorFromTheBodyEndsTheReadAndLeavesTheConnectionUsable() throws {
        struct Stop: Error {}
        try withStore(maxConnections: 1) { store, _ in
            try seed(store)
            var seen = 0
            #expect(throws: Stop.self) {
                try store.readAllTenants(after: 0, pageSize: 2) { page in
                    seen += page.count
                    if seen >= 4 { throw Stop() }
                }
            }
            #expect(seen == 4)
            // the one connection went back with nothing in flight: the next statements on it work
            let count = try store.pool.query("SELECT count(*) FROM \(ident: store.schema.name).events").first?.decode(0, as: Int.self)
            var read = 0
            try store.readAllTenants(after: 0, pageSize: 5) { read += $0.count }
            #expect(read == count)
            #expect(throws: StoreError.self) { try store.readAllTenants(after: 0, pageSize: 0) { _ in } }
        }
    }

    @Test func binaryTimestampsMatchTheTextDecodingAndTheServerEpoch() throws {
        try withStore { store, _ in
            // before 2000 (PostgreSQL's epoch), before 1970, a fraction not exact in binary, an offset of minutes
            let values =
                "('1999-12-31 23:59:59.999999+00'), ('1969-07-20 20:17:40.1+00'), ('2031-03-04 05:06:07.654321-07:30'), "
                + "('2026-12-05 11:55:35.123457+00')"
            let sql = SQL(unsafeRaw: "SELECT t::timestamptz, extract(epoch FROM t::timestamptz)::text FROM (VALUES \(values)) v(t)")
            let binary = try store.pool.withConnection { c in
                try c.queryBinary(sql, columns: [PostgresType.timestamptz, PostgresType.text]) { r in
                    (try r.timestamp(0), try r.text(1))
                }
            }
            let text = try store.pool.query(sql).rows.map { (try $0.decode(0, as: Date.self), try $0.decode(1, as: String.self)) }
            #expect(binary.count == 4 && binary.count == text.count)
            for (b, t) in zip(binary, text) {
                #expect(b.0 == t.0)
                #expect(abs(b.0.timeIntervalSince1970 - (Double(b.1) ?? .nan)) < 1e-6)
            }
            // a column of another type than the decoder expects is refused
            _ = expectStoreError(.decoding) {
                _ = try store.pool.withConnection { c in try c.queryBinary(sql, columns: [PostgresType.int8, PostgresType.text]) { _ in 0 } }
            }
        }
    }
}
