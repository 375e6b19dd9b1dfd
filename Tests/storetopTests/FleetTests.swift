import Foundation
import StoreAccess
import StoreMetrics
import StoreTestSupport
import Testing

/// The fleet (issue 19) against real servers: two primaries (a private server and the test server's second
/// database), a streaming standby made with `pg_basebackup -R`, and a target that is down; read with the config
/// file through the built `storetop`, compared with SQL on each server.
@Suite(.serialized) struct FleetTests {
    /// A config target for `dsn`: its password moved to `password: env:VAR` (the file takes no inline secret).
    static func entry(_ name: String, _ dsn: String, env: inout [String: String], group: String? = nil) throws -> String {
        var p = try ConnectionString(dsn).parameters(masked: false)
        let pw = p.removeValue(forKey: "password")
        let kv = p.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        var lines = ["  \(name):", "    dsn: \"\(kv)\""]
        if let pw {
            env["FLEET_PW_\(name.uppercased())"] = pw
            lines.append("    password: env:FLEET_PW_\(name.uppercased())")
        }
        if let group { lines.append("    group: \(group)") }
        return lines.joined(separator: "\n")
    }

    static func one(_ dsn: String, _ sql: String) throws -> String? {
        let c = try Connection(try ConnectionString(dsn))
        defer { c.close() }
        return try c.query(SQL(unsafeRaw: sql)).rows.first?[0]
    }

    static func exec(_ dsn: String, _ sql: String) throws {
        let c = try Connection(try ConnectionString(dsn))
        defer { c.close() }
        try c.executeScript(sql, name: "fixture.fleet")
    }

    @Test func snapshotAndMetricsShowEveryTargetWithItsRole() throws {
        let primary = try PrivateServer()
        defer { primary.stop() }
        let standby = try primary.startStandby()
        let second = try TestServer.current().inDatabase("storetop_fleet")
        var env = ProcessInfo.processInfo.environment
        env["SWIFT_BACKTRACE"] = "enable=no"
        let file = NSTemporaryDirectory() + "fleet-\(getpid()).yaml"
        let yaml = [
            "targets:",
            try Self.entry("primary", primary.monitorDSN, env: &env, group: "prod"),
            try Self.entry("replica", standby["STORETOP_TEST_STANDBY_MONITOR_DSN"]!, env: &env, group: "prod"),
            try Self.entry("second", second.directDSN, env: &env),
            "  dead:\n    dsn: \"host=127.0.0.1 port=1 dbname=x connect_timeout=2\"",
        ].joined(separator: "\n")
        try yaml.write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        // an inactive physical slot on the first primary, retaining the WAL of writes that go on
        try Self.exec(primary.adminDSN, "SELECT pg_create_physical_replication_slot('fleet_archive', true)")
        try Self.exec(primary.adminDSN, "CREATE TABLE w AS SELECT g, repeat('x', 200) AS t FROM generate_series(1, 20000) g")
        let retained = "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::bigint FROM pg_replication_slots WHERE slot_name = 'fleet_archive'"
        // the standby has replayed those writes (a standby that has replayed no transaction since it started has
        // no replay time to date its delay by: null, as PostgreSQL says)
        let written = try Self.one(primary.adminDSN, "SELECT pg_current_wal_lsn()::text") ?? "0/0"
        let standbyAdmin = standby["STORETOP_TEST_STANDBY_ADMIN_DSN"]!
        let replayed = "SELECT pg_wal_lsn_diff(pg_last_wal_replay_lsn(), '\(written)') >= 0"
        let caughtUp = Date().addingTimeInterval(90)
        while try Self.one(standbyAdmin, replayed) != "t" && Date() < caughtUp { usleep(100_000) }
        let before = Int64(try Self.one(primary.adminDSN, retained) ?? "") ?? -1
        let bin = TestServer.builtProduct("storetop")
        let r = try runProcess(bin, ["snapshot", "--config", file, "--json", "--sample", "0", "--no-detect"], environment: env, timeout: 120)
        let after = Int64(try Self.one(primary.adminDSN, retained) ?? "") ?? -1
        #expect(r.status == 69, "a target that is down makes the status 69: \(r.err)")
        #expect(r.err.contains("1 of 4 targets could not be read: dead"), "\(r.err)")
        for pw in env.filter({ $0.key.hasPrefix("FLEET_PW_") }).values { #expect(!r.out.contains(pw) && !r.err.contains(pw), "no password printed") }
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
        let targets = try #require(doc["targets"] as? [[String: Any]])
        #expect(targets.map { $0["name"] as? String } == ["primary", "replica", "second", "dead"])
        let byName = Dictionary(targets.map { ($0["name"] as! String, $0) }, uniquingKeysWith: { a, _ in a })
        // roles and databases as each server says (pg_is_in_recovery, current_database)
        for (name, dsn) in [("primary", primary.adminDSN), ("replica", standby["STORETOP_TEST_STANDBY_ADMIN_DSN"]!), ("second", second.adminDSN)] {
            let t = try #require(byName[name])
            let recovery = try Self.one(dsn, "SELECT pg_is_in_recovery()")
            #expect(t["role"] as? String == (recovery == "t" ? "standby" : "primary"), "\(name): \(t["role"] ?? "-")")
            let server = ((t["snapshot"] as? [String: Any])?["server"] as? [String: Any])
            #expect(server?["database"] as? String == (try Self.one(dsn, "SELECT current_database()")), "\(name)")
            #expect(t["error"] is NSNull, "\(name): \(t["error"] ?? "")")
        }
        // the standby names its primary and how far its figures are behind it
        let replica = try #require(byName["replica"])
        #expect(replica["primary"] as? String == "127.0.0.1" || (replica["primary"] as? String)?.isEmpty == false)
        #expect((replica["replay_delay_seconds"] as? Double).map { $0 >= 0 } == true, "\(replica["replay_delay_seconds"] ?? "-")")
        let receiver = ((replica["snapshot"] as? [String: Any])?["replication"] as? [String: Any])?["receiver"] as? [String: Any]
        #expect(receiver?["replay_paused"] as? Bool == false)
        // the slot's retention on the primary's target lies between SQL's readings before and after
        let slots = (((byName["primary"]?["snapshot"] as? [String: Any])?["replication"] as? [String: Any])?["slots"] as? [[String: Any]]) ?? []
        let slot = slots.first { $0["slot_name"] as? String == "fleet_archive" }
        let shown = (slot?["retained_bytes"] as? NSNumber)?.int64Value ?? -1
        #expect(before > 4_000_000 && shown >= before && shown <= after, "\(before) ≤ \(shown) ≤ \(after)")
        #expect(slot?["active"] as? Bool == false)
        let dead = try #require(byName["dead"])
        #expect(dead["snapshot"] is NSNull && (dead["error"] as? String)?.contains("could not connect") == true)
        // metrics: one exposition, every sample labelled with its target; the dead one is down
        let m = try runProcess(bin, ["metrics", "--once", "--config", file, "--no-detect"], environment: env, timeout: 120)
        #expect(m.status == 0, "\(m.err)")
        for name in ["primary", "replica", "second"] { #expect(m.out.contains("storetop_target_up{target=\"\(name)\"} 1"), "\(name)") }
        #expect(m.out.contains("storetop_target_up{target=\"dead\"} 0"))
        #expect(m.out.components(separatedBy: "# TYPE storetop_target_up ").count == 2, "one family, not one per target")
        #expect(m.out.contains("storetop_server_standby{target=\"replica\"} 1") && m.out.contains("storetop_server_standby{target=\"primary\"} 0"))
        // the fleet view (plain frames when stdout is no terminal): a row per target with its role, up or not, error
        var plain = env
        (plain["COLUMNS"], plain["LINES"]) = ("160", "20")
        let v = try runProcess(bin, ["--config", file, "--no-detect"], environment: plain, timeout: 120)
        #expect(v.status == 0, "\(v.err)")
        let lines = v.out.split(separator: "\n").map(String.init)
        func row(_ name: String) -> [String] { lines.first { $0.hasPrefix(name + " ") }?.split(separator: " ").map(String.init) ?? [] }
        #expect(lines.first?.contains("4 targets, 3 up") == true, "\(lines.first ?? "")")
        #expect(Array(row("primary").dropFirst().prefix(3)) == ["prod", "primary", "yes"], "\(row("primary"))")
        #expect(Array(row("replica").dropFirst().prefix(3)) == ["prod", "standby", "yes"], "\(row("replica"))")
        #expect(Array(row("second").dropFirst().prefix(2)) == ["primary", "yes"], "\(row("second"))")
        #expect(row("dead").contains("NO") && lines.contains { $0.hasPrefix("dead ") && $0.contains("could not connect") })
        // the multi-target exporter: /probe?target=NAME is that target's exposition (no target label: Prometheus'
        // relabelling names it), an unknown name is 404, /metrics carries every target
        let port = try freeLocalPort()
        let exporter = try BackgroundProcess(bin, ["metrics", "--config", file, "--no-detect", "--listen", "127.0.0.1:\(port)"], environment: env)
        defer { exporter.kill9() }
        let up = Date().addingTimeInterval(60)
        while httpGet10(port: port, path: "/-/healthy")?.0 != 200 && Date() < up { usleep(100_000) }
        #expect(exporter.errors.contains("serving metrics on http://127.0.0.1:\(port)/metrics for 4 targets"), "\(exporter.errors)")
        let probe = httpGet10(port: port, path: "/probe?target=replica")
        #expect(probe?.0 == 200 && probe?.1.contains("\nstoretop_server_standby 1") == true, "\(probe?.1.prefix(400) ?? "no answer")")
        #expect(probe?.1.contains("target=") == false)
        #expect(httpGet10(port: port, path: "/probe?target=primary")?.1.contains("\nstoretop_server_standby 0") == true)
        #expect(httpGet10(port: port, path: "/probe?target=nosuch")?.0 == 404)
        #expect(httpGet10(port: port, path: "/metrics")?.1.contains("storetop_target_up{target=\"second\"} 1") == true)
        // a group name on the command line is its targets
        let g = try runProcess(bin, ["snapshot", "--config", file, "prod", "--json", "--sample", "0", "--no-detect"], environment: env, timeout: 120)
        let gdoc = try JSONSerialization.jsonObject(with: Data(g.out.utf8)) as? [String: Any]
        #expect((gdoc?["targets"] as? [[String: Any]])?.map { $0["name"] as? String } == ["primary", "replica"], "\(g.err)")
    }

    /// A server that accepts the TCP connection and never answers holds only its own target: the live target
    /// refreshes again and again while the silent one is still connecting.
    @Test func aSilentServerNeverHoldsTheOthers() throws {
        let (fd, port) = try localSocket()
        defer { close(fd) }
        let live = Target(name: "live", dsn: try TestServer.current().directDSN, foreign: nil)
        let silent = Target(name: "silent", dsn: "host=127.0.0.1 port=\(port) dbname=x user=x connect_timeout=20", foreign: nil)
        let fleet = try Fleet(targets: [silent, live], interval: 0.5)
        fleet.start()
        defer { fleet.stop() }
        var liveRefreshes = 0, silentEvents = 0
        let deadline = Date().addingTimeInterval(50)
        while liveRefreshes < 4 && Date() < deadline {
            fleet.members[1].loop.waitForEvents(seconds: 0.5)
            for e in fleet.members[1].loop.poll() { if case .refreshed = e { liveRefreshes += 1 } }
            silentEvents += fleet.members[0].loop.poll().count
        }
        #expect(liveRefreshes >= 4, "the live target refreshed \(liveRefreshes) times")
        #expect(silentEvents == 0, "the silent server is still being connected to (connect_timeout 20 s)")
    }
}
