import Foundation
import StoreAccess
import StoreTestSupport
import Testing

/// Two tenants with the same stream names, keys, kinds and consumer names: every store kind, through the
/// library and through the SQL functions, sees and changes only its own tenant's data. (The optional row-level
/// security recipe that holds a tenant role to its tenant even in raw SQL: TenantRoleTests.)
@Suite struct TenantIsolationTests {
    @Test func everyStoreKindKeepsTenantsApart() throws {
        let server = try TestServer.current()
        let store = try server.store()
        defer { store.close(); server.dropSchema(store.schema.name.name) }
        let s = store.schema.name
        let a = try store.events(tenant: "acme"), b = try store.events(tenant: "globex")
        try a.append(to: "orders", [EventData(type: "A1"), EventData(type: "A2")])
        try b.append(to: "orders", [EventData(type: "B1")])
        try b.append(to: "orders-x", [EventData(type: "B2")])
        // events: streams, all, prefix, query, stream info, conditional appends
        #expect(try a.readStream("orders").map(\.type) == ["A1", "A2"])
        #expect(try b.readStream("orders").map(\.type) == ["B1"])
        #expect(try a.readAll().allSatisfy { $0.tenant == "acme" })
        #expect(try a.read(streamPrefix: "orders").map(\.type) == ["A1", "A2"])
        #expect(try a.query(EventQuery([.init(types: ["B1", "B2"])])).events.isEmpty)
        #expect(try a.streamInfo("orders-x") == nil)
        #expect(try a.streamInfo("orders")?.version == 2 && b.streamInfo("orders")?.version == 1)
        _ = try a.append(to: "orders", expected: .exact(2), [EventData(type: "A3")])  // globex's appends don't move acme's versions
        // subscriptions: a live subscriber and a durable consumer of the same name per tenant
        let got = LockedList()
        let sub = try a.subscribe(after: 0) { batch in got.add(batch.map(\.tenant)) }
        let durA = try a.subscribeDurable(name: "projector") { _ in }
        let durB = try b.subscribeDurable(name: "projector") { _ in }  // same name, other tenant: not busy
        try b.append(to: "orders", [EventData(type: "B3")])
        try a.append(to: "orders", [EventData(type: "A4")])
        let deadline = Date().addingTimeInterval(10)
        while got.items.count < 4 && Date() < deadline { usleep(50_000) }
        sub.stop(); durA.stop(); durB.stop()
        #expect(got.items == ["acme", "acme", "acme", "acme"])
        // the SQL functions take the tenant as their first argument and stay inside it
        let viaSQL = try store.pool.query(SQL("SELECT tenant FROM \(ident: s).read_all('acme', 0, 1000)")).rows.map { $0[0] ?? "" }
        #expect(!viaSQL.isEmpty && viaSQL.allSatisfy { $0 == "acme" })

        // state: same key, two values; deleting one leaves the other
        let sa = try store.state(tenant: "acme"), sb = try store.state(tenant: "globex")
        _ = try sa.put("sync", JSONText("1"))
        _ = try sb.put("sync", JSONText("2"))
        #expect(try sa.get("sync")?.text == "1" && sb.get("sync")?.text == "2")
        #expect(try sa.delete("sync"))
        #expect(try sa.get("sync") == nil && sb.get("sync")?.text == "2")

        // key-value: same kind and key; lists, counts, watches, outbox reads and prunes stay in the tenant
        let ka = try store.kv(tenant: "acme", codec: RawCodec()), kb = try store.kv(tenant: "globex", codec: RawCodec())
        var wo = WatchOptions()
        wo.initialReplay = false
        let watch = try ka.watch("items", options: wo)
        _ = try kb.set("items", "sku", [2])
        _ = try ka.set("items", "sku", [1])
        _ = try kb.set("items", "only-globex", [3])
        #expect(try ka.get("items", "sku")?.value == [1] && kb.get("items", "sku")?.value == [2])
        #expect(try ka.keys("items") == ["sku"] && ka.count("items") == 1 && kb.count("items") == 2)
        let first = try watch.next(timeout: .seconds(5))
        #expect(first?.key == "sku" && first?.value == [1])
        #expect(try watch.next(timeout: .milliseconds(700)) == nil, "acme's watch saw another tenant's change")
        watch.cancel()
        let outboxA = try store.pool.query(SQL("SELECT tenant FROM \(ident: s).outbox_read('acme', 'items', 0, 100)")).rows.map { $0[0] ?? "" }
        #expect(outboxA == ["acme"])
        let pa = try store.outboxPruner(tenant: "acme", kind: "items")
        _ = try pa.execute(try pa.plan(.forced(olderThan: .zero)))
        #expect(try ka.count("items") == 1)  // pruning the outbox never touches values
        let left = try store.pool.query(SQL("SELECT tenant, count(*) FROM \(ident: s).outbox GROUP BY tenant ORDER BY tenant")).rows.map {
            "\($0[0]!)=\($0[1]!)"
        }
        #expect(left == ["globex=2"])
        _ = try ka.delete("items", "sku")
        #expect(try kb.get("items", "sku")?.value == [2])
    }

    @Test func everyStoreKindIsBoundToItsTenant() throws {
        try withStore { store, _ in
            let ka = try store.kv(tenant: "a", codec: RawCodec()), kb = try store.kv(tenant: "b", codec: RawCodec())
            try ka.set("k", "shared-key", [1])
            #expect(try kb.get("k", "shared-key") == nil)
            #expect(try kb.delete("k", "shared-key") == nil)
            #expect(try kb.count("k") == 0)
            #expect(try ka.get("k", "shared-key")?.value == [1])
            let sa = try store.state(tenant: "a"), sb = try store.state(tenant: "b")
            try sa.put("cursor", JSONText("1"))
            #expect(try sb.get("cursor") == nil)
            try sb.delete("cursor")
            #expect(try sa.get("cursor")?.text == "1")
            // outbox pruning of b never touches a's rows: b has no outbox, and a prune of it is refused as not found
            let pb = try store.outboxPruner(tenant: "b", kind: "k")
            _ = expectStoreError(.notFound) { _ = try pb.plan(.safe(retention: nil)) }
            _ = expectStoreError(.notFound) { _ = try pb.plan(.forced(olderThan: .zero)) }
            #expect(try store.outboxPruner(tenant: "a", kind: "k").plan(.forced(olderThan: .zero)).totalRows == 1)
            // the SQL functions take the tenant as data: b's delete through SQL leaves a's row
            try store.pool.query(SQL("SELECT * FROM \(ident: store.schema.name).kv_delete('b', 'k', 'shared-key')"))
            #expect(try ka.get("k", "shared-key") != nil)
            // watchers see only their tenant
            let wb = try kb.watch("k")
            defer { wb.cancel() }
            try ka.set("k", "only-a", [2])
            #expect(try wb.next(timeout: .milliseconds(500)) == nil)
        }
    }

    @Test func tableStoresAreConfinedToTheirNamespace() throws {
        let server = try TestServer.current()
        let nsA = "tiso_a_\(UInt32.random(in: 0...UInt32.max))", nsB = "tiso_b_\(UInt32.random(in: 0...UInt32.max))"
        for ns in [nsA, nsB] {
            for ddl in [
                "CREATE SCHEMA \(ns)", "CREATE TABLE \(ns).notes (id int PRIMARY KEY, body text)",
                "GRANT USAGE ON SCHEMA \(ns) TO app", "GRANT ALL ON ALL TABLES IN SCHEMA \(ns) TO app",
            ] {
                try server.admin(SQL(unsafeRaw: ddl))
            }
        }
        defer { for ns in [nsA, nsB] { _ = try? server.admin(SQL(unsafeRaw: "DROP SCHEMA \(ns) CASCADE")) } }
        let ta = try TableStore(dsn: server.dsn, service: "iso", namespace: nsA) { $0.transactionPooler = server.viaBouncer }
        let tb = try TableStore(dsn: server.dsn, service: "iso", namespace: nsB) { $0.transactionPooler = server.viaBouncer }
        defer { ta.close(); tb.close() }
        _ = try ta.insert("notes", ["id": .int(1), "body": .string("acme")])
        _ = try tb.insert("notes", ["id": .int(1), "body": .string("globex")])
        #expect(try ta.query("notes").map { $0["body"] } == [.string("acme")])
        #expect(try tb.query("notes").map { $0["body"] } == [.string("globex")])
        // another namespace's table cannot be named, qualified or smuggled in
        for name in ["\(nsB).notes", "\"\(nsB)\".notes", "notes; SELECT * FROM \(nsB).notes"] {
            _ = expectStoreError(.invalidName) { _ = try ta.query(name) }
        }
        #expect(try ta.purge("notes", where: "id = 1") == 1)
        #expect(try tb.query("notes").count == 1)
    }
}

final class LockedList: @unchecked Sendable {
    private let lock = NSLock()
    private var v: [String] = []
    func add(_ xs: [String]) { lock.lock(); v += xs; lock.unlock() }
    var items: [String] { lock.lock(); defer { lock.unlock() }; return v }
}
