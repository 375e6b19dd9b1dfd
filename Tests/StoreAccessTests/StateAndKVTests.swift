import Foundation
import StoreTestSupport
import Testing

@testable import StoreAccess

struct Doc: Codable, Equatable { var name: String; var n: Int }

@Suite struct StateStoreTests {
    @Test func getPutDeleteProbeAndDryRun() throws {
        try withStore { store, server in
            let st = try store.state(tenant: "acme")
            #expect(try st.get("sync:orders") == nil)
            let t1 = try st.put("sync:orders", JSONText("{\"lsn\": 1}"))
            #expect(try st.get("sync:orders")?.text == "{\"lsn\": 1}")
            Thread.sleep(forTimeInterval: 0.01)
            let t2 = try st.put("sync:orders", encoding: ["lsn": 2])
            #expect(t2 > t1)
            #expect(try st.getWithTime("sync:orders")?.value.text == "{\"lsn\": 2}")
            #expect(try st.delete("sync:orders") == true)
            #expect(try st.delete("sync:orders") == false)  // missing key is not an error
            try st.probe()
            #expect(try st.get(StateStore.probeKey) == nil)
            let dry = try store.state(tenant: "acme", dryRun: true)
            try dry.put("dry.key", JSONText("{}"))
            #expect(try st.get("dry.key") == nil)
            try dry.probe()
            let n = try server.admin(SQL(unsafeRaw: "SELECT count(*) FROM \(store.schema.name.quoted).state"))
            #expect(n.first?[0] == "0")
        }
    }

    @Test(arguments: ["", ".hidden", "has space", "semi;colon", "quote'", String(repeating: "k", count: 257), "ünï"])
    func badKeysAreRefusedAndWriteNothing(_ key: String) throws {
        try withStore { store, server in
            let st = try store.state(tenant: "acme")
            _ = expectStoreError(.invalidName) { try st.put(key, JSONText("{}")) }
            // the SQL function refuses it too
            _ = expectStoreError(.invalidName) { try store.pool.query(SQL("SELECT \(ident: store.schema.name).state_put('acme', \(key), '{}')")) }
            let n = try server.admin(SQL(unsafeRaw: "SELECT count(*) FROM \(store.schema.name.quoted).state"))
            #expect(n.first?[0] == "0")
        }
    }

    @Test func validKeysOfTheFullAlphabet() throws {
        try withStore { store, _ in
            let st = try store.state(tenant: "acme")
            let key = "Abc-09_x:y.z" + String(repeating: "k", count: 244)
            try st.put(key, JSONText("[1]"))
            #expect(try st.get(key)?.text == "[1]")
        }
    }
}

@Suite struct KVStoreTests {
    @Test func setReportsCreatedUpdatedUnchangedAndWritesTheOutbox() throws {
        try withStore { store, server in
            let kv = try store.kv(tenant: "acme", codec: JSONCodec<Doc>())
            #expect(try kv.set("users", "alice", Doc(name: "Alice", n: 1)) == .created)
            #expect(try kv.set("users", "alice", Doc(name: "Alice", n: 1)) == .unchanged)
            #expect(try kv.set("users", "alice", Doc(name: "Alice", n: 2)) == .updated)
            #expect(try kv.get("users", "alice")?.version == 2)
            #expect(try kv.delete("users", "alice") == Doc(name: "Alice", n: 2))
            #expect(try kv.delete("users", "alice") == nil)
            let ops = try server.admin(
                SQL(unsafeRaw: "SELECT string_agg(op || ':' || version, ',' ORDER BY id) FROM \(store.schema.name.quoted).outbox"))
            #expect(ops.first?[0] == "create:1,update:2,delete:3")  // unchanged wrote nothing
            let heads = try server.admin(
                SQL(unsafeRaw: "SELECT appended_total FROM \(store.schema.name.quoted).outbox_heads WHERE tenant = 'acme' AND kind = 'users'"))
            #expect(heads.first?[0] == "3")
        }
    }

    @Test func readsAndUpdate() throws {
        try withStore { store, _ in
            let kv = try store.kv(tenant: "acme", codec: JSONCodec<Doc>())
            let r = try kv.setMany("users", ["bob": Doc(name: "Bob", n: 1), "alice": Doc(name: "A", n: 1), "carol": Doc(name: "C", n: 1)])
            #expect(r.values.allSatisfy { $0 == .created })
            try kv.set("teams", "red", Doc(name: "Red", n: 0))
            #expect(try kv.keys("users") == ["alice", "bob", "carol"])
            #expect(try kv.list("users", prefix: "b").map(\.key) == ["bob"])
            #expect(try kv.count("users") == 3)
            #expect(try kv.dump().keys.sorted() == ["teams", "users"])
            #expect(
                try kv.update("users", "bob") {
                    var d = $0; d.n += 10; return d
                } == .updated)
            #expect(try kv.get("users", "bob")?.value.n == 11)
            _ = expectStoreError(.notFound) { try kv.update("users", "nobody") { $0 } }
            // concurrent read-modify-writes don't lose updates
            let g = DispatchGroup()
            for _ in 0..<8 {
                g.enter()
                Thread.detachNewThread {
                    for _ in 0..<10 {
                        _ = try? kv.update("users", "carol") {
                            var d = $0; d.n += 1; return d
                        }
                    }
                    g.leave()
                }
            }
            g.wait()
            #expect(try kv.get("users", "carol")?.value.n == 81)
        }
    }

    @Test func badNamesAndInjectionAttemptsWriteNothing() throws {
        try withStore { store, server in
            let kv = try store.kv(tenant: "acme", codec: RawCodec())
            for bad in ["", "a b", "x'); DELETE FROM kv; --", "k\"", "../etc", "ü"] {
                _ = expectStoreError(.invalidName) { try kv.set(bad, "k", [1]) }
                _ = expectStoreError(.invalidName) { try kv.set("kind", bad, [1]) }
                _ = expectStoreError(.invalidName) { _ = try store.kv(tenant: bad, codec: RawCodec()) }
            }
            let n = try server.admin(
                SQL(
                    unsafeRaw:
                        "SELECT (SELECT count(*) FROM \(store.schema.name.quoted).kv) + (SELECT count(*) FROM \(store.schema.name.quoted).outbox)"))
            #expect(n.first?[0] == "0")
        }
    }
}

@Suite struct WatchTests {
    @Test func crossProcessWatchWithReplayAndFilter() throws {
        let server = try TestServer.current()
        let store = try server.store()
        defer { store.close(); server.dropSchema(store.schema.name.name) }
        let kv = try store.kv(tenant: "w", codec: JSONCodec<[String: Int]>())
        try kv.set("items", "before", ["n": 0])
        try kv.set("other", "x", ["n": 0])
        var o = WatchOptions()
        o.initialReplay = true
        let watch = try kv.watch("items", options: o)
        defer { watch.cancel() }
        // another process writes 20 keys
        let r = try runProcess(TestServer.builtProduct("storeaccess-testproc"), ["kv-set", server.dsn, store.schema.name.name, "w", "items", "20"])
        #expect(r.status == 0, "\(r.err)")
        try kv.delete("items", "k1")
        var got: [String] = []
        while let e = try watch.next(timeout: .seconds(5)) {
            got.append("\(e.op.rawValue):\(e.key)\(e.replayed ? ":replay" : "")")
            if e.op == .delete { break }
        }
        #expect(got.first == "create:before:replay")
        #expect(got.count == 22)
        #expect(got.filter { $0.hasPrefix("create:k") }.count == 20)
        #expect(got.last == "delete:k1")
        // a watch without replay sees nothing from before, and the op filter works
        var o2 = WatchOptions()
        o2.ops = [.delete]
        let w2 = try kv.watch("items", options: o2)
        defer { w2.cancel() }
        try kv.set("items", "k2", ["n": 99])
        try kv.delete("items", "k3")
        let e = try #require(try w2.next(timeout: .seconds(5)))
        #expect(e.op == .delete && e.key == "k3")
        #expect(try w2.next(timeout: .milliseconds(300)) == nil)
    }

    @Test func replaySeamHasNoGapAndNoDuplicateUnderConcurrentWrites() throws {
        try withStore { store, _ in
            let kv = try store.kv(tenant: "seam", codec: JSONCodec<[String: Int]>())
            let stop = LockedBox(false)
            let written = LockedBox<[String: Int]>([:])
            let writer = DispatchSemaphore(value: 0)
            Thread.detachNewThread {
                var i = 0
                while !stop.get() {
                    i += 1
                    let key = "k\(i % 40)"
                    if (try? kv.set("live", key, ["n": i])) != nil { written.update { $0[key] = i } }
                }
                writer.signal()
            }
            Thread.sleep(forTimeInterval: 0.2)
            var o = WatchOptions()
            o.initialReplay = true
            o.bufferSize = 100_000
            let w = try kv.watch("live", options: o)
            defer { w.cancel() }
            Thread.sleep(forTimeInterval: 0.3)
            stop.set(true)
            writer.wait()
            // apply what the watch delivers: the result must equal the table, with no version seen twice
            var state: [String: Int64] = [:]
            var seen = Set<String>()
            while let e = try w.next(timeout: .seconds(2)) {
                #expect(seen.insert("\(e.key)@\(e.version)").inserted, "delivered twice: \(e.key)@\(e.version)")
                if let old = state[e.key] { #expect(e.version == old + 1, "gap for \(e.key): \(old) -> \(e.version)") }
                state[e.key] = e.version
            }
            let table = Dictionary(uniqueKeysWithValues: try kv.list("live").map { ($0.key, $0.version) })
            #expect(state == table)
        }
    }

    @Test func slowConsumerOverflowsWithATypedError() throws {
        try withStore { store, _ in
            let kv = try store.kv(tenant: "of", codec: RawCodec())
            var o = WatchOptions()
            o.bufferSize = 10
            let w = try kv.watch("k", options: o)
            defer { w.cancel() }
            for i in 0..<50 { try kv.set("k", "key\(i)", [UInt8(i)]) }
            var n = 0
            do {
                Thread.sleep(forTimeInterval: 1)
                while try w.next(timeout: .seconds(3)) != nil { n += 1 }
                Issue.record("the watch did not overflow")
            } catch let e as StoreError {
                #expect(e.code == .overflow)
                #expect(e.message.contains("10"))
            }
            #expect(n <= 10)
        }
    }

    @Test func watchReconnectsWhenItsConnectionDrops() throws {
        try withStore { store, server in
            let kv = try store.kv(tenant: "rc", codec: RawCodec())
            let w = try kv.watch("k")
            defer { w.cancel() }
            try kv.set("k", "a", [1])
            #expect(try w.next(timeout: .seconds(5))?.key == "a")
            // kill the watch's listening backend
            let killed = try server.admin(
                SQL("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = 'st:tests/watch/rc'")
            ).first?[0]
            #expect(killed == "1")
            try kv.set("k", "b", [2])
            try kv.set("k", "c", [3])
            var keys: [String] = []
            while keys.count < 2, let e = try w.next(timeout: .seconds(10)) { keys.append(e.key) }
            #expect(keys == ["b", "c"])  // nothing lost or repeated across the reconnect
        }
    }

    @Test func durableWatcherRecordsItsPositionAndResumes() throws {
        try withStore { store, server in
            let kv = try store.kv(tenant: "dw", codec: RawCodec())
            var o = WatchOptions()
            o.durableName = "indexer"
            let w = try kv.watch("docs", options: o)
            for i in 0..<5 { try kv.set("docs", "d\(i)", [1]) }
            var ids: [Int64] = []
            while ids.count < 5, let e = try w.next(timeout: .seconds(5)) { ids.append(e.id) }
            w.cancel()
            let pos = try server.admin(
                SQL(unsafeRaw: "SELECT position, source, filter->>'kind' FROM \(store.schema.name.quoted).cursors WHERE name = 'indexer'")
            ).first!
            #expect(pos[0] == String(ids.last!))
            #expect(pos[1] == "outbox")
            #expect(pos[2] == "docs")
            try kv.set("docs", "d9", [2])
            let w2 = try kv.watch("docs", options: o)
            defer { w2.cancel() }
            let next = try #require(try w2.next(timeout: .seconds(5)))
            #expect(next.key == "d9")
            _ = expectStoreError(.consumerBusy) { _ = try kv.watch("docs", options: o) }
        }
    }
}
