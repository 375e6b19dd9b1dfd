import Foundation
import StoreTestSupport
import Testing

@testable import StoreAccess

@Suite struct EventSubscriptionTests {
    @Test func catchUpThenLiveWithNoGapAndNoDuplicate() throws {
        try withStore { store, _ in
            let es = try store.events(tenant: "live")
            for i in 0..<50 { try es.append(to: "s\(i % 5)", [ev("Before")]) }
            let seen = LockedBox<[Int64]>([])
            let sub = try es.subscribe(after: 0) { batch in seen.update { $0 += batch.map(\.position) } }
            defer { sub.stop() }
            // appends while the subscriber catches up and after it went live
            var last: Int64 = 0
            for i in 0..<50 { last = try es.append(to: "s\(i % 5)", [ev("After"), ev("After")]).lastPosition }
            #expect(sub.waitForPosition(last, timeout: .seconds(10)))
            let got = seen.get()
            #expect(got.count == 150)
            #expect(got == got.sorted())
            #expect(Set(got).count == got.count)
        }
    }

    @Test func liveLatencyIsLowThroughNotifications() throws {
        try withStore { store, _ in
            let es = try store.events(tenant: "lat")
            var o = Subscription.Options()
            o.pollInterval = .seconds(30)  // only a notification can wake it quickly
            let seen = LockedBox<Int64>(0)
            let sub = try es.subscribe(after: 0, options: o) { batch in seen.set(batch.last!.position) }
            defer { sub.stop() }
            #expect(sub.waitUntilStarted(timeout: .seconds(5)) == nil)
            let t0 = ContinuousClock.now
            let r = try es.append(to: "x", [ev("Ping")])
            #expect(sub.waitForPosition(r.lastPosition, timeout: .seconds(5)))
            #expect(t0.duration(to: .now) < .seconds(2))
        }
    }

    @Test func querySubscriptionSeesOnlyMatchingEvents() throws {
        try withStore { store, _ in
            let es = try store.events(tenant: "qs")
            let seen = LockedBox<[String]>([])
            let sub = try es.subscribe(query: .types("Wanted")) { b in seen.update { $0 += b.map(\.type) } }
            defer { sub.stop() }
            try es.append(to: "a", [ev("Other"), ev("Wanted")])
            let r = try es.append(to: "b", [ev("Wanted")])
            #expect(sub.waitForPosition(r.lastPosition, timeout: .seconds(5)))
            #expect(seen.get() == ["Wanted", "Wanted"])
        }
    }

    @Test func durableSubscriptionResumesAndIsExclusive() throws {
        try withStore { store, server in
            let es = try store.events(tenant: "dur")
            for _ in 0..<10 { try es.append(to: "s", [ev("E")]) }
            let seen = LockedBox<[Int64]>([])
            let sub = try es.subscribeDurable(name: "projector") { b in seen.update { $0 += b.map(\.position) } }
            let head = try es.streamInfo("s")!.headPosition
            #expect(sub.waitForPosition(head, timeout: .seconds(10)))
            // a second consumer with the same name is refused, naming the owner
            let e = expectStoreError(.consumerBusy) { _ = try es.subscribeDurable(name: "projector") { _ in } }
            #expect(e?.message.contains("projector") == true)
            sub.stop()
            // the cursor is recorded with its owner and heartbeat
            let row = try #require(
                try server.admin(
                    SQL(
                        unsafeRaw:
                            "SELECT position, owner_pid, owner_application, heartbeat_at IS NOT NULL FROM \(store.schema.name.quoted).cursors WHERE name = 'projector'"
                    )
                ).first)
            #expect(try row.decode(0, as: Int64.self) == head)
            #expect(try row.decode(1, as: Int32.self) == getpid())
            #expect(row[2] == "st:tests/consumer/dur")
            #expect(row[3] == "t")
            // new events while it was away; it resumes after its position
            let more = try es.append(to: "s", [ev("E"), ev("E")])
            let seen2 = LockedBox<[Int64]>([])
            let sub2 = try es.subscribeDurable(name: "projector") { b in seen2.update { $0 += b.map(\.position) } }
            defer { sub2.stop() }
            #expect(sub2.waitForPosition(more.lastPosition, timeout: .seconds(10)))
            #expect(seen2.get() == [more.firstPosition, more.lastPosition])
            // reopening with another query is an error
            sub2.stop()
            _ = expectStoreError(.invalidArgument) { _ = try es.subscribeDurable(name: "projector", query: .types("Other")) { _ in } }
        }
    }

    @Test func cursorMovesOnlyAfterTheHandlerSucceeded() throws {
        try withStore { store, server in
            let es = try store.events(tenant: "fail")
            var o = Subscription.Options()
            o.batchSize = 1
            for _ in 0..<5 { try es.append(to: "s", [ev("E")]) }
            let poison = try es.append(to: "s", [ev("Poison")]).firstPosition
            let sub = try es.subscribeDurable(name: "c", options: o) { b in
                if b.contains(where: { $0.type == "Poison" }) { throw StoreError(.invalidArgument, "cannot handle poison") }
            }
            let end = sub.wait(timeout: .seconds(10))
            guard case .handlerFailed(let msg)? = end else { Issue.record("ended with \(String(describing: end))"); return }
            #expect(msg.contains("poison"))
            let pos = try server.admin(SQL(unsafeRaw: "SELECT position FROM \(store.schema.name.quoted).cursors WHERE name = 'c'")).first?[0]
            #expect(pos == String(poison - 1))
        }
    }

    @Test func slowConsumerKeepsMemoryBounded() throws {
        try withStore { store, _ in
            let es = try store.events(tenant: "slow")
            try es.appendMulti([StreamWrite(stream: "bulk", expected: .any, events: (1...300).map { ev("E\($0 % 3)") })])
            for _ in 0..<200 { try es.append(to: "more", [ev("E")]) }
            var o = Subscription.Options()
            o.batchSize = 50
            let maxBatch = LockedBox(0), total = LockedBox(0)
            let sub = try es.subscribe(options: o) { b in
                maxBatch.update { $0 = max($0, b.count) }
                total.update { $0 += b.count }
                usleep(2000)
            }
            defer { sub.stop() }
            #expect(sub.waitForPosition(try es.streamInfo("more")!.headPosition, timeout: .seconds(20)))
            #expect(total.get() == 500)
            // a batch is at most batchSize, except a whole multi-event append delivered as a unit
            #expect(maxBatch.get() <= 300)
        }
    }
}

@Suite struct EventConcurrencyTests {
    /// The naive reader ("position > last", straight from the table) skips an event that commits after a
    /// higher position; the store's reader does not deliver the higher one until the lower one committed.
    @Test func naiveReaderSkipsWhatTheStoreReaderWaitsFor() throws {
        try withStore { store, _ in
            let es = try store.events(tenant: "order")
            try es.append(to: "s", [ev("First")])
            let schema = store.schema.name
            // Writer 1 takes a position and holds its transaction open.
            let w1 = try store.pool.acquire()
            defer { store.pool.release(w1) }
            try w1.query("BEGIN")
            let w1pid = try w1.query("SELECT pg_backend_pid()").first![0]!
            let p1 = try w1.query(
                SQL("SELECT first_position FROM \(ident: schema).append('order', 'w1', -1, '[{\"type\":\"Slow\",\"payload\":{}}]')")
            ).first!.decode(0, as: Int64.self)
            // Writer 2 takes the next position and commits first.
            let p2 = try es.append(to: "w2", [ev("Fast")]).firstPosition
            #expect(p2 > p1)
            let naive = try store.pool.query(
                SQL("SELECT position FROM \(ident: schema).events WHERE tenant = 'order' AND position > 1 ORDER BY position")
            ).rows.map { try $0.decode(0, as: Int64.self) }
            #expect(naive == [p2])  // a naive reader now moves past p1 …
            #expect(try es.readAll(after: 1).isEmpty)  // … the store's reader waits
            // the store names the backend that holds delivery back
            let blockers = try store.pool.query(SQL("SELECT pid FROM \(ident: schema).events_blockers()")).rows.map { $0[0] }
            #expect(blockers.contains(w1pid))
            try w1.query("COMMIT")
            #expect(try es.readAll(after: 1).map(\.position) == [p1, p2])
        }
    }

    /// Eight writers with out-of-order commits while a subscriber in another process reads: it sees every
    /// committed event exactly once, in order; a naive reader under the same load is run beside it.
    @Test func eightWritersAndASubscriberInAnotherProcess() throws {
        let server = try TestServer.current()
        let store = try server.store(maxConnections: 10)
        defer { store.close(); server.dropSchema(store.schema.name.name) }
        let es = try store.events(tenant: "load")
        let writers = 8, perWriter = 40
        let total = writers * perWriter
        let collector = try BackgroundProcess(
            TestServer.builtProduct("storeaccess-testproc"),
            ["collect", server.dsn, server.directDSN, store.schema.name.name, "load", String(total), "60"])
        // the naive reader polls the table directly
        let naiveSeen = LockedBox<Set<Int64>>([])
        let stopNaive = LockedBox(false)
        let naiveDone = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            var last: Int64 = 0
            while !stopNaive.get() {
                if let rows = try? store.pool.query(
                    SQL("SELECT position FROM \(ident: store.schema.name).events WHERE tenant = 'load' AND position > \(last) ORDER BY position")
                ).rows {
                    for r in rows { let p = try! r.decode(0, as: Int64.self); naiveSeen.update { $0.insert(p) }; last = p }
                }
                usleep(500)
            }
            naiveDone.signal()
        }
        let g = DispatchGroup()
        let errors = LockedBox<[String]>([])
        for w in 0..<writers {
            g.enter()
            Thread.detachNewThread {
                for i in 0..<perWriter {
                    do {
                        try store.pool.transaction { c in
                            try c.query(
                                SQL(
                                    "SELECT 1 FROM \(ident: store.schema.name).append('load', \("w\(w)"), -1, \(JSONText("[{\"type\":\"E\",\"payload\":{\"w\":\(w),\"i\":\(i)}}]")))"
                                ))
                            usleep(UInt32.random(in: 0...3000))  // commit out of order
                        }
                    } catch { errors.update { $0.append("\(error)") } }
                }
                g.leave()
            }
        }
        g.wait()
        #expect(errors.get() == [])
        #expect(collector.waitFor("done", timeout: 60))
        stopNaive.set(true)
        naiveDone.wait()
        let lines = collector.output.split(separator: "\n")
        let positions = lines.filter { !$0.hasPrefix("done") }.compactMap { Int64($0) }
        #expect(lines.last == "done \(total)", "collector: \(collector.errors)")
        #expect(positions.count == total)
        #expect(positions == positions.sorted())
        #expect(Set(positions).count == total)
        let all = Set(try es.readAll(after: 0, limit: 100_000).map(\.position))
        #expect(Set(positions) == all)
        // The naive reader runs beside it as load only: whether it skips under this load depends on timing (a
        // loaded CI machine can serialise the writers), so it is not asserted here; the test before this one
        // shows a naive reader skipping deterministically with two writers.
        #expect(naiveSeen.get().isSubset(of: all))
    }
}

@Suite struct EventCrashTests {
    @Test func writerKilledMidBatchLeavesNoPartialBatchAndDoesNotBlockDelivery() throws {
        let server = try TestServer.current()
        let store = try server.store()
        defer { store.close(); server.dropSchema(store.schema.name.name) }
        let es = try store.events(tenant: "crash")
        try es.append(to: "before", [ev("E")])
        let p = try BackgroundProcess(
            TestServer.builtProduct("storeaccess-testproc"),
            ["append-hang", server.dsn, store.schema.name.name, "crash", "victim", "50"])
        #expect(p.waitFor("appended", timeout: 30), "\(p.errors)")
        let after = try es.append(to: "after", [ev("E")])
        // held back while the writer is in flight
        #expect(try es.readAll(after: 1).isEmpty)
        p.kill9()
        // the server notices the dead client and rolls back: no partial batch, delivery resumes
        var delivered: [RecordedEvent] = []
        for _ in 0..<100 {
            delivered = try es.readAll(after: 1)
            if !delivered.isEmpty { break }
            usleep(50_000)
        }
        #expect(delivered.map(\.position) == [after.firstPosition])
        #expect(try es.streamInfo("victim") == nil)
        #expect(try es.readStream("victim").isEmpty)
    }

    @Test func durableConsumerKilledMidStreamResumesWithoutLoss() throws {
        let server = try TestServer.current()
        let store = try server.store()
        defer { store.close(); server.dropSchema(store.schema.name.name) }
        let es = try store.events(tenant: "crash")
        for i in 0..<60 { try es.append(to: "s\(i % 3)", [ev("E")]) }
        let exe = TestServer.builtProduct("storeaccess-testproc")
        let args = ["consume", server.dsn, server.directDSN, store.schema.name.name, "crash", "worker", "10"]
        let first = try BackgroundProcess(exe, args)
        #expect(first.waitFor("handled 20", timeout: 30), "\(first.errors)")
        first.kill9()
        let handled1 = first.output.split(separator: "\n").filter { $0.hasPrefix("handled ") }.map { Int64($0.dropFirst(8))! }
        let cursor = try Int64(
            server.admin(SQL(unsafeRaw: "SELECT position FROM \(store.schema.name.quoted).cursors WHERE name = 'worker'")).first![0]!)!
        #expect(cursor <= handled1.max()!)
        let second = try BackgroundProcess(exe, args)
        #expect(second.waitFor("handled 60", timeout: 30), "\(second.errors)")
        second.kill9()
        let handled2 = second.output.split(separator: "\n").filter { $0.hasPrefix("handled ") }.map { Int64($0.dropFirst(8))! }
        // at-least-once: everything handled, the second run started right after the recorded cursor
        #expect(Set(handled1 + handled2) == Set(1...60))
        #expect(handled2.first == cursor + 1)
        #expect(handled2 == handled2.sorted())
    }
}
