import Foundation
import StoreAccess
import StoreTestSupport

@testable import StoreMetrics

extension SnapshotIntegrationTests {
    /// A store with known contents: two tenants, a caught-up, a stopped and a stalled consumer, an outbox with a
    /// watcher, bookmarks, another client and a session idle in a transaction.
    final class Fixture {
        let server: TestServer
        let store: Store
        let schema: String
        let svc = "svc\(UInt32.random(in: 0...UInt32.max))"
        var extra: [Connection] = []
        var subs: [Subscription] = []
        let release = LockedFlag()

        init() throws {
            server = try TestServer.current()
            schema = TestServer.freshSchemaName("m")
            var o = server.storeOptions(schema: schema, reportInterval: .milliseconds(300))
            o.tenant = nil
            store = try Store.connect(server.dsn, service: svc, options: o)
            let a = try store.events(tenant: "alpha"), b = try store.events(tenant: "beta")
            try a.append(to: "s1", (1...3).map { _ in EventData(type: "A") })
            try a.append(to: "s2", [EventData(type: "A"), EventData(type: "B")])
            try b.append(to: "s1", (1...4).map { _ in EventData(type: "B") })
            // a caught-up consumer on alpha
            let fast = try a.subscribeDurable(name: "fast") { _ in }
            _ = fast.waitForPosition(try a.streamInfo("s2")!.headPosition, timeout: .seconds(10))
            subs.append(fast)
            // a consumer that stopped at position 2 (no process runs it)
            try store.pool.query(
                SQL(
                    "SELECT \(ident: store.schema.name).cursor_open('alpha', 'stopped', 'events', '[]', 'st:old/consumer/alpha', 'gone-host', 999999)"
                ))
            try store.pool.query(SQL("SELECT \(ident: store.schema.name).cursor_advance('alpha', 'stopped', 2)"))
            // its last heartbeat was long ago (admin seeding of time): nothing runs it
            try store.pool.query(
                SQL("UPDATE \(ident: store.schema.name).cursors SET heartbeat_at = now() - interval '10 minutes' WHERE name = 'stopped'"))
            // a consumer on beta that is connected but blocked in its handler
            let flag = release
            let stalled = try b.subscribeDurable(name: "stuck") { _ in while !flag.isSet { usleep(10_000) } }
            subs.append(stalled)
            // an outbox with a watcher at a known position
            let kv = try store.kv(tenant: "alpha", codec: RawCodec())
            for i in 0..<10 { try kv.set("orders", "o\(i)", [UInt8(i)]) }
            let firstID = try Int64(server.admin(SQL(unsafeRaw: "SELECT min(id) FROM \"\(schema)\".outbox")).first![0]!)!
            try store.pool.query(
                SQL("SELECT \(ident: store.schema.name).cursor_open('alpha', 'shipper', 'outbox', '{\"kind\":\"orders\"}', 'x', 'h', 1)"))
            try store.pool.query(SQL("SELECT \(ident: store.schema.name).cursor_advance('alpha', 'shipper', \(firstID + 3))"))
            // bookmarks
            try store.state(tenant: "alpha").put("sync:a", JSONText("1"))
            try store.state(tenant: "beta").put("sync:b", JSONText("2"))
            // sessions: another client, and an idle-in-transaction session holding xmin
            let other = try Connection(try ConnectionString(server.directDSN + "?application_name=\(svc)-psql"))
            let idleTx = try Connection(
                try ConnectionString(server.directDSN), applicationName: ApplicationName(service: svc, store: "idler", tenant: "beta"))
            try idleTx.query("BEGIN ISOLATION LEVEL REPEATABLE READ")
            try idleTx.query("SELECT count(*) FROM pg_class")
            extra = [other, idleTx]
            Thread.sleep(forTimeInterval: 0.5)  // let the pool report
        }

        func close() {
            release.set()
            subs.forEach { $0.stop() }
            extra.forEach { $0.close() }
            store.close()
            server.dropSchema(schema)
        }
    }
}

/// A flag set from one thread and read from another.
final class LockedFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var v = false
    func set() { lock.lock(); v = true; lock.unlock() }
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return v }
}
