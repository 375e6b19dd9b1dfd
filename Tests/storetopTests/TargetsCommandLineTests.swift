import Foundation
import StoreAccess
import StoreMetrics
import StoreTestSupport
import Testing

/// Issue 19's targets through the built binary against the test server: several DSNs on the command line (each a
/// target named by where it connects, the same DSN twice kept apart as `#2`), and a consumer threshold from the
/// config file changing one consumer's status while its twin without one keeps the defaults' status, and a flag
/// over the file's defaults.
@Suite struct TargetsCommandLineTests {
    @Test func severalDSNsAreSeveralTargetsEachNamedByWhereItConnects() throws {
        let server = try TestServer.current()
        let second = try server.inDatabase("storetop_fleet")
        let dsns = [server.directDSN, second.directDSN, server.directDSN]
        let r = try storetop(["snapshot", "--json", "--sample", "0", "--no-detect"] + dsns, timeout: 120)
        #expect(r.status == 0, "\(r.err)")
        let targets = try #require((try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])?["targets"] as? [[String: Any]])
        let first = Target.name(forDSN: server.directDSN)
        #expect(
            targets.map { $0["name"] as? String } == [first, Target.name(forDSN: second.directDSN), first + "#2"],
            "\(targets.map { $0["name"] ?? "-" })")
        #expect(first.hasSuffix("/" + (try FleetTests.one(server.adminDSN, "SELECT current_database()") ?? "?")), "\(first)")
        // each reads its own database, as SQL on it says
        for (t, dsn) in zip(targets, [server.adminDSN, second.adminDSN, server.adminDSN]) {
            let db = ((t["snapshot"] as? [String: Any])?["server"] as? [String: Any])?["database"] as? String
            #expect(db == (try FleetTests.one(dsn, "SELECT current_database()")), "\(t["name"] ?? "-")")
            #expect(t["role"] as? String == "primary" && t["error"] is NSNull)
        }
        // the metrics: one exposition, every target under its own label
        let m = try storetop(["metrics", "--once", "--no-detect"] + dsns, timeout: 120)
        #expect(m.status == 0, "\(m.err)")
        for n in [first, Target.name(forDSN: second.directDSN), first + "#2"] {
            #expect(m.out.contains("storetop_target_up{target=\"\(n)\"} 1"), "\(n)")
        }
        if let pw = try ConnectionString(server.directDSN).parameters(masked: false)["password"] {
            #expect(!r.out.contains(pw) && !m.out.contains(pw), "no password printed")
        }
    }

    @Test func aThresholdFromTheConfigChangesOneConsumersStatus() throws {
        let server = try TestServer.current()
        let schema = TestServer.freshSchemaName("thr")
        let store = try server.store(schema: schema)
        defer { store.close(); server.dropSchema(schema) }
        for i in 0..<7 { try store.events(tenant: "acme").append(to: "order-\(i)", [EventData(type: "Placed")]) }
        // two consumers alike, running (their process holds each one's owner lock, docs/sql.md), opened now at
        // position 0 of the seven: only their names differ
        let s = "\"\(schema)\""
        let owner = try Connection(try ConnectionString(server.directDSN))
        defer { owner.close() }
        for name in ["mailer", "billing"] {
            let lock = StoreProtocol.LockClass.consumer.name(in: store.schema.name)
            let key = StoreProtocol.consumerKey(tenant: "acme", name: name)
            #expect(try owner.query(SQL("SELECT pg_try_advisory_lock(hashtext(\(lock)), hashtext(\(key)))")).rows.first?[0] == "t")
            try owner.query(SQL(unsafeRaw: "SELECT \(s).cursor_open('acme', '\(name)', 'events', '[]', 'thr-test', 'test-host', 4242)"))
        }
        var env: [String: String] = [:]
        let yaml = """
            defaults:
              lag_events: 5
              lag_seconds: 1
              stall_after: 600
            targets:
            \(try FleetTests.entry("shop", server.directDSN, env: &env))
                schema: \(schema)
            thresholds:
              quiet-mailer:
                consumer: mail*
                lag_events: 100

            """
        let file = NSTemporaryDirectory() + "thr-\(UUID().uuidString).yaml"
        try yaml.write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        Thread.sleep(forTimeInterval: 1.2)  // the oldest unhandled event is older than lag_seconds
        let r = try storetop(["snapshot", "--config", file, "--json", "--sample", "1", "--no-detect"], env: env, timeout: 120)
        #expect(r.status == 0, "\(r.err)")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
        let cursors = doc["cursors"] as? [[String: Any]] ?? []
        func cursor(_ n: String) -> [String: Any]? { cursors.first { $0["name"] as? String == n } }
        let waiting = try #require(try FleetTests.one(server.adminDSN, "SELECT count(*) FROM \(s).events WHERE tenant = 'acme'"))
        for n in ["mailer", "billing"] {
            #expect((cursor(n)?["lag_events"] as? NSNumber)?.stringValue == waiting, "\(n): SQL says \(waiting) to handle")
        }
        #expect(cursor("billing")?["status"] as? String == "lagging", "7 ≥ the defaults' 5 events: \(cursor("billing") ?? [:])")
        #expect(cursor("mailer")?["status"] as? String == "ok", "its threshold allows 100: \(cursor("mailer") ?? [:])")
        // a flag overrides the file's defaults even when it gives the flag's own default (10): 7 events are then OK
        let flagged = try storetop(
            ["snapshot", "--config", file, "--json", "--sample", "1", "--no-detect", "--lag-events", "10"], env: env, timeout: 120)
        let fc = (try JSONSerialization.jsonObject(with: Data(flagged.out.utf8)) as? [String: Any])?["cursors"] as? [[String: Any]] ?? []
        #expect(fc.first { $0["name"] as? String == "billing" }?["status"] as? String == "ok", "\(flagged.err)")
        // the metrics judge the same
        let m = try storetop(["metrics", "--once", "--config", file, "--no-detect"], env: env, timeout: 120)
        #expect(m.status == 0, "\(m.err)")
        let status = m.out.split(separator: "\n").filter {
            $0.hasPrefix("storetop_consumer_status{") && $0.split(separator: " ").last.flatMap { Double($0) } == 1
        }
        #expect(status.contains { $0.contains("consumer=\"billing\"") && $0.contains("status=\"lagging\"") }, "\(status)")
        #expect(status.contains { $0.contains("consumer=\"mailer\"") && $0.contains("status=\"ok\"") }, "\(status)")
    }
}
