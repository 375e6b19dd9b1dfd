import Foundation
import StoreAccess
import StoreTestSupport
import Testing

@testable import StoreMetrics

/// The real `storetop` dashboard on a private primary with a streaming standby (`pg_basebackup -R`) and an inactive
/// physical slot while writes go on: the Replication view, drawn in plain mode between two SQL readings, shows the
/// slot's retained WAL within them (to the view's precision: one decimal of its unit), the standby streaming, and
/// on the standby its receiver streaming with its replay position; then the same slot in the ncurses dashboard under
/// tmux after the key 8.
@Suite(.serialized) struct ReplicationDashboardTests {
    func one(_ c: Connection, _ sql: String) throws -> Int64 {
        try #require(try c.query(SQL(unsafeRaw: sql)).first?[0].flatMap { Int64($0) }, "\(sql)")
    }

    /// One frame of the Replication view at 200×50, as a script gets it.
    func frame(_ dsn: String) throws -> [String] {
        let r = try storetop([dsn, "--view", "replication", "--iterations", "1", "--interval", "1"], env: ["COLUMNS": "200", "LINES": "50"])
        #expect(r.status == 0, "\(r.err)")
        return r.out.split(separator: "\n").map(String.init)
    }

    /// The bytes a cell like "4.5MB" can stand for: its value ± half its last digit, in bytes.
    func range(_ cell: Substring) throws -> ClosedRange<Double> {
        let units: [(String, Double)] = [("GB", 1_073_741_824), ("MB", 1_048_576), ("kB", 1024), ("B", 1)]
        let (unit, scale) = try #require(units.first { cell.hasSuffix($0.0) }, "\(cell)")
        let v = try #require(Double(cell.dropLast(unit.count)), "\(cell)")
        let half = unit == "B" ? 0 : 0.05
        return (v - half) * scale...(v + half) * scale
    }

    @Test func theSlotsRetainedWALOnScreenLiesBetweenSQLReadings() throws {
        let primary = try PrivateServer()
        defer { primary.stop() }
        let standby = try primary.startStandby()
        let admin = try Connection(try ConnectionString(primary.adminDSN))
        defer { admin.close() }
        try admin.query("SELECT pg_create_physical_replication_slot('cdc_idle', true)")
        try admin.executeScript(
            "CREATE TABLE w (i int, t text); INSERT INTO w SELECT g, repeat('x', 200) FROM generate_series(1, 20000) g;", name: "fixture.replication")
        let deadline = Date().addingTimeInterval(60)
        while try one(admin, "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'") == 0, Date() < deadline { usleep(100_000) }
        let retained = "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::bigint FROM pg_replication_slots WHERE slot_name = 'cdc_idle'"
        let before = try one(admin, retained)
        let ls = try frame(primary.monitorDSN)
        let after = try one(admin, retained)
        try slotShown(ls, within: before, after)
        #expect(before > 4_000_000, "20000 rows of 200 bytes were written since the slot reserved WAL")
        let name = try #require(try admin.query("SELECT application_name FROM pg_stat_replication").first?[0])
        #expect(ls.contains { $0.hasPrefix("standby") && $0.contains(name) && $0.contains("streaming") }, "\(ls.joined(separator: "\n"))")
        #expect(ls.contains { $0.hasPrefix("receiver") && $0.contains("this server is not a standby") })
        try standbySide(try #require(standby["STORETOP_TEST_STANDBY_MONITOR_DSN"]), admin: try #require(standby["STORETOP_TEST_STANDBY_ADMIN_DSN"]))
        try inTmux(primary.monitorDSN, admin, retained)
        try admin.query("SELECT pg_drop_replication_slot('cdc_idle')")
    }

    /// The slot's line is there, inactive and reserved, and its WAL BYTES can stand for a value between the readings.
    func slotShown(_ ls: [String], within before: Int64, _ after: Int64) throws {
        let slot = try #require(ls.first { $0.hasPrefix("physical slot") && $0.contains("cdc_idle") }, "\(ls.joined(separator: "\n"))")
        #expect(slot.contains("inactive") && slot.contains("reserved"), "\(slot)")
        let bytes = try #require(slot.split(separator: " ").first { c in ["GB", "MB", "kB"].contains { c.hasSuffix($0) } }, "\(slot)")
        let shown = try range(bytes)
        #expect(shown.lowerBound <= Double(after) && Double(before) <= shown.upperBound, "\(bytes) not within \(before)…\(after)")
    }

    /// The ncurses dashboard under tmux, as a DBA drives it: 8 from the Overview; the frame on screen was taken after
    /// the first reading (the dashboard started after it) and read before the second.
    func inTmux(_ dsn: String, _ admin: Connection, _ retained: String) throws {
        try admin.query("INSERT INTO w SELECT g, repeat('y', 200) FROM generate_series(1, 5000) g")
        let before = try one(admin, retained)
        let t = EndToEndTests.Tmux()
        t.launch("LC_ALL=C.UTF-8 SWIFT_BACKTRACE=enable=no '\(TestServer.builtProduct("storetop"))' '\(dsn)' --interval 1")
        try #require(t.waitFor("1 Overview", timeout: 60), "\(t.pane)")
        t.keys("8")
        try #require(t.waitFor("cdc_idle", timeout: 30), "\(t.pane)")
        let pane = t.pane
        let after = try one(admin, retained)
        try slotShown(pane.split(separator: "\n").map(String.init), within: before, after)
        t.keys("q")
        #expect(t.waitFor("EXITED 0"), "\(t.pane)")
    }

    /// On the standby: the receiver streaming, its replay position no further than SQL's after the frame.
    func standbySide(_ dsn: String, admin adminDSN: String) throws {
        let admin = try Connection(try ConnectionString(adminDSN))
        defer { admin.close() }
        let ls = try frame(dsn)
        let receiver = try #require(ls.first { $0.hasPrefix("receiver") }, "\(ls.joined(separator: "\n"))")
        #expect(receiver.contains("streaming") && !receiver.contains("paused"), "\(receiver)")
        let replayed = try #require(try admin.query("SELECT pg_last_wal_replay_lsn()::text").first?[0])
        // the last position on the line is the REPLAY LSN column's (X/Y, hexadecimal)
        let lsn = try #require(
            receiver.split(separator: " ").last { c in
                let parts = c.split(separator: "/", omittingEmptySubsequences: false)
                return parts.count == 2 && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isHexDigit) }
            }, "\(receiver)")
        #expect(try one(admin, "SELECT pg_wal_lsn_diff('\(replayed)', '\(lsn)')::bigint") >= 0, "\(lsn) is not past \(replayed)")
        #expect(ls.contains { $0.hasPrefix("standby") && $0.contains("no standbys stream from this server") })
        #expect(ls[0].contains("standby"), "the header says the role: \(ls[0])")
    }
}
