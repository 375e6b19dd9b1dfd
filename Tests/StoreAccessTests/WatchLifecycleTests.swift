import Foundation
import StoreTestSupport
import Testing

@testable import StoreAccess

/// A durable watcher runs the same consumer lifecycle as a durable subscription (`ConsumerLoop`): it refreshes
/// its heartbeat while idle, and releases its consumer lock on cancel, so the next watcher of the name starts.
@Suite struct WatchLifecycleTests {
    @Test func aDurableWatchersHeartbeatMovesWhileIdle() throws {
        try withStore { store, server in
            let kv = try store.kv(tenant: "hb", codec: RawCodec())
            var o = WatchOptions()
            o.durableName = "beating"
            o.pollInterval = .milliseconds(50)
            o.heartbeatInterval = .milliseconds(200)
            let w = try kv.watch("k", options: o)
            defer { w.cancel() }
            let q = store.schema.name.quoted
            let read = SQL(unsafeRaw: "SELECT heartbeat_at::text, owner_pid FROM \(q).cursors WHERE tenant = 'hb' AND name = 'beating'")
            let first = try #require(try server.admin(read).first)
            #expect(first[1] == String(getpid()))
            Thread.sleep(forTimeInterval: 0.8)
            let later = try #require(try server.admin(read).first)
            #expect(later[0] != first[0], "heartbeat_at stayed \(String(describing: first[0]))")
        }
    }

    @Test func aWatcherStartedRightAfterAnothersCancelIsNotRefused() throws {
        try withStore { store, _ in
            let kv = try store.kv(tenant: "rs", codec: RawCodec())
            var o = WatchOptions()
            o.durableName = "single"
            for round in 0..<5 {
                let w = try kv.watch("k", options: o)
                try kv.set("k", "key\(round)", [UInt8(round)])
                #expect(try w.next(timeout: .seconds(5))?.key == "key\(round)")
                w.cancel()
            }
        }
    }

    @Test func aSecondDurableWatcherOfTheNameIsRefusedWhileTheFirstRuns() throws {
        try withStore { store, _ in
            let kv = try store.kv(tenant: "busy", codec: RawCodec())
            var o = WatchOptions()
            o.durableName = "only"
            let w = try kv.watch("k", options: o)
            defer { w.cancel() }
            _ = expectStoreError(.consumerBusy) { _ = try kv.watch("k", options: o) }
        }
    }
}
