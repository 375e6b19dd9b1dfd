import Testing

@testable import StoreAccess

@Suite struct ApplicationNameTests {
    @Test func roundTripsASCII() {
        let n = ApplicationName(service: "orders", store: "events", tenant: "acme")
        #expect(n.rendered == "st:orders/events/acme")
        #expect(ApplicationName.parse(n.rendered) == n)
    }

    @Test func roundTripsWithoutTenant() {
        let n = ApplicationName(service: "billing", store: "kv")
        #expect(n.rendered == "st:billing/kv")
        let p = ApplicationName.parse(n.rendered)
        #expect(p?.service == "billing")
        #expect(p?.tenant == nil)
    }

    @Test func roundTripsNonASCIIAndSeparators() {
        let n = ApplicationName(service: "Zürich/ops", store: "100%~", tenant: "日本")
        let r = n.rendered
        #expect(r.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7f })
        #expect(ApplicationName.parse(r) == n)
    }

    @Test func capsAt63BytesOnACharacterBoundary() {
        let n = ApplicationName(service: String(repeating: "ü", count: 40), store: "events", tenant: "tenant-with-a-long-name-0123456789")
        let r = n.rendered
        #expect(r.utf8.count <= 63)
        let p = ApplicationName.parse(r)
        #expect(p != nil)
        #expect(p?.truncated == true)
        #expect(p?.store == "events")
        // the kept part is a prefix of the original, made of whole characters
        #expect(n.service.hasPrefix(p!.service))
        #expect(n.tenant!.hasPrefix(p!.tenant!))
        #expect(p!.service.allSatisfy { $0 == "ü" })
    }

    @Test func othersAreNotParsed() {
        #expect(ApplicationName.parse("psql") == nil)
        #expect(ApplicationName.parse("pgbench") == nil)
        #expect(ApplicationName.parse("st:a/b/c/d") == nil)
        #expect(ApplicationName.parse("st:a/%ZZ") == nil)
        #expect(ApplicationName.parse("axon-store/claims/t1") == nil)
    }
}
