import Foundation
import StoreAccess
import StoreTestSupport
import Testing

@testable import StoreMetrics

/// Replication as a DBA checks it (issue 19, first part): a private primary with a streaming standby made by
/// `pg_basebackup -R`, an inactive physical slot and an inactive logical slot while writes go on. Each figure is
/// compared with SQL on the same server: WAL distances lie between SQL's readings just before and just after the
/// snapshot (the server writes WAL of its own in between), states and names are equal.
@Suite(.serialized) struct ReplicationTests {
    func one(_ c: Connection, _ sql: String) throws -> String? { try c.query(SQL(unsafeRaw: sql)).first?[0] }

    @Test func aPrimaryItsStandbyAndItsSlotsMatchSQL() throws {
        let primary = try PrivateServer()
        defer { primary.stop() }
        let standbyEnv = try primary.startStandby()
        let admin = try Connection(try ConnectionString(primary.adminDSN))
        defer { admin.close() }
        try admin.query("SELECT pg_create_physical_replication_slot('cdc_phys', true)")
        try admin.query("SELECT pg_create_logical_replication_slot('cdc_logical', 'test_decoding')")
        try admin.executeScript(
            "CREATE TABLE w (i int, t text); INSERT INTO w SELECT g, repeat('x', 200) FROM generate_series(1, 20000) g;", name: "fixture.replication")
        let deadline = Date().addingTimeInterval(60)
        while try one(admin, "SELECT state FROM pg_stat_replication WHERE application_name = 'storetop_standby'") != "streaming",
            Date() < deadline
        { usleep(100_000) }
        let retained = "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::bigint FROM pg_replication_slots WHERE slot_name ="
        let lag = "SELECT pg_current_wal_lsn()::text"
        let before = (phys: try one(admin, retained + " 'cdc_phys'"), logical: try one(admin, retained + " 'cdc_logical'"), lag: try one(admin, lag))
        let c = try Collector(dsn: primary.monitorDSN, schema: "storeaccess")
        defer { c.close() }
        let snap = try c.snapshot()
        let after = (phys: try one(admin, retained + " 'cdc_phys'"), logical: try one(admin, retained + " 'cdc_logical'"), lag: try one(admin, lag))
        let r = try #require(snap.replication, "\(snap.errors)")
        func within(_ v: Int64?, _ lo: String?, _ hi: String?) -> Bool {
            guard let v, let lo = lo.flatMap(Int64.init), let hi = hi.flatMap(Int64.init) else { return false }
            return lo <= v && v <= hi
        }
        let phys = try #require(r.slots.first { $0.slotName == "cdc_phys" })
        #expect(phys.slotType == "physical" && !phys.active && phys.walStatus == "reserved")
        #expect(
            within(phys.retainedBytes, before.phys, after.phys),
            "\(String(describing: phys.retainedBytes)) not in \(before.phys ?? "-")…\(after.phys ?? "-")")
        #expect((phys.retainedBytes ?? 0) > 4_000_000, "20000 rows of 200 bytes were written since the slot reserved WAL")
        let logical = try #require(r.slots.first { $0.slotName == "cdc_logical" })
        #expect(logical.slotType == "logical" && logical.plugin == "test_decoding" && logical.database == "storetop_test" && !logical.active)
        #expect(within(logical.retainedBytes, before.logical, after.logical))
        #expect(r.slots.map(\.slotName) == r.slots.sorted { ($0.retainedBytes ?? -1) > ($1.retainedBytes ?? -1) }.map(\.slotName))
        let standby = try #require(r.standbys.first { $0.applicationName == "storetop_standby" }, "\(r.standbys)")
        #expect(standby.state == "streaming" && standby.syncState == "async")
        // the standby's lag is this server's position at the snapshot minus the replay position it reported: between
        // the same distance measured from the positions read just before and just after
        let replay = try #require(standby.replayLSN)
        let lo = try one(admin, "SELECT pg_wal_lsn_diff('\(before.lag ?? "")', '\(replay)')::bigint")
        let hi = try one(admin, "SELECT pg_wal_lsn_diff('\(after.lag ?? "")', '\(replay)')::bigint")
        #expect(within(standby.lagBytes, lo, hi), "\(String(describing: standby.lagBytes)) not in \(lo ?? "-")…\(hi ?? "-")")
        #expect(r.receiver == nil && snap.server?.isStandby == false)
        let json = try JSONExport.encode(snap, pretty: false)
        #expect(json.contains("\"replication\":{") && json.contains("\"application_name\":\"storetop_standby\""))
        #expect(json.contains("\"slot_name\":\"cdc_phys\"") && json.contains("\"retained_bytes\":\(phys.retainedBytes!)"))
        let metrics = PrometheusExport.render(snap)
        #expect(metrics.contains("storetop_replication_slot_retained_bytes{slot_name=\"cdc_phys\",slot_type=\"physical\",wal_status=\"reserved\"}"))
        #expect(metrics.contains("storetop_replication_standby_streaming{application_name=\"storetop_standby\""))
        // the senders relation (pg_stat_get_wal_senders, then each sender's own activity row) gives the rows
        // pg_stat_replication gives, as the monitoring role sees them
        let monitor = try Connection(try ConnectionString(primary.monitorDSN))
        defer { monitor.close() }
        let cols = "pid, application_name, client_addr::text, state, sync_state"
        let viewRows = try monitor.query(SQL(unsafeRaw: "SELECT \(cols) FROM pg_stat_replication ORDER BY application_name, pid")).rows
        let sendersRows = try monitor.query(SQL(unsafeRaw: "WITH \(ServerPanel.senders) SELECT \(cols) FROM r")).rows
        #expect(!viewRows.isEmpty && viewRows.map(\.values) == sendersRows.map(\.values))
        try standbySide(standbyEnv)
        try admin.query("SELECT pg_drop_replication_slot('cdc_logical')")
        try admin.query("SELECT pg_drop_replication_slot('cdc_phys')")
    }

    /// On the standby: recovery, its receiver streaming, replay paused and resumed as `pg_wal_replay_pause()` says.
    func standbySide(_ env: [String: String]) throws {
        let admin = try Connection(try ConnectionString(try #require(env["STORETOP_TEST_STANDBY_ADMIN_DSN"])))
        defer { admin.close() }
        let c = try Collector(dsn: try #require(env["STORETOP_TEST_STANDBY_MONITOR_DSN"]), schema: "storeaccess")
        defer { c.close() }
        let snap = try c.snapshot()
        let x = try #require(snap.replication?.receiver, "\(snap.errors)")
        #expect(snap.server?.isStandby == true && x.status == "streaming" && !x.replayPaused)
        #expect(x.receiveLSN != nil && x.replayLSN != nil && (x.receiveLagBytes ?? -1) >= 0)
        try admin.query("SELECT pg_wal_replay_pause()")
        let paused = try c.snapshot()
        try admin.query("SELECT pg_wal_replay_resume()")
        #expect(paused.replication?.receiver?.replayPaused == true)
        #expect(paused.replication?.warnings.contains { $0.contains("replay is paused") } == true, "\(paused.replication?.warnings ?? [])")
        #expect(PrometheusExport.render(paused).contains("storetop_standby_replay_paused 1"))
    }

    /// The findings, from the rules alone: an inactive slot over the byte threshold, a lost slot, a standby behind.
    @Test func warningsNameWhatFillsTheDiskOrFallsBehind() {
        var rules = ReplicationRules()
        rules.slotRetainedBytes = 1000
        let r = Snapshot.Replication(
            standbys: [
                .init(
                    applicationName: "s1", clientAddress: nil, state: "streaming", sentLSN: nil, writeLSN: nil, flushLSN: nil, replayLSN: nil,
                    lagBytes: 10, writeLagSeconds: nil, flushLagSeconds: nil, replayLagSeconds: 75, syncState: "async")
            ],
            slots: [
                .init(
                    slotName: "gone", slotType: "logical", plugin: "pgoutput", database: "d", active: false, retainedBytes: 5000, walStatus: "lost",
                    safeWalSize: nil),
                .init(
                    slotName: "busy", slotType: "physical", plugin: nil, database: nil, active: true, retainedBytes: 9000, walStatus: "reserved",
                    safeWalSize: nil),
            ])
        let w = rules.warnings(r)
        #expect(w.count == 3, "\(w)")
        #expect(w[0].contains("gone") && w[0].contains("lost"))
        #expect(w[1].contains("inactive slot gone") && !w.contains { $0.contains("busy") }, "an active slot is being read")
        #expect(w[2].contains("standby s1") && w[2].contains(Format.duration(75)))
    }
}
