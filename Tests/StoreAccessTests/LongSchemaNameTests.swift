import Foundation
import StoreTestSupport
import Testing

@testable import StoreAccess

/// A schema name of 63 bytes (PostgreSQL's limit) works end to end: its NOTIFY channels are hashed to fit
/// (`StoreProtocol.Channel`), the SQL functions notify on the same names, and a live subscription and a KV watch
/// are woken by those notifications (their polling fallback is set to 8 s, so only a notification is fast).
@Suite struct LongSchemaNameTests {
    @Test func appendsAndKVWritesWakeLiveConsumersOfA63ByteSchema() throws {
        let server = try TestServer.current()
        let schema = String((TestServer.freshSchemaName("long") + "_" + String(repeating: "n", count: 63)).prefix(63))
        #expect(schema.utf8.count == 63, "\(schema)")
        let store = try server.store(schema: schema)
        defer { store.close(); server.dropSchema(schema) }
        let channel = store.schema.eventsChannel.name
        #expect(channel != schema + "_events" && channel.utf8.count <= 63 && channel.hasSuffix("_events"))

        var options = Subscription.Options()
        options.pollInterval = .seconds(8)
        let es = try store.events(tenant: "long")
        let seen = LockedBox<Int64>(0)
        let sub = try es.subscribe(after: 0, options: options) { batch in seen.set(batch.last!.position) }
        defer { sub.stop() }
        #expect(sub.waitUntilStarted(timeout: .seconds(5)) == nil)
        let t0 = ContinuousClock.now
        let appended = try es.append(to: "s", [ev("Long")])
        #expect(sub.waitForPosition(appended.lastPosition, timeout: .seconds(10)))
        #expect(t0.duration(to: .now) < .seconds(5), "woken by the notification, not the 8 s poll")

        var watchOptions = WatchOptions()
        watchOptions.pollInterval = .seconds(8)
        let kv = try store.kv(tenant: "long", codec: RawCodec())
        let watch = try kv.watch("k", options: watchOptions)
        defer { watch.cancel() }
        let t1 = ContinuousClock.now
        try kv.set("k", "a", [1, 2])
        let e = try #require(try watch.next(timeout: .seconds(10)))
        #expect(e.key == "a" && e.op == .create)
        #expect(t1.duration(to: .now) < .seconds(5), "woken by the notification, not the 8 s poll")

        // the functions notify on exactly the channel the library listens on
        let listener = try Connection(try ConnectionString(server.directDSN))
        defer { listener.close() }
        try listener.listen(store.schema.outboxChannel)
        try kv.set("k", "b", [3])
        let got = try listener.waitForNotifications(timeout: .seconds(5))
        #expect(got.map(\.channel) == [store.schema.outboxChannel.name])
    }
}
