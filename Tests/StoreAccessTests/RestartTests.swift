import Foundation
import StoreAccess
import StoreTestSupport
import Testing

/// PostgreSQL and PgBouncer restarted under a write load with a live subscriber, a durable subscriber and a
/// key-value watch attached: writers get typed errors and then succeed again, nothing acknowledged is lost, and
/// every reader resumes without a gap or a duplicate.
@Suite(.serialized) struct RestartTests {
    final class Log<T>: @unchecked Sendable {
        private let lock = NSLock()
        private var items: [T] = []
        func add(_ x: T) { lock.lock(); items.append(x); lock.unlock() }
        func add(contentsOf xs: [T]) { lock.lock(); items.append(contentsOf: xs); lock.unlock() }
        var all: [T] { lock.lock(); defer { lock.unlock() }; return items }
    }

    struct Outcome {
        var acked: [Int64] = []  // positions of acknowledged appends
        var ackedKeys: [String] = []  // keys of acknowledged sets
        var errors: [StoreError] = []
        var ackedAfterFault = 0
    }

    /// Runs the load, calls `fault` after a second, keeps writing two more seconds, then checks every reader.
    func underLoad(dsn: String, listenDSN: String, pooler: Bool, fault: () throws -> Void) throws -> Outcome {
        var o = Store.Options()
        o.schema = "restart"
        o.listenDSN = listenDSN
        o.configure = { c in
            c.maxConnections = 3
            c.acquireTimeout = .seconds(2)
            c.connectTimeout = 2
            c.transactionPooler = pooler
            c.reportInterval = nil
        }
        let store = try Store.connect(dsn, service: "restarts", options: o)
        defer { store.close() }
        let es = try store.events(tenant: "load")
        let kv = try store.kv(tenant: "load", codec: RawCodec())
        let live = Log<Int64>(), durable = Log<Int64>(), watched = Log<Int64>()
        var so = Subscription.Options()
        so.pollInterval = .milliseconds(200)
        so.reconnectDelay = .milliseconds(100)
        let liveSub = try es.subscribe(after: 0, options: so) { batch in live.add(contentsOf: batch.map(\.position)) }
        let durableSub = try es.subscribeDurable(name: "durable", options: so) { batch in durable.add(contentsOf: batch.map(\.position)) }
        var wo = WatchOptions()
        wo.durableName = "watcher"
        wo.pollInterval = .milliseconds(200)
        let watch = try kv.watch("items", options: wo)
        let stopWatch = LockedFlagBox()
        let watchDone = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            while !stopWatch.isSet {
                if let e = try? watch.next(timeout: .milliseconds(200)) { watched.add(e.id) }
            }
            watchDone.signal()
        }

        var out = Outcome()
        let faultDone = LockedFlagBox()
        let writerStop = LockedFlagBox()
        let result = Log<Outcome>()
        let writerDone = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            var w = Outcome()
            var n = 0
            while !writerStop.isSet {
                n += 1
                do {
                    let r = try es.append(to: "s\(n % 4)", [EventData(type: "Tick", payload: JSONText("{\"n\": \(n)}"))])
                    w.acked.append(r.lastPosition)
                    _ = try kv.set("items", "k\(n)", [UInt8(n & 0xff)])
                    w.ackedKeys.append("k\(n)")
                    if faultDone.isSet { w.ackedAfterFault += 1 }
                } catch let e as StoreError {
                    w.errors.append(e)
                    usleep(50_000)
                } catch {
                    w.errors.append(StoreError(.server, "untyped: \(error)"))
                }
            }
            result.add(w)
            writerDone.signal()
        }
        Thread.sleep(forTimeInterval: 1)
        try fault()
        faultDone.set()
        Thread.sleep(forTimeInterval: 2)
        writerStop.set()
        #expect(writerDone.wait(timeout: .now() + 30) == .success)
        out = result.all.first ?? out

        // every acknowledged event and key is in the store
        var stored: [Int64] = []
        var after: Int64 = 0
        while true {
            let page = try es.readAll(after: after, limit: 1000)
            if page.isEmpty { break }
            stored += page.map(\.position)
            after = page.last!.position
        }
        #expect(Set(out.acked).isSubset(of: Set(stored)), "acknowledged appends missing: \(Set(out.acked).subtracting(stored).sorted().prefix(10))")
        for k in out.ackedKeys.suffix(50) + out.ackedKeys.prefix(50) { #expect(try kv.get("items", k) != nil, "acknowledged key \(k) missing") }
        let ids = try store.pool.query(SQL("SELECT id FROM \(ident: store.schema.name).outbox WHERE tenant = 'load' AND kind = 'items' ORDER BY id"))
            .rows.map { try $0.decode(0, as: Int64.self) }
        // readers catch up with everything, once each, in order
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline && (live.all.count < stored.count || durable.all.count < stored.count || watched.all.count < ids.count) {
            usleep(100_000)
        }
        #expect(
            live.all == stored,
            "live subscriber: \(live.all.count) delivered, \(stored.count) stored, duplicates: \(live.all.count - Set(live.all).count)")
        #expect(
            durable.all == stored,
            "durable subscriber: \(durable.all.count) delivered, \(stored.count) stored, duplicates: \(durable.all.count - Set(durable.all).count)")
        #expect(
            watched.all == ids,
            "watch: \(watched.all.count) delivered, \(ids.count) stored, duplicates: \(watched.all.count - Set(watched.all).count)")
        stopWatch.set()
        _ = watchDone.wait(timeout: .now() + 5)
        watch.cancel()
        liveSub.stop()
        durableSub.stop()
        return out
    }

    @Test(arguments: ["fast", "immediate"])
    func postgresRestartedUnderLoad(mode: String) throws {
        // durable commits, so an immediate shutdown (crash recovery) may not lose an acknowledged commit
        let priv = try PrivateServer(extraConfig: "fsync = on\nsynchronous_commit = on")
        defer { priv.stop() }
        let out = try underLoad(dsn: priv.dsn, listenDSN: priv.dsn, pooler: false) { try priv.restart(mode: mode) }
        #expect(out.acked.count > 20)
        #expect(out.ackedAfterFault > 5, "writes did not resume after the restart")
        for e in out.errors { #expect(e.isConnectionError || e.code == .poolTimeout, "untyped or unexpected error: \(e)") }
    }

    @Test func pgbouncerRestartedUnderLoad() throws {
        let priv = try PrivateServer()
        defer { priv.stop() }
        let out = try underLoad(dsn: priv.bouncerDSN, listenDSN: priv.dsn, pooler: true) { try priv.restartBouncer() }
        #expect(out.acked.count > 20)
        #expect(out.ackedAfterFault > 5, "writes did not resume after PgBouncer came back")
        #expect(!out.errors.isEmpty, "PgBouncer's restart cut no connection: the test proves nothing")
        for e in out.errors { #expect(e.isConnectionError || e.code == .poolTimeout, "untyped or unexpected error: \(e)") }
    }
}

final class LockedFlagBox: @unchecked Sendable {
    private let lock = NSLock()
    private var v = false
    func set() { lock.lock(); v = true; lock.unlock() }
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return v }
}
