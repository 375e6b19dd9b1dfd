import Foundation
import StoreAccess
import StoreTestSupport
import Testing

@testable import StoreMetrics

/// When a refresh cannot count every consumer's lag within its budget (10k tenants, 50,000 consumers: issue 23),
/// the consumers it did not reach say "not counted" — in the snapshot, the JSON, the exposition, the status — and
/// never show another figure in its place; later refreshes go on where it stopped and end exact.
@Suite(.serialized) struct LagBudgetTests {
    @Test func consumersNotReachedSayNotCountedThenLaterRefreshesCountThem() throws {
        let f = try SnapshotIntegrationTests.Fixture()
        defer { f.close() }
        let q = "\"\(f.schema)\""
        func one(_ sql: String) throws -> String? { try f.server.admin(SQL(unsafeRaw: sql)).first?[0] }
        let collector = try Collector(dsn: f.server.directDSN, schema: f.schema)
        defer { collector.close() }
        // one range per statement and no time for a second: the first refresh counts exactly one range
        collector.lagBudget = .zero
        collector.lagChunkRanges = 1
        var h = History()
        let first = try collector.snapshot()
        let d = h.add(first)
        let behind = first.cursors.filter { $0.lagPositions > 0 }
        #expect(behind.count >= 3, "the fixture has a stopped, a stuck and an outbox consumer behind: \(first.cursors.map(\.name))")
        let counted = behind.filter { $0.lagEvents != nil }
        #expect(counted.count == 1, "\(behind.map { "\($0.name)=\(String(describing: $0.lagEvents))" })")
        // the widest position gap is counted first
        #expect(counted.first?.lagPositions == behind.map(\.lagPositions).max())
        // caught up consumers need no count: their lag is known to be 0
        #expect(first.cursors.filter { $0.lagPositions == 0 }.allSatisfy { $0.lagEvents == 0 })
        let notCounted = behind.filter { $0.lagEvents == nil }
        #expect(
            first.errors.contains { $0.panel == "lag" && $0.reason.contains("\(notCounted.count) of ") && $0.reason.contains("not counted yet") },
            "\(first.errors)")

        // JSON: null, not a figure; the tenant summary counts them apart
        let json = try JSONSerialization.jsonObject(with: Data(try JSONExport.encode(first, derived: d).utf8)) as! [String: Any]
        let jc = (json["cursors"] as! [[String: Any]]).filter { c in notCounted.contains { $0.name == c["name"] as? String } }
        #expect(jc.count == notCounted.count && jc.allSatisfy { $0["lag_events"] is NSNull }, "\(jc)")
        let tenants = json["tenants"] as! [[String: Any]]
        for t in tenants {
            let want = notCounted.filter { $0.tenant == t["tenant"] as? String }.count
            #expect(t["lags_not_counted"] as? Int == want, "\(t)")
        }
        // the exposition: no lag_events series for them, and lag_counted 0
        let prom = PrometheusExport.render(first, derived: d)
        for c in notCounted {
            let kind = c.source == "events" ? "" : ",kind=\"\(c.kind ?? "")\""
            let labels = "{tenant=\"\(c.tenant)\",store=\"\(c.source == "events" ? "events" : "kv")\"\(kind),consumer=\"\(c.name)\"}"
            #expect(!prom.contains("storetop_consumer_lag_events\(labels)"), "\(c.name)")
            #expect(prom.contains("storetop_consumer_lag_counted\(labels) 0"), "\(c.name)")
        }
        // the status still comes from what is known: the stopped consumer is STOPPED, and says its lag was not counted
        if let stopped = notCounted.first(where: { $0.name == "stopped" }) {
            let health = try #require(d.cursors[Derived.CursorKey(tenant: stopped.tenant, name: stopped.name)])
            #expect(health.status == .stopped && health.reason.contains("lag not counted"), "\(health)")
        }

        // later refreshes go on where this one stopped: every consumer is counted within a refresh per range
        var last = first
        for _ in 0..<8 where last.cursors.contains(where: { $0.lagEvents == nil }) { last = try collector.snapshot() }
        #expect(last.cursors.allSatisfy { $0.lagEvents != nil }, "\(last.cursors.map { "\($0.name)=\(String(describing: $0.lagEvents))" })")
        #expect(!last.errors.contains { $0.panel == "lag" }, "\(last.errors)")
        for c in last.cursors {
            let own =
                c.source == "events"
                ? "SELECT count(*) FROM \(q).events e, \(q).cursors c WHERE c.tenant = '\(c.tenant)' AND c.name = '\(c.name)' "
                    + "AND e.tenant = c.tenant AND e.position > c.position "
                    + "AND (jsonb_typeof(c.filter) <> 'array' OR \(q).event_matches(e.type, e.payload, c.filter))"
                : "SELECT count(*) FROM \(q).outbox WHERE tenant = '\(c.tenant)' AND kind = 'orders' AND id > \(c.position)"
            #expect(c.lagEvents == Int64(try one(own)!)!, "\(c.name)")
        }
    }
}
