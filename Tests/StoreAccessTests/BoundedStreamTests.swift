import Foundation
import StoreTestSupport
import Testing

@testable import StoreAccess

// MARK: - the buffer alone (no server)

/// Runs `body` as the producer on a thread of its own (a producer may block under `.pauseUpstream`); `done`
/// is set when it returned.
private func produce(
    _ upstream: BoundedStream<Int>.Upstream, _ done: LockedBox<Bool> = LockedBox(false),
    _ body: @escaping @Sendable (BoundedStream<Int>.Upstream) -> Void
) {
    let t = Thread {
        body(upstream)
        done.set(true)
    }
    t.start()
}

/// Polls `condition` every 20 ms for up to `timeout`.
/// Waits for `condition`. 120 s: the whole suite runs in parallel on 2 cores, and Swift's cooperative pool (one
/// thread per core, which these async tests need to make progress) can be held by blocking tests for tens of
/// seconds (seen in a PgBouncer-lane run); the conditions normally hold within milliseconds.
/// Polls `condition` up to `polls` times, 20 ms apart. Counted in polls, not by the clock: when blocking tests beside
/// it starve the cooperative pool, this task is not run for minutes, and a clock deadline would pass without a
/// single look at the condition (a CI run failed so after 199 s).
private func eventually(polls: Int = 6000, _ condition: () throws -> Bool) async rethrows -> Bool {
    for _ in 0..<polls {
        if try condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return try condition()
}

private func collect<E: Sendable>(_ s: BoundedStream<E>, max: Int = .max) async throws -> [E] {
    var out: [E] = []
    for try await e in s {
        out.append(e)
        if out.count >= max { break }
    }
    return out
}

@Suite("BoundedStream buffer") struct BoundedStreamBufferTests {
    @Test func dropOldestKeepsTheNewestBoundElements() async throws {
        let (s, up) = try BoundedStream<Int>.make(.dropOldest(bound: 10))
        let done = LockedBox(false)
        produce(up, done) { up in
            for i in 1...100 { up.send(i) }
            up.finish()
        }
        await s.settled()
        #expect(try await collect(s) == Array(91...100))
        #expect(s.counters == StreamCounters(seen: 100, delivered: 10, dropped: 90, buffered: 0))
    }

    @Test func pauseUpstreamHoldsTheProducerAtTheBound() async throws {
        let (s, up) = try BoundedStream<Int>.make(.pauseUpstream(bound: 10))
        let done = LockedBox(false)
        produce(up, done) { up in
            for i in 1...100 { guard up.send(i) else { return } }
            up.finish()
        }
        await s.settled()
        #expect(s.isProducerPaused)
        #expect(!done.get(), "the producer waits for room")
        // the ten buffered and the one the producer holds: nothing more was taken from the source
        #expect(s.counters == StreamCounters(seen: 11, delivered: 0, dropped: 0, buffered: 10))
        #expect(try await collect(s) == Array(1...100), "every element, in order")
        #expect(s.counters.dropped == 0 && s.counters.delivered == 100)
        #expect(await eventually { done.get() })
    }

    @Test func failDeliversTheBufferThenOverflows() async throws {
        let (s, up) = try BoundedStream<Int>.make(.fail(bound: 5))
        let accepted = LockedBox(0)
        produce(up) { up in
            for i in 1...20 {
                guard up.send(i) else { return }
                accepted.set(i)
            }
            up.finish()
        }
        await s.settled()
        #expect(accepted.get() == 5, "the sixth element was refused")
        var got: [Int] = []
        let e = await #expect(throws: StoreError.self) {
            for try await i in s { got.append(i) }
        }
        #expect(e?.code == .overflow)
        #expect(got == [1, 2, 3, 4, 5])
    }

    @Test func cancellingTheConsumingTaskStopsAWaitingProducer() async throws {
        let (s, up) = try BoundedStream<Int>.make(.pauseUpstream(bound: 3))
        let done = LockedBox(false)
        let sentFalse = LockedBox(false)
        produce(up, done) { up in
            var i = 0
            while up.send(i) { i += 1 }
            sentFalse.set(true)
        }
        let consumer = Task {
            var n = 0
            for try await _ in s {
                n += 1
                if n == 5 { try? await Task.sleep(for: .seconds(60)) }  // a consumer stuck in its work
            }
            return n
        }
        // the producer filled the buffer and waits (how far the consumer got by then depends on when the
        // cooperative pool, shared with every test running alongside, lets its task run: three CI runs stalled it
        // at 4 elements for minutes, so the test does not wait for it)
        #expect(await eventually { s.isProducerPaused })
        consumer.cancel()
        let n = try await consumer.value
        #expect(n <= 5, "the iteration ended at the cancel (it took \(n))")
        #expect(await eventually { done.get() }, "the producer's thread ended")
        #expect(sentFalse.get() && s.isCancelled)
    }

    @Test func leavingTheLoopEarlyStopsTheProducer() async throws {
        let done = LockedBox(false)
        let up: BoundedStream<Int>.Upstream
        do {
            let (s, u) = try BoundedStream<Int>.make(.pauseUpstream(bound: 2))
            up = u
            produce(up, done) { up in
                var i = 0
                while up.send(i) { i += 1 }
            }
            #expect(try await collect(s, max: 3) == [0, 1, 2])
        }
        #expect(await eventually { done.get() }, "no producer left waiting for a consumer that left")
        #expect(up.isStopped)
    }

    @Test func drainTakesTheWindowThePolicyLeaves() async throws {
        let (newest, up1) = try BoundedStream<Int>.make(.dropOldest(bound: 4))
        produce(up1) { up in
            up.send(contentsOf: Array(1...10))
            up.finish()
        }
        let d1 = try await newest.drain()
        #expect(d1.elements == [7, 8, 9, 10] && !d1.truncated && !d1.cancelled)
        #expect(d1.counters == StreamCounters(seen: 10, delivered: 4, dropped: 6, buffered: 0))

        let (first, up2) = try BoundedStream<Int>.make(.pauseUpstream(bound: 4))
        let done = LockedBox(false)
        produce(up2, done) { up in
            for i in 1...10 { guard up.send(i) else { return } }
            up.finish()
        }
        let d2 = try await first.drain()
        #expect(d2.elements == [1, 2, 3, 4] && d2.truncated)
        #expect(await eventually { done.get() }, "the truncated producer was stopped")
    }

    @Test func aPreCancelledDrainTakesNothing() throws {
        let (s, up) = try BoundedStream<Int>.make(.pauseUpstream(bound: 100))
        up.send(contentsOf: [1, 2, 3])
        s.cancel()
        let d = try s.drain()
        #expect(d.cancelled && d.elements.isEmpty && !d.truncated)
        #expect(!up.send(4), "the producer learns the stream takes no more")
    }

    @Test func aBoundOutsideTheRangeIsRefused() {
        #expect(throws: StoreError.self) { _ = try BoundedStream<Int>.make(.dropOldest(bound: 0)) }
        #expect(throws: StoreError.self) { _ = try BoundedStream<Int>.make(.fail(bound: 1_000_001)) }
    }
}

// MARK: - events and tables against the server

private func withStreamStore(_ body: (Store, TestServer) async throws -> Void) async throws {
    let server = try TestServer.current()
    let store = try server.store(service: "streams")
    defer { store.close(); server.dropSchema(store.schema.name.name) }
    try await body(store, server)
}

/// `n` events to `es`, in appends of up to 100.
private func seed(_ es: EventStore, _ n: Int, stream: String = "s", type: String = "E") throws {
    var left = n
    while left > 0 {
        let k = min(left, 100)
        try es.append(to: stream, (0..<k).map { _ in ev(type) })
        left -= k
    }
}

/// How many backends of the store's subscriptions for `tenant` the server has now.
private func subscriptionBackends(_ server: TestServer, _ store: Store, _ tenant: String) throws -> Int {
    let name = ApplicationName(service: store.service, store: "subscription", tenant: tenant).rendered
    let r = try server.admin("SELECT count(*)::int8 FROM pg_stat_activity WHERE application_name = \(name)")
    return Int(try r.first?.decode(0, as: Int64.self) ?? -1)
}

@Suite("Streamed catch-up", .serialized) struct BoundedStreamCatchUpTests {
    @Test func pauseUpstreamReadsAtMostOnePageAheadOfTheBound() async throws {
        try await withStreamStore { store, _ in
            let es = try store.events(tenant: "pause")
            try seed(es, 1000)
            let s = try es.catchUp(.all(), backpressure: .pauseUpstream(bound: 50), pageSize: 100)
            await s.settled()
            #expect(s.isProducerPaused)
            #expect(s.counters.seen <= 50 + 100, "read ahead: \(s.counters)")
            var it = s.makeAsyncIterator()
            var got: [RecordedEvent] = []
            while got.count < 120, let e = try await it.next() { got.append(e) }
            await s.settled()
            #expect(s.counters.seen <= 120 + 50 + 100, "read ahead after 120 taken: \(s.counters)")
            #expect(store.pool.metrics().inUse == 0, "a paused catch-up holds no connection")
            while let e = try await it.next() { got.append(e) }
            let positions = got.map(\.position)
            #expect(positions.count == 1000 && positions == positions.sorted() && Set(positions).count == 1000)
            #expect(s.counters == StreamCounters(seen: 1000, delivered: 1000, dropped: 0, buffered: 0))
        }
    }

    @Test func dropOldestKeepsTheNewestEvents() async throws {
        try await withStreamStore { store, _ in
            let es = try store.events(tenant: "drop")
            try seed(es, 500)
            let all = try es.readAll(limit: 1000).map(\.position)
            let s = try es.catchUp(.all(), backpressure: .dropOldest(bound: 10), pageSize: 64)
            await s.settled()
            #expect(try await collect(s).map(\.position) == Array(all.suffix(10)))
            #expect(s.counters == StreamCounters(seen: 500, delivered: 10, dropped: 490, buffered: 0))
        }
    }

    @Test func failEndsWithOverflowAfterTheBuffer() async throws {
        try await withStreamStore { store, _ in
            let es = try store.events(tenant: "fail")
            try seed(es, 300)
            let s = try es.catchUp(.all(), backpressure: .fail(bound: 10), pageSize: 100)
            await s.settled()
            var got = 0
            let e = await #expect(throws: StoreError.self) {
                for try await _ in s { got += 1 }
            }
            #expect(e?.code == .overflow)
            #expect(got == 10)
        }
    }

    @Test func aStreamAndAQueryReadPageByPage() async throws {
        try await withStreamStore { store, _ in
            let es = try store.events(tenant: "src")
            for i in 0..<20 { try es.append(to: i % 2 == 0 ? "a" : "b", [ev(i % 4 == 0 ? "Wanted" : "Other")]) }
            let s = try es.catchUp(.stream("a", fromVersion: 3), backpressure: .pauseUpstream(bound: 2), pageSize: 3)
            #expect(try await collect(s).map(\.version) == Array(3...10))
            let q = try es.catchUp(.query(.types("Wanted"), after: 0), backpressure: .pauseUpstream(bound: 2), pageSize: 2)
            let wanted = try await collect(q)
            #expect(wanted.count == 5 && wanted.allSatisfy { $0.type == "Wanted" })
            #expect(throws: StoreError.self) { _ = try es.catchUp(.stream("bad\u{0}name"), backpressure: .fail(bound: 1)) }
        }
    }

    @Test func cancellingMidStreamStopsTheReader() async throws {
        try await withStreamStore { store, _ in
            let es = try store.events(tenant: "cancel")
            try seed(es, 2000)
            let s = try es.catchUp(.all(), backpressure: .pauseUpstream(bound: 20), pageSize: 100)
            let consumer = Task {
                var n = 0
                for try await _ in s {
                    n += 1
                    try? await Task.sleep(for: .milliseconds(5))  // a slow consumer
                }
                return n
            }
            #expect(await eventually { s.counters.delivered >= 30 })
            consumer.cancel()
            let n = try await consumer.value
            #expect(n < 2000 && s.isCancelled)
            let seen = s.counters.seen
            try await Task.sleep(for: .milliseconds(300))
            #expect(s.counters.seen == seen, "the reader fetched no page after the cancel")
            #expect(seen <= n + 20 + 100)
            #expect(store.pool.metrics().inUse == 0, "no connection of the store stays busy")
        }
    }
}

@Suite("Streamed live events", .serialized) struct BoundedStreamLiveTests {
    @Test func pauseUpstreamHoldsTheSubscriptionAndLosesNothing() async throws {
        try await withStreamStore { store, _ in
            let es = try store.events(tenant: "livep")
            let s = try es.live(from: .beginning, backpressure: .pauseUpstream(bound: 5))
            try seed(es, 50)
            await s.settled()
            #expect(s.isProducerPaused && s.counters.buffered == 5, "\(s.counters)")
            let got = try await collect(s, max: 50).map(\.position)
            #expect(got == got.sorted() && Set(got).count == 50)
            #expect(s.counters.dropped == 0)
        }
    }

    @Test func dropOldestKeepsTheNewestForASlowConsumer() async throws {
        try await withStreamStore { store, _ in
            let es = try store.events(tenant: "lived")
            let s = try es.live(from: .beginning, backpressure: .dropOldest(bound: 5))
            try es.append(to: "x", (0..<50).map { _ in ev("E") })
            #expect(await eventually { s.counters.seen == 50 })
            let newest = try es.readAll(limit: 100).suffix(5).map(\.position)
            #expect(try await collect(s, max: 5).map(\.position) == Array(newest))
            #expect(s.counters.dropped == 45)
        }
    }

    @Test func failEndsTheStreamWithOverflow() async throws {
        try await withStreamStore { store, _ in
            let es = try store.events(tenant: "livef")
            let s = try es.live(from: .beginning, backpressure: .fail(bound: 5))
            try es.append(to: "x", (0..<50).map { _ in ev("E") })
            await s.settled()
            var got = 0
            let e = await #expect(throws: StoreError.self) {
                for try await _ in s { got += 1 }
            }
            #expect(e?.code == .overflow && got == 5)
        }
    }

    @Test func closingTheStoreEndsAPausedLiveStream() async throws {
        try await withStreamStore { store, server in
            let es = try store.events(tenant: "liveclose")
            let s = try es.live(from: .beginning, backpressure: .pauseUpstream(bound: 5))
            try seed(es, 50)
            await s.settled()
            #expect(s.isProducerPaused)
            let t0 = ContinuousClock.now
            store.close()
            #expect(t0.duration(to: .now) < .seconds(5), "close() does not wait for a consumer that does not read")
            var got = 0
            let e = await #expect(throws: StoreError.self) {
                for try await _ in s { got += 1 }
            }
            #expect(e?.code == .closed && got == 5, "the buffered events, then .closed")
            #expect(try await eventually { try subscriptionBackends(server, store, "liveclose") == 0 })
        }
    }

    @Test func cancellingAWaitingConsumerStopsTheSubscription() async throws {
        try await withStreamStore { store, server in
            let es = try store.events(tenant: "livec")
            let s = try es.live(from: .now, backpressure: .pauseUpstream(bound: 5))
            #expect(try await eventually { try subscriptionBackends(server, store, "livec") == 1 })
            let consumer = Task { try await collect(s) }
            try es.append(to: "x", [ev("E")])
            #expect(await eventually { s.counters.delivered == 1 })
            consumer.cancel()
            #expect(try await consumer.value.count == 1, "the iteration ended at the cancel")
            #expect(
                try await eventually { try subscriptionBackends(server, store, "livec") == 0 },
                "the subscription's connection is closed")
            #expect(store.pool.metrics().inUse == 0)
        }
    }
}

@Suite("Streamed table query", .serialized) struct BoundedStreamTableTests {
    /// A table store on a fresh namespace with `t (id integer, label text)` holding ids 1…n.
    private func withTable(_ n: Int, _ body: (TableStore) async throws -> Void) async throws {
        let server = try TestServer.current()
        let ns = "stream_\(UInt32.random(in: 0...UInt32.max))"
        try server.admin(SQL(unsafeRaw: "CREATE SCHEMA \(ns) AUTHORIZATION app"))
        defer { server.dropSchema(ns) }
        let c = try Connection(try ConnectionString(server.directDSN))
        try c.executeScript(
            "CREATE TABLE \(ns).t (id integer, label text); INSERT INTO \(ns).t SELECT g, 'r' || g FROM generate_series(1, \(n)) g;",
            name: "fixture")
        c.close()
        let ts = try TableStore(dsn: server.dsn, service: "streams", namespace: ns) { $0.transactionPooler = server.viaBouncer }
        defer { ts.close() }
        try await body(ts)
    }

    @Test func pauseUpstreamDeliversEveryRowAPageAtATime() async throws {
        try await withTable(1000) { ts in
            let s = try ts.stream("t", where: "id > :min", ["min": .int(100)], backpressure: .pauseUpstream(bound: 10), pageSize: 100)
            await s.settled()
            #expect(s.counters.seen == 100, "one page read, the rest waits on the server: \(s.counters)")
            let rows = try await collect(s)
            let ids = rows.compactMap { if case .int(let i)? = $0["id"] { return i } else { return nil } }
            #expect(Set(ids) == Set(101...1000) && ids.count == 900)
            #expect(rows.first?["label"] != nil)
            #expect(await eventually { ts.pool.metrics().inUse == 0 }, "the cursor's connection is given back at the end")
        }
    }

    @Test func cancellingMidStreamGivesTheConnectionBack() async throws {
        try await withTable(1000) { ts in
            let s = try ts.stream("t", backpressure: .pauseUpstream(bound: 10), pageSize: 100)
            await s.settled()
            #expect(ts.pool.metrics().inUse == 1, "the paused cursor holds its connection")
            #expect(try await collect(s, max: 3).count == 3)
            // leaving the loop and releasing the stream cancels it
            #expect(await eventually { ts.pool.metrics().inUse == 0 }, "no connection stays busy after the cancel")
            #expect(try ts.query("t", where: "id = 1").count == 1, "the pool works on")
        }
    }

    @Test func closingTheTableStoreEndsAPausedStream() async throws {
        try await withTable(100) { ts in
            let s = try ts.stream("t", backpressure: .pauseUpstream(bound: 10), pageSize: 50)
            await s.settled()
            ts.close()
            try await Task.sleep(for: .milliseconds(500))  // a consumer that does not read meanwhile
            #expect(ts.pool.metrics().inUse == 0, "the paused cursor gave its connection back")
            var got = 0
            let e = await #expect(throws: StoreError.self) {
                for try await _ in s { got += 1 }
            }
            #expect(e?.code == .closed && got == 10, "the buffered rows, then .closed")
        }
    }

    @Test func badNamesAndExpressionsThrowBeforeAnyRead() async throws {
        try await withTable(1) { ts in
            #expect(throws: StoreError.self) { _ = try ts.stream("missing", backpressure: .fail(bound: 1)) }
            #expect(throws: StoreError.self) { _ = try ts.stream("t", where: "nope = 1", backpressure: .fail(bound: 1)) }
            #expect(throws: StoreError.self) { _ = try ts.stream("t", where: "id = :x", backpressure: .fail(bound: 1)) }
        }
    }
}
