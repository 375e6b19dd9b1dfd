import Foundation
import StoreAccess
import StoreTestSupport
import Testing

@testable import StoreMetrics

/// The streams panel's per-tenant totals are carried from one snapshot to the next and only the events appended in
/// between are read (issue 23): after each round of appends across many tenants, new streams and a new tenant, the
/// carried totals equal SQL's count over the whole events table at the snapshot's safe position, and a fresh
/// collector (full pass over `streams`) gives the same. The store cannot delete a tenant (events are immutable:
/// UPDATE, DELETE and TRUNCATE on `events` raise), so no deletion is tested; a store dropped and created again
/// changes its epoch, which voids the carry (`CollectState.enter`).
@Suite(.serialized) struct TenantTotalsTests {
    @Test func carriedTotalsEqualSQLAfterEveryRound() throws {
        let server = try TestServer.current()
        let schema = TestServer.freshSchemaName("tt")
        var o = server.storeOptions(schema: schema)
        o.tenant = nil
        let store = try Store.connect(server.directDSN, service: "tenanttotals", options: o)
        defer {
            store.close()
            server.dropSchema(schema)
        }
        for i in 0..<40 { _ = try store.events(tenant: "t\(i)").append(to: "s0", [EventData(type: "A")]) }
        let collector = try Collector(dsn: server.directDSN, schema: schema)
        defer { collector.close() }
        let q = "\"\(schema)\""
        func expectExact(_ s: Snapshot, _ label: String) throws {
            let st = try #require(s.streams, "\(label): \(s.errors)")
            let want = try server.admin(
                SQL(
                    unsafeRaw: """
                        SELECT tenant, count(*), count(DISTINCT stream), max(position) FROM \(q).events
                         WHERE position <= \(st.safePosition) GROUP BY tenant ORDER BY tenant
                        """)
            ).rows
            #expect(st.tenants.map(\.tenant) == want.map { $0[0]! }, "\(label)")
            for (t, w) in zip(st.tenants, want) {
                #expect(t.events == Int64(w[1]!)!, "\(label): \(t.tenant)")
                #expect(t.streams == Int(w[2]!)!, "\(label): \(t.tenant)")
                #expect(t.headPosition == Int64(w[3]!)!, "\(label): \(t.tenant)")
            }
        }
        try expectExact(try collector.snapshot(), "first (full) read")
        for round in 1...4 {
            // appends to a quarter of the tenants: existing streams, new streams, several events at once
            for i in stride(from: round, to: 40, by: 4) {
                let e = try store.events(tenant: "t\(i)")
                _ = try e.append(to: "s0", [EventData(type: "B")])
                _ = try e.append(to: "s\(round)", [EventData(type: "C"), EventData(type: "C")])
            }
            _ = try store.events(tenant: "new\(round)").append(to: "n", [EventData(type: "N")])
            try expectExact(try collector.snapshot(), "round \(round) (carried)")
        }
        let quiet = try collector.snapshot()
        try expectExact(quiet, "nothing appended")
        let fresh = try Collector(dsn: server.directDSN, schema: schema)
        defer { fresh.close() }
        #expect(try fresh.snapshot().streams?.tenants == quiet.streams?.tenants)
    }
}
