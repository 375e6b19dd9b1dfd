import Foundation
import StoreAccess

/// Commands for crash and cross-process tests. Each prints progress lines (flushed) to stdout.
enum TestProcessCommands {
    static func say(_ s: String) {
        FileHandle.standardOutput.write((s + "\n").data(using: .utf8)!)
    }

    static func store(_ dsn: String, _ schema: String, listen: String? = nil) throws -> Store {
        var o = Store.Options()
        o.schema = schema
        o.listenDSN = listen
        o.configure = { $0.reportInterval = nil }
        return try Store.connect(dsn, service: "testproc", options: o)
    }

    static func run(_ args: [String]) throws {
        switch args[1] {
        case "append-hang":
            // append-hang DSN SCHEMA TENANT STREAM N: appends N events in an open transaction, says so, hangs.
            let s = try store(args[2], args[3])
            let events = try s.events(tenant: args[4])
            let n = Int(args[6])!
            let c = try s.pool.acquire()
            try c.query("BEGIN")
            let json = JSONText("[" + (1...n).map { "{\"type\":\"Crash\",\"payload\":{\"i\":\($0)}}" }.joined(separator: ",") + "]")
            try c.query(SQL("SELECT first_position FROM \(ident: s.schema.name).append(\(events.tenant), \(args[5]), -1, \(json))"))
            say("appended")
            while true { sleep(60) }
        case "collect":
            // collect DSN LISTEN_DSN SCHEMA TENANT N TIMEOUT_S: live subscription from 0; prints every position.
            let s = try store(args[2], args[4], listen: args[3])
            let events = try s.events(tenant: args[5])
            let n = Int(args[6])!
            let got = Box()
            let sub = try events.subscribe(after: 0) { batch in
                for e in batch { say("\(e.position)") }
                got.add(batch.count)
            }
            let deadline = Date().addingTimeInterval(Double(args[7])!)
            while got.value < n && Date() < deadline { usleep(20_000) }
            sub.stop()
            say("done \(got.value)")
        case "consume":
            // consume DSN LISTEN_DSN SCHEMA TENANT NAME SLEEP_MS: durable consumer, prints each position it handled.
            let s = try store(args[2], args[4], listen: args[3])
            let events = try s.events(tenant: args[5])
            let pause = UInt32(args[7])! * 1000
            var o = Subscription.Options()
            o.batchSize = 5
            let sub = try events.subscribeDurable(name: args[6], options: o) { batch in
                for e in batch { usleep(pause); say("handled \(e.position)") }
            }
            say("started")
            _ = sub.wait()
        case "kv-set":
            // kv-set DSN SCHEMA TENANT KIND N: sets keys k1…kN to {"n": i}.
            let s = try store(args[2], args[3])
            let kv = try s.kv(tenant: args[4], codec: JSONCodec<[String: Int]>())
            for i in 1...Int(args[6])! { try kv.set(args[5], "k\(i)", ["n": i]) }
            say("set \(args[6])")
        default:
            throw StoreError(.invalidArgument, "unknown command \(args[1])")
        }
    }
}

final class Box: @unchecked Sendable {
    private let lock = NSLock()
    private var v = 0
    func add(_ n: Int) { lock.lock(); v += n; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return v }
}
