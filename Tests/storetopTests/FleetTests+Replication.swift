import Foundation
import StoreAccess
import StoreMetrics
import StoreTestSupport
import Testing

/// Issue 19's "done when" for replication: the fleet's three outputs (the fleet view, `snapshot --json`, the
/// metrics) give each target's standby lag, slot retention, primary and xmin horizon as SQL on each server says at
/// the same moment. Replay is paused on the standby while the primary writes, so the distances SQL and storetop
/// measure only grow while they are read: each figure must lie between the SQL readings taken before and after.
extension FleetTests {
    /// SQL's figures on both servers at one moment.
    struct Reading {
        var lagBytes: Int64 = -1, retained: Int64 = -1, replayDelay: Double = -1, xminAge: Int64 = -1

        init(primary: String, standby: String, holder: Int32) throws {
            let one = { (dsn: String, sql: String) in try FleetTests.one(dsn, sql) ?? "" }
            lagBytes = Int64(try one(primary, "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::bigint FROM pg_stat_replication")) ?? -1
            retained =
                Int64(
                    try one(
                        primary,
                        "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::bigint FROM pg_replication_slots WHERE slot_name = 'fleet_keep'"))
                ?? -1
            replayDelay = Double(try one(standby, "SELECT extract(epoch FROM now() - pg_last_xact_replay_timestamp())")) ?? -1
            xminAge = Int64(try one(primary, "SELECT age(backend_xmin) FROM pg_stat_activity WHERE pid = \(holder)")) ?? -1
        }
    }

    /// The value of `name{labels…}` in an exposition whose labels contain every one of `having`.
    static func sample(_ text: String, _ name: String, having: [String]) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(name + "{") && having.allSatisfy({ line.contains($0) }) {
            return line.split(separator: " ").last.flatMap { Double($0) }
        }
        return nil
    }

    /// "4.2MB" as bytes (Format.bytes read back).
    static func bytes(_ text: String) -> Double? {
        let units: [(String, Double)] = [("kB", 1024), ("MB", 1_048_576), ("GB", 1_073_741_824), ("B", 1)]
        for (u, f) in units where text.hasSuffix(u) { return Double(text.dropLast(u.count)).map { $0 * f } }
        return nil
    }

    @Test func standbyLagSlotRetentionAndTheXminHolderAgreeWithSQLInEveryOutput() throws {
        let primary = try PrivateServer()
        defer { primary.stop() }
        let standby = try primary.startStandby()
        let standbyAdmin = standby["STORETOP_TEST_STANDBY_ADMIN_DSN"]!
        var env = ProcessInfo.processInfo.environment
        env["SWIFT_BACKTRACE"] = "enable=no"
        let file = NSTemporaryDirectory() + "fleet-repl-\(getpid()).yaml"
        let yaml = [
            "targets:", try Self.entry("primary", primary.monitorDSN, env: &env),
            try Self.entry("replica", standby["STORETOP_TEST_STANDBY_MONITOR_DSN"]!, env: &env),
        ].joined(separator: "\n")
        try yaml.write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        try Self.exec(primary.adminDSN, "SELECT pg_create_physical_replication_slot('fleet_keep', true)")
        try Self.exec(primary.adminDSN, "CREATE TABLE w AS SELECT g, repeat('x', 200) AS t FROM generate_series(1, 5000) g")
        // the oldest snapshot on the primary: a repeatable-read transaction that has read once
        let holder = try Connection(try ConnectionString(primary.adminDSN))
        defer { holder.close() }
        try holder.executeScript(
            "SET application_name TO 'xholder'; BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT count(*) FROM w", name: "fixture.xmin")
        let pid = Int32(try holder.query(SQL(unsafeRaw: "SELECT pg_backend_pid()")).rows.first?[0] ?? "") ?? -1
        // the standby replays the table, then pauses; the primary writes on and the standby receives without replaying
        let written = try Self.one(primary.adminDSN, "SELECT pg_current_wal_lsn()::text") ?? "0/0"
        let caughtUp = Date().addingTimeInterval(90)
        while try Self.one(standbyAdmin, "SELECT pg_wal_lsn_diff(pg_last_wal_replay_lsn(), '\(written)') >= 0") != "t" && Date() < caughtUp {
            usleep(100_000)
        }
        try Self.exec(standbyAdmin, "SELECT pg_wal_replay_pause()")
        while try Self.one(standbyAdmin, "SELECT pg_get_wal_replay_pause_state()") != "paused" && Date() < caughtUp { usleep(100_000) }
        try Self.exec(primary.adminDSN, "INSERT INTO w SELECT g, repeat('y', 200) FROM generate_series(1, 20000) g")
        // wait until the primary sees the standby's (paused) replay position and the standby received the writes
        let end = try Self.one(primary.adminDSN, "SELECT pg_current_wal_lsn()::text") ?? "0/0"
        let settled = """
            SELECT (SELECT replay_lsn FROM pg_stat_replication) = '\(try Self.one(standbyAdmin, "SELECT pg_last_wal_replay_lsn()::text") ?? "")'
            """
        while try Self.one(primary.adminDSN, settled) != "t" && Date() < caughtUp { usleep(100_000) }
        while try Self.one(standbyAdmin, "SELECT pg_wal_lsn_diff(pg_last_wal_receive_lsn(), '\(end)') >= 0") != "t" && Date() < caughtUp {
            usleep(100_000)
        }
        let sender = try Self.one(standbyAdmin, "SELECT sender_host FROM pg_stat_wal_receiver") ?? ""
        let oldest = try Self.one(
            primary.adminDSN, "SELECT pid FROM pg_stat_activity WHERE backend_xmin IS NOT NULL ORDER BY age(backend_xmin) DESC LIMIT 1")
        #expect(oldest == "\(pid)", "SQL names the holder as the oldest xmin")
        let bin = TestServer.builtProduct("storetop")

        // snapshot --json
        var before = try Reading(primary: primary.adminDSN, standby: standbyAdmin, holder: pid)
        let r = try runProcess(bin, ["snapshot", "--config", file, "--json", "--sample", "0", "--no-detect"], environment: env, timeout: 120)
        var after = try Reading(primary: primary.adminDSN, standby: standbyAdmin, holder: pid)
        #expect(r.status == 0, "\(r.err)")
        #expect(before.lagBytes > 3_000_000 && before.replayDelay > 0, "replay is held back: \(before)")
        let targets = try #require((try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])?["targets"] as? [[String: Any]])
        let p = try #require(targets.first { $0["name"] as? String == "primary" }?["snapshot"] as? [String: Any])
        let replica = try #require(targets.first { $0["name"] as? String == "replica" })
        let standbys = (p["replication"] as? [String: Any])?["standbys"] as? [[String: Any]] ?? []
        let lag = (standbys.first?["lag_bytes"] as? NSNumber)?.int64Value ?? -1
        #expect(standbys.count == 1 && before.lagBytes <= lag && lag <= after.lagBytes, "\(before.lagBytes) ≤ \(lag) ≤ \(after.lagBytes)")
        let slot = ((p["replication"] as? [String: Any])?["slots"] as? [[String: Any]])?.first { $0["slot_name"] as? String == "fleet_keep" }
        let retained = (slot?["retained_bytes"] as? NSNumber)?.int64Value ?? -1
        #expect(before.retained <= retained && retained <= after.retained, "\(before.retained) ≤ \(retained) ≤ \(after.retained)")
        let delay = replica["replay_delay_seconds"] as? Double ?? -1
        #expect(before.replayDelay <= delay && delay <= after.replayDelay, "\(before.replayDelay) ≤ \(delay) ≤ \(after.replayDelay)")
        let receiver = ((replica["snapshot"] as? [String: Any])?["replication"] as? [String: Any])?["receiver"] as? [String: Any]
        #expect(
            receiver?["replay_paused"] as? Bool == true && receiver?["sender_host"] as? String == sender && replica["primary"] as? String == sender)
        let xmin = (p["sessions"] as? [String: Any])?["xmin_holder"] as? [String: Any]
        let age = (xmin?["xmin_age"] as? NSNumber)?.int64Value ?? -1
        #expect((xmin?["pid"] as? NSNumber)?.int32Value == pid && before.xminAge <= age && age <= after.xminAge, "\(xmin ?? [:])")

        // the metrics, one exposition for both targets
        before = try Reading(primary: primary.adminDSN, standby: standbyAdmin, holder: pid)
        let m = try runProcess(bin, ["metrics", "--once", "--config", file, "--no-detect"], environment: env, timeout: 120)
        after = try Reading(primary: primary.adminDSN, standby: standbyAdmin, holder: pid)
        #expect(m.status == 0, "\(m.err)")
        let mLag = Self.sample(m.out, "storetop_replication_standby_lag_bytes", having: ["target=\"primary\""]) ?? -1
        #expect(Double(before.lagBytes) <= mLag && mLag <= Double(after.lagBytes), "\(before.lagBytes) ≤ \(mLag) ≤ \(after.lagBytes)")
        let mRetained =
            Self.sample(m.out, "storetop_replication_slot_retained_bytes", having: ["target=\"primary\"", "slot_name=\"fleet_keep\""]) ?? -1
        #expect(Double(before.retained) <= mRetained && mRetained <= Double(after.retained), "\(before.retained) ≤ \(mRetained) ≤ \(after.retained)")
        let mDelay = Self.sample(m.out, "storetop_standby_replay_lag_seconds", having: ["target=\"replica\""]) ?? -1
        #expect(before.replayDelay <= mDelay && mDelay <= after.replayDelay, "\(before.replayDelay) ≤ \(mDelay) ≤ \(after.replayDelay)")
        #expect(Self.sample(m.out, "storetop_standby_replay_paused", having: ["target=\"replica\""]) == 1)
        let mAge = Self.sample(m.out, "storetop_xmin_horizon_age_transactions", having: ["target=\"primary\"", "pid=\"\(pid)\""]) ?? -1
        #expect(Double(before.xminAge) <= mAge && mAge <= Double(after.xminAge), "\(before.xminAge) ≤ \(mAge) ≤ \(after.xminAge)")

        // the fleet view (plain frames): REPLICATION, FOLLOWS and XMIN HOLDER cells
        var plain = env
        (plain["COLUMNS"], plain["LINES"]) = ("220", "20")
        before = try Reading(primary: primary.adminDSN, standby: standbyAdmin, holder: pid)
        let v = try runProcess(bin, ["--config", file, "--no-detect"], environment: plain, timeout: 120)
        after = try Reading(primary: primary.adminDSN, standby: standbyAdmin, holder: pid)
        #expect(v.status == 0, "\(v.err)")
        let lines = v.out.split(separator: "\n").map(String.init)
        let header = try #require(lines.first { $0.hasPrefix("TARGET") }, "\(v.out)")
        #expect(header.contains("FOLLOWS") && header.contains("XMIN HOLDER"), "\(header)")
        let pRow = try #require(lines.first { $0.hasPrefix("primary ") })
        let rRow = try #require(lines.first { $0.hasPrefix("replica ") })
        let shownLag = try #require(pRow.firstMatch(of: /1 sb, ([0-9.]+[kMG]?B)/).map { String($0.output.1) }, "\(pRow)")
        let (lo, hi, got) = (
            Self.bytes(Format.bytes(before.lagBytes)) ?? -1, Self.bytes(Format.bytes(after.lagBytes)) ?? -1, Self.bytes(shownLag) ?? -2
        )
        #expect(lo <= got && got <= hi, "\(Format.bytes(before.lagBytes)) ≤ \(shownLag) ≤ \(Format.bytes(after.lagBytes))")
        #expect(pRow.contains("\(pid) xholder"), "the primary's xmin holder: \(pRow)")
        #expect(rRow.contains(sender.hasPrefix("/") ? " local " : " \(sender) "), "the standby follows \(sender): \(rRow)")
        let shownDelay = try #require(rRow.firstMatch(of: /replay (\S+) PAUSED/).map { String($0.output.1) }, "\(rRow)")
        let possible = Set(stride(from: before.replayDelay, through: after.replayDelay + 0.05, by: 0.05).map { Format.duration($0) })
        #expect(possible.contains(shownDelay), "\(shownDelay) within \(before.replayDelay)…\(after.replayDelay) s")
        try Self.exec(standbyAdmin, "SELECT pg_wal_replay_resume()")
    }
}
