import Foundation
import StoreAccess
import Testing

@testable import StoreMetrics
@testable import StoreTopUI

/// Other libraries' stores in the dashboard's own views (issue 18): the same rows and columns as StoreAccess's, a
/// STORE column saying whose each row is, one Overview line per store, and a tenant drill-in that reaches zestor's
/// namespaces and axon's. Each figure on screen is checked against the model it came from; the goldens pin the
/// layout.
@Suite struct ForeignScreenTests {
    let m = Fixture.foreignModel()
    var snap: Snapshot { m.snapshot! }

    func lines(_ view: View, tenant: String? = nil, _ w: Int = 200, _ h: Int = 50) -> [String] {
        var s = UIState()
        (s.view, s.tenant) = (view, tenant)
        return Screen.render(m, s, width: w, height: h, now: m.receivedAt!).canvas.text.split(separator: "\n").map(String.init)
    }

    func line(_ ls: [String], _ needles: String...) -> String? { ls.first { l in needles.allSatisfy { l.contains($0) } } }

    /// A count as the views format it.
    func n(_ v: Int64) -> String { Format.count(v) }

    @Test func overviewHasOneLinePerStoreWithItsWorstConsumer() throws {
        let ls = lines(.overview)
        #expect(ls.contains { $0.contains("TENANT") && $0.hasSuffix("STORE") || $0.contains(" STORE") })
        for f in snap.foreign! { #expect(line(ls, f.label) != nil, "no line for \(f.label)") }
        let factstr = try #require(line(ls, "factstr:public"))
        let mailer = try #require(snap.foreign![0].consumers.first { $0.name == "mailer" })
        for cell in [n(12040), "\(mailer.lagEvents!)", Format.duration(mailer.oldestUnhandledAgeSeconds!), "STALLED", "mailer"] {
            #expect(factstr.contains(cell), "\(cell) missing in: \(factstr)")
        }
        let zestor = try #require(line(ls, "zestor:app"))
        #expect(zestor.contains("≤" + n(180_002)) && zestor.contains(Format.duration(7_300)), "\(zestor)")
        #expect(line(ls, "~" + n(48_000), "eventcore:ledger", "LAGGING") != nil, "eventcore's estimate is labelled")
        #expect(line(ls, "acme", "storeaccess") != nil, "own rows name their store")
    }

    @Test func consumersOutboxesBookmarksAndStreamsCarryForeignRows() throws {
        let consumers = lines(.consumers)
        let balances = try #require(line(consumers, "balances", "eventcore:ledger"))
        #expect(balances.contains("≥10k") && balances.contains("LAGGING") && balances.contains("019a4c1e…"), "\(balances)")
        #expect(line(consumers, "mailer", "factstr:public", "STALLED", "212") != nil)
        let outboxes = lines(.outboxes)
        #expect(line(outboxes, "acme/order", n(90_001), "(in memory)", "zestor:app") != nil)
        #expect(line(outboxes, "beta/invoice", "≤" + n(90_001), "zestor:app") != nil, "an upper bound is labelled")
        let bookmarks = lines(.bookmarks)
        #expect(line(bookmarks, "postgres-cdc:orders_slot", "slot orders_slot missing", Format.bytes(3_145_728) + " behind", "faucet:public") != nil)
        let streams = lines(.streams)
        #expect(line(streams, "factstr:public", "12040", n(12040), Views.rate(12.5)) != nil)
        #expect(line(streams, "eventcore:ledger", "~" + n(9_990)) != nil, "the stream count estimate is labelled")
        #expect(line(outboxes, "acme/order", "≤+3.5") != nil, "zestor growth is an upper bound")
        #expect(line(streams, "eventcore:ledger", "~" + n(48_000), Format.duration(4) + " ago") != nil)
    }

    @Test func axonSessionsAreGroupedByStoreAndNamespace() throws {
        let ls = lines(.sessions)
        let acme = try #require(line(ls, "axon/shop/acme"))
        #expect(acme.contains(" 2 "), "two acme sessions: \(acme)")
        #expect(line(ls, "axon/shop/beta") != nil)
        #expect(!ls.contains { $0.contains("axon-store/") }, "no longer an unnamed client")
        let acmeTenant = TenantSummary.rows(for: snap, derived: nil).first { $0.tenant == "acme" }
        #expect(acmeTenant?.sessions == 4, "axon's sessions are not counted as StoreAccess's tenant acme")
    }

    @Test func drillingIntoATenantReachesForeignTenants() throws {
        let tenants = Screen.tenants(m)
        #expect(tenants.starts(with: ["acme", "globex", "initech"]) && tenants.contains("beta"), "\(tenants)")
        let outboxes = lines(.outboxes, tenant: "beta")
        #expect(line(outboxes, "beta/invoice") != nil)
        #expect(line(outboxes, "acme/") == nil && line(outboxes, "globex") == nil)
        let overview = lines(.overview, tenant: "acme")
        #expect(line(overview, "zestor:app", n(90_001)) != nil, "zestor cut to acme's outbox")
        #expect(line(overview, "axon:shop") != nil && line(overview, "factstr:public") == nil, "stores without tenants leave")
        #expect(lines(.consumers, tenant: "acme").allSatisfy { !$0.contains("factstr:") })
    }

    @Test func theOwnStoreIsNamedByItsSchema() {
        #expect(StoreColumn.defaultSchema == StoreSchema.defaultName)
        var other = m
        other.schema = "shop_events"
        #expect(line(lines(.consumers), "acme/billing", "storeaccess") != nil)
        var s = UIState()
        s.view = .consumers
        let text = Screen.render(other, s, width: 200, height: 50, now: m.receivedAt!).canvas.text
        #expect(text.contains("storeaccess:shop_events"))
    }

    @Test func goldens() {
        let checker = ScreenTests()
        for (view, w, h, tenant) in [
            (View.overview, 160, 45, String?.none), (.overview, 80, 24, nil), (.consumers, 120, 40, nil), (.outboxes, 120, 40, "beta"),
            (.bookmarks, 160, 45, nil), (.sessions, 120, 40, nil), (.streams, 120, 40, nil),
        ] {
            var s = UIState()
            (s.view, s.tenant) = (view, tenant)
            let name = "foreign-\(view.title.lowercased())\(tenant.map { "-" + $0 } ?? "")-\(w)x\(h)"
            checker.check(name, Screen.render(m, s, width: w, height: h, now: m.receivedAt!).canvas)
        }
    }

    @Test func theTextReportPutsForeignRowsInItsSections() {
        let text = TextReport.render(snap, derived: m.derived)
        let consumers = text.components(separatedBy: "\nCONSUMERS\n").last ?? ""
        #expect(consumers.contains("mailer") && consumers.contains("factstr:public"))
        #expect(text.contains("OTHER LIBRARIES' STORES") && !text.contains("THEIR CONSUMERS"))
    }
}
