import Foundation
import StoreTestSupport
import Testing

@testable import StoreAccess

/// `Store.close()` stops everything the store started (issue 17): watches and subscriptions end, their threads
/// and LISTEN connections are gone when `close()` returns, nothing is delivered afterwards, and a store that is
/// closed starts no new consumer.
@Suite struct StoreCloseTests {
    /// Backends of `service` whose connection is a consumer's (watch, subscription or durable consumer).
    static func consumerBackends(_ server: TestServer, _ service: String) throws -> Int {
        let r = try server.admin(
            SQL(
                """
                SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE \("st:" + service + "/%") \
                AND (application_name LIKE '%/watch%' OR application_name LIKE '%/subscription%' OR application_name LIKE '%/consumer%')
                """))
        return Int(r.first?[0] ?? "") ?? -1
    }

    /// Polls `condition` for up to `seconds`.
    static func eventually(_ seconds: Double = 5, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date(timeIntervalSinceNow: seconds)
        while Date() < deadline {
            if try condition() { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return try condition()
    }

    @Test func closeEndsWatchesAndSubscriptionsAndTheirConnections() throws {
        let server = try TestServer.current()
        let service = "closing\(UInt32.random(in: 0...UInt32.max))"
        let store = try server.store(service: service)
        defer { server.dropSchema(store.schema.name.name) }
        let writer = try Store.connect(server.dsn, service: "closing-writer", options: server.storeOptions(schema: store.schema.name.name))
        defer { writer.close() }
        let kv = try store.kv(tenant: "c", codec: RawCodec())
        let plain = try kv.watch("k")
        var o = WatchOptions()
        o.durableName = "durable"
        let durable = try kv.watch("k", options: o)
        let delivered = Counter()
        let sub = try store.events(tenant: "c").subscribe { delivered.add($0.count) }
        #expect(try Self.eventually { try Self.consumerBackends(server, service) == 3 && sub.isConnected })
        try kv.set("k", "before", [1])
        #expect(Self.eventually { plain.readPosition > 0 && durable.readPosition > 0 })

        store.close()
        #expect(try Self.consumerBackends(server, service) == 0, "a LISTEN connection outlived close()")
        #expect(store.consumers.count == 0)
        _ = expectStoreError(.closed) { _ = try plain.next(timeout: .seconds(1)) }
        _ = expectStoreError(.closed) { _ = try durable.next(timeout: .seconds(1)) }
        guard case .failed(let e)? = sub.wait(timeout: .seconds(1)) else {
            Issue.record("the subscription did not end with an error after close()")
            return
        }
        #expect(e.code == .closed)

        let seen = delivered.value
        try writer.kv(tenant: "c", codec: RawCodec()).set("k", "after", [2])
        _ = try writer.events(tenant: "c").append(to: "s", [EventData(type: "T")])
        Thread.sleep(forTimeInterval: 1)
        #expect(delivered.value == seen, "the subscription delivered after close()")
        _ = expectStoreError(.closed) { _ = try plain.next(timeout: .milliseconds(100)) }
        plain.cancel()  // cancelling after close is harmless
        sub.stop()
        // the durable watcher did not take the buffered event: its cursor still has it
        let cursor = try server.admin(SQL(unsafeRaw: "SELECT position FROM \(store.schema.name.quoted).cursors WHERE name = 'durable'"))
        #expect(cursor.first?[0] == "0")
    }

    @Test func aClosedStoreStartsNoConsumer() throws {
        let server = try TestServer.current()
        let store = try server.store(service: "closed-store")
        defer { server.dropSchema(store.schema.name.name) }
        let kv = try store.kv(tenant: "c", codec: RawCodec())
        let events = try store.events(tenant: "c")
        store.close()
        store.close()
        #expect(store.isClosed)
        _ = expectStoreError(.closed) { _ = try kv.watch("k") }
        var o = WatchOptions()
        o.durableName = "d"
        _ = expectStoreError(.closed) { _ = try kv.watch("k", options: o) }
        _ = expectStoreError(.closed) { _ = try events.subscribeDurable(name: "d") { _ in } }
        _ = expectStoreError(.closed) { _ = try events.subscribe { _ in Issue.record("a subscription on a closed store delivered") } }
        _ = expectStoreError(.closed) { _ = try events.subscribe(from: .now) { _ in } }
        _ = expectStoreError(.closed) { _ = try events.live(backpressure: .fail(bound: 4)) }
        #expect(store.consumers.count == 0)
    }

    @Test func aHandlerMayCloseItsOwnStore() throws {
        let server = try TestServer.current()
        let store = try server.store(service: "self-closing")
        defer { server.dropSchema(store.schema.name.name) }
        let events = try store.events(tenant: "c")
        let sub = try events.subscribe { _ in store.close() }
        _ = try events.append(to: "s", [EventData(type: "T")])
        guard case .failed(let e)? = sub.wait(timeout: .seconds(10)) else {
            Issue.record("closing the store from a handler did not end the subscription")
            return
        }
        #expect(e.code == .closed)
        #expect(store.isClosed)
    }
}

/// A thread-safe counter for handlers.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    func add(_ k: Int) { lock.lock(); n += k; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return n }
}
