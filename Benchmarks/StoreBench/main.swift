import Foundation
import Histogram
import StoreAccess

// storeaccess-bench: the Swift side of the benchmarks. scripts/bench runs it beside pgbench with the same SQL
// on the same server and writes Benchmarks/results/*.md. Each command prints one line of key=value figures.

let args = CommandLine.arguments
func arg(_ name: String, _ def: String) -> String {
    if let i = args.firstIndex(of: "--" + name), i + 1 < args.count { return args[i + 1] }
    return def
}
func say(_ s: String) { FileHandle.standardOutput.write((s + "\n").data(using: .utf8)!) }

let dsn = arg("dsn", "")
let schema = arg("schema", "bench")
func open(_ clients: Int) throws -> Store {
    var o = Store.Options()
    o.schema = schema
    o.listenDSN = arg("listen", dsn)
    o.configure = {
        $0.maxConnections = clients; $0.reportInterval = nil; $0.acquireTimeout = .seconds(30)
    }
    return try Store.connect(dsn, service: "bench", options: o)
}

final class Counter: @unchecked Sendable {
    let lock = NSLock()
    var n = 0
    func add(_ k: Int) { lock.lock(); n += k; lock.unlock() }
}

do {
    switch args.count > 1 ? args[1] : "" {
    case "append":
        // append --clients C --seconds T --batch B [--ids yes]: C threads append B-event batches to their own
        // streams; with --ids every event carries a fresh id and the append is idempotent.
        let clients = Int(arg("clients", "1"))!, seconds = Double(arg("seconds", "10"))!, batch = Int(arg("batch", "1"))!
        let ids = arg("ids", "no") == "yes"
        let store = try open(clients)
        let es = try store.events(tenant: "bench")
        let plain = (1...batch).map { _ in EventData(type: "Bench", payload: JSONText("{\"n\":1}")) }
        let count = Counter()
        let deadline = Date().addingTimeInterval(seconds)
        let g = DispatchGroup()
        for c in 0..<clients {
            g.enter()
            Thread.detachNewThread {
                var i = 0
                while Date() < deadline {
                    let stream = clients == 1 ? "stream-\(Int.random(in: 1...1000))" : "w\(c)-\(Int.random(in: 1...1000))"
                    let events =
                        ids
                        ? plain.map {
                            var e = $0; e.id = UUID(); return e
                        } : plain
                    do { try es.append(to: stream, events, idempotent: ids); i += 1 } catch { say("error \(error)"); break }
                }
                count.add(i)
                g.leave()
            }
        }
        g.wait()
        say(
            "appends_per_s=\(String(format: "%.1f", Double(count.n) / seconds)) events_per_s=\(String(format: "%.1f", Double(count.n * batch) / seconds))"
        )
        store.close()
    case "latency-sub":
        // latency-sub --count N [--durable NAME] [--idle S]: subscribes live (or as a durable consumer, which also
        // reads its operator control and records each batch); each event carries its send time; prints p50/p99 in
        // ms once N events arrived, or once none arrived for S seconds (10; a publisher slowed by a loaded machine
        // sends fewer than N in its time, and the subscriber would otherwise wait for ever). n= says how many.
        let n = Int(arg("count", "5000"))!
        let idle = Double(arg("idle", "10"))!
        let durable = arg("durable", "")
        let store = try open(2)
        let es = try store.events(tenant: "latency")
        let hist = LockedHistogram()
        let head = try es.readAll(after: 0, limit: 100_000).last?.position ?? 0
        let handler: @Sendable ([RecordedEvent]) throws -> Void = { batch in
            let now = Date().timeIntervalSince1970
            for e in batch {
                if let t = try? e.payload.decode([String: Double].self)["t"] { hist.record(UInt64(max(0, (now - t) * 1_000_000))) }
            }
        }
        if !durable.isEmpty {
            // start at the head: a durable consumer made now starts at 0, so move it there first
            let c = try es.registerExternalConsumer(name: durable, owner: ConsumerOwner(application: "bench", host: "bench", pid: 1))
            try c.advance(to: head)
        }
        let sub = try durable.isEmpty ? es.subscribe(after: head, handler: handler) : es.subscribeDurable(name: durable, handler: handler)
        say("ready")
        var seen = (count: 0, at: Date())
        while hist.count < n {
            usleep(10_000)
            let c = hist.count
            if c != seen.count {
                seen = (c, Date())
            } else if Date().timeIntervalSince(seen.at) > idle {
                break
            }
        }
        sub.stop()
        say(hist.summary())
    case "latency-pub":
        // latency-pub --rate R --seconds T: appends single events at a fixed rate with their send time.
        let rate = Double(arg("rate", "1000"))!, seconds = Double(arg("seconds", "5"))!
        let store = try open(4)
        let es = try store.events(tenant: "latency")
        let start = Date()
        var sent = 0
        while Date().timeIntervalSince(start) < seconds {
            let due = start.addingTimeInterval(Double(sent) / rate)
            let wait = due.timeIntervalSinceNow
            if wait > 0 { usleep(UInt32(wait * 1_000_000)) }
            try es.append(to: "lat-\(sent % 50)", [EventData(type: "Ping", payload: JSONText("{\"t\":\(Date().timeIntervalSince1970)}"))])
            sent += 1
        }
        say("sent=\(sent) rate=\(String(format: "%.0f", Double(sent) / Date().timeIntervalSince(start)))")
    case "kvset":
        // kvset --seconds T: one client setting random keys (each write also writes its outbox row).
        let seconds = Double(arg("seconds", "10"))!
        let store = try open(1)
        let kv = try store.kv(tenant: "bench", codec: RawCodec())
        let deadline = Date().addingTimeInterval(seconds)
        var n = 0
        while Date() < deadline {
            let k = Int.random(in: 1...10000)
            try kv.set("items", "key-\(k)", Array("{\"stock\":\(k)}".utf8))
            n += 1
        }
        say("sets_per_s=\(String(format: "%.1f", Double(n) / seconds))")
    case "watch-latency":
        // watch-latency --count N --rate R: a watcher (own connection) and a writer at R sets/s in this process;
        // each value carries its send time.
        let n = Int(arg("count", "3000"))!, rate = Double(arg("rate", "500"))!
        let store = try open(2)
        let kv = try store.kv(tenant: "wlat", codec: RawCodec())
        let w = try kv.watch(
            "items",
            options: {
                var o = WatchOptions(); o.bufferSize = 100_000; return o
            }())
        let hist = LockedHistogram()
        Thread.detachNewThread {
            for i in 0..<n {
                let t = Date().timeIntervalSince1970
                _ = try? kv.set("items", "k\(i % 100)", Array("\(t)|\(i)".utf8))
                usleep(UInt32(1_000_000 / rate))
            }
        }
        var got = 0
        while got < n, let e = try w.next(timeout: .seconds(10)) {
            let now = Date().timeIntervalSince1970
            if let v = e.value, let t = Double(String(decoding: v, as: UTF8.self).split(separator: "|").first ?? "") {
                hist.record(UInt64(max(0, (now - t) * 1_000_000)))
            }
            got += 1
        }
        w.cancel()
        say(hist.summary())
    case "catchup":
        // catchup [--pipelined]: reads every event of every tenant from position 0 in pages of --page (5000),
        // gap-free: page by page with readAllTenants(after:limit:), or with --pipelined through
        // readAllTenants(after:pageSize:_:) (the next page requested while the previous one is decoded).
        let store = try open(1)
        let pageSize = Int(arg("page", "5000"))!
        let t0 = ContinuousClock.now
        var after: Int64 = 0, n = 0
        if args.contains("--pipelined") {
            try store.readAllTenants(after: 0, pageSize: pageSize) { n += $0.count }
        } else {
            while true {
                let page = try store.readAllTenants(after: after, limit: pageSize)
                guard let last = page.last else { break }
                n += page.count
                after = last.position
            }
        }
        let secs = t0.duration(to: .now).seconds
        say("events=\(n) seconds=\(String(format: "%.3f", secs)) events_per_s=\(String(format: "%.0f", Double(n) / secs))")
    case "copy":
        // copy: the reference for catchup, COPY (SELECT the same columns … ORDER BY position) TO STDOUT read
        // with libpq on one connection and dropped (Benchmarks/StoreBench/Copy.swift).
        let (rows, secs) = try copyOut(dsn: dsn, schema: schema)
        say("rows=\(rows) seconds=\(String(format: "%.3f", secs)) rows_per_s=\(String(format: "%.0f", Double(rows) / secs))")
    default:
        say("usage: storeaccess-bench append|latency-sub|latency-pub|kvset|watch-latency|catchup|copy …")
        exit(2)
    }
} catch {
    say("error \(error)")
    exit(1)
}

final class LockedHistogram: @unchecked Sendable {
    let lock = NSLock()
    var h = Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)
    func record(_ v: UInt64) { lock.lock(); _ = h.record(v); lock.unlock() }
    var count: Int { lock.lock(); defer { lock.unlock() }; return Int(h.totalCount) }
    func summary() -> String {
        lock.lock(); defer { lock.unlock() }
        return String(
            format: "p50_ms=%.3f p99_ms=%.3f max_ms=%.3f n=%d", Double(h.valueAtPercentile(50)) / 1000,
            Double(h.valueAtPercentile(99)) / 1000, Double(h.max) / 1000, Int(h.totalCount))
    }
}
