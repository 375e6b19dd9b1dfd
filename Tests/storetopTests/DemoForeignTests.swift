import Foundation
import StoreAccess
import StoreTestSupport
import Testing

@testable import storetop

/// The demo's stores of other libraries (issue 18): with its workloads running, `storetop snapshot` lists the
/// factstr, zestor and eventcore 2 stores beside StoreAccess's own, and each figure agrees with SQL read around it.
/// The demo writes all the time, so a figure that moves is checked between the SQL values read just before and
/// just after the snapshot. Its own database: a collector looks for foreign stores in the whole database, and the
/// demo's listeners and leader lock would change what other foreign tests count.
@Suite(.serialized) struct DemoForeignTests {
    func int(_ server: TestServer, _ sql: String) throws -> Int64 { Int64(try server.admin(SQL(unsafeRaw: sql)).first?[0] ?? "") ?? -1 }

    /// A JSON number as Int64 (JSONSerialization gives NSNumber).
    func n(_ v: Any?) -> Int64? { (v as? NSNumber)?.int64Value }

    /// The statement that counts the sessions holding eventcore's leader lock of `name` (the key eventcore computes).
    func leaderLocks(_ name: String) -> String {
        let key = UInt64(bitPattern: DemoForeign.leaderKey(name))
        return
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 1 AND granted AND classid::bigint = \(key >> 32) AND objid::bigint = \(key & 0xffff_ffff)"
    }

    func waitUntil(_ what: String, _ condition: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(180)
        while try !condition() {
            guard Date() < deadline else { throw CLIError(message: "timed out waiting until \(what)", code: 1) }
            usleep(200_000)
        }
    }

    /// `storetop snapshot --json`'s foreign stores. On a loaded machine a panel may miss the snapshot's 5 s deadline
    /// (it is then named in `errors`, as it should be): up to three snapshots are taken until every panel was read.
    func snapshotJSON(_ server: TestServer, schema: String) throws -> [[String: Any]] {
        for attempt in 1...3 {
            let r = try storetop(["snapshot", "--json", "--sample", "0", server.directDSN, "--schema", schema], timeout: 120)
            #expect(r.status == 0, "\(r.err)")
            let doc = try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
            let errors = (doc["errors"] as? [[String: Any]]) ?? []
            if !errors.isEmpty && attempt < 3 { continue }
            #expect(errors.isEmpty, "\(errors)")
            return try #require(doc["foreign"] as? [[String: Any]])
        }
        return []
    }

    @Test func snapshotListsTheDemosThreeStoresWithFiguresThatMatchSQL() throws {
        let server = try TestServer.current().inDatabase("storetop_demo")
        let schemas = DemoForeign.Schemas()
        let own = try server.store()
        let demo = DemoForeign(dsn: server.directDSN, schemas: schemas)
        defer {
            demo.stop()
            own.close()
            for s in [schemas.factstr, schemas.zestor, schemas.eventcore, own.schema.name.name] { server.dropSchema(s) }
        }
        try demo.start()
        try waitUntil("every workload wrote past its seed, both listeners listen and the leader holds its lock") {
            try int(server, "SELECT max(sequence_number) FROM factstr.events") > 400
                && int(server, "SELECT count(*) FROM eventcore.eventcore_events") > 600
                && int(server, "SELECT count(*) FROM zestor.zestor_outbox") > 700
                && int(server, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND query = 'LISTEN zestor_events'") == 2
                && int(server, leaderLocks("balance-projector")) == 1
        }
        let head0 = try int(server, "SELECT max(sequence_number) FROM factstr.events")
        let placed0 = try int(server, "SELECT count(*) FROM factstr.events WHERE sequence_number > 250 AND event_type = 'OrderPlaced'")
        let foreign = try snapshotJSON(server, schema: own.schema.name.name)
        let head1 = try int(server, "SELECT max(sequence_number) FROM factstr.events")
        let placed1 = try int(server, "SELECT count(*) FROM factstr.events WHERE sequence_number > 250 AND event_type = 'OrderPlaced'")
        let labels = foreign.map { "\($0["kind"] ?? "?"):\($0["schema"] ?? "?")" }.sorted()
        #expect(labels == ["eventcore:eventcore", "factstr:factstr", "zestor:zestor"], "\(labels)")
        func store(_ kind: String) throws -> [String: Any] { try #require(foreign.first { $0["kind"] as? String == kind }) }
        func consumer(_ s: [String: Any], _ name: String) throws -> [String: Any] {
            try #require((s["consumers"] as? [[String: Any]])?.first { $0["name"] as? String == name }, "\(s)")
        }

        // factstr: the head is the event count; the stuck cursor's lag and backlog are its own query's
        let f = try store("factstr")
        #expect(f["version"] as? String == "0.5")
        let head = try #require(Int64(f["head"] as? String ?? ""))
        #expect(head0 <= head && head <= head1 && n(f["events"]) == head, "\(head0) \(head) \(head1)")
        let stuck = try consumer(f, "audit-export")
        #expect(stuck["position"] as? String == "250" && n(stuck["lag_positions"]) == head - 250)
        let backlog = try #require(n(stuck["lag_events"]))
        #expect(placed0 <= backlog && backlog <= placed1, "\(placed0) \(backlog) \(placed1)")
        #expect(stuck["status"] as? String == "LAGGING", "\(stuck)")
        let behind = try #require(n(try consumer(f, "projector")["lag_positions"]))
        #expect(behind >= 0 && behind <= head1 - 400, "\(behind)")

        try checkEventcore(server, try store("eventcore"))
        try checkZestor(server, try store("zestor"))

        // the text report lists them too (again up to three snapshots, for a panel that misses the deadline)
        let labels3 = ["factstr:factstr", "zestor:zestor", "eventcore:eventcore"]
        var text = ""
        for _ in 1...3 where !labels3.allSatisfy(text.contains) {
            text = try storetop(["snapshot", "--sample", "0", server.directDSN, "--schema", own.schema.name.name], timeout: 120).out
        }
        #expect(labels3.allSatisfy(text.contains) && text.contains("OTHER LIBRARIES' STORES"), "\(text)")

        demo.stop()
        try waitUntil("the demo's sessions are gone with it") {
            try int(server, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND query = 'LISTEN zestor_events'") == 0
                && int(server, leaderLocks("balance-projector")) == 0
        }
    }

    /// eventcore 2: the leader lock is the projector's (the key eventcore computes) and the notifier is STALLED
    /// without one; sqlx's ledger has the seven migrations.
    func checkEventcore(_ server: TestServer, _ e: [String: Any]) throws {
        #expect(e["version"] as? String == "2")
        let subs = try #require(e["consumers"] as? [[String: Any]])
        let projector = try #require(subs.first { $0["name"] as? String == "balance-projector" })
        let notifier = try #require(subs.first { $0["name"] as? String == "email-notifier" })
        let held = try int(server, leaderLocks("balance-projector"))
        #expect(held == 1 && projector["leader_connected"] as? Bool == true && notifier["leader_connected"] as? Bool == false)
        #expect(notifier["status"] as? String == "STALLED", "\(notifier)")
        let position = try #require(notifier["position"] as? String)
        let after = try int(server, "SELECT count(*) FROM eventcore.eventcore_events WHERE event_id > '\(position)'::uuid")
        let lag = try #require(n(notifier["lag_events"]))
        #expect(lag >= 150 && lag <= after, "\(notifier) \(after)")
        let ledger = try server.admin("SELECT string_agg(description, ',' ORDER BY version) FROM eventcore._sqlx_migrations WHERE success").first?[0]
        #expect(ledger == DemoForeign.eventcoreMigrations.map(\.description).joined(separator: ","))
    }

    /// zestor: one outbox per namespace and kind, its oldest row as SQL finds it (zestor never deletes one), its
    /// head between the SQL heads around the snapshot; both listener sessions counted.
    func checkZestor(_ server: TestServer, _ z: [String: Any]) throws {
        let outboxes = try #require(z["outboxes"] as? [[String: Any]])
        #expect(outboxes.count == 9, "\(outboxes)")
        for o in outboxes {
            let ns = try #require(Int64(o["tenant"] as? String ?? "")), kind = try #require(o["kind"] as? String)
            let pair = "FROM zestor.zestor_outbox WHERE ns_id = \(ns) AND kind = '\(kind)'"
            let oldest = try int(server, "SELECT min(id) \(pair)"), newest = try int(server, "SELECT max(id) \(pair)")
            let headID = try #require(n(o["head_id"]))
            #expect(n(o["oldest_id"]) == oldest && headID >= oldest && headID <= newest, "\(o) \(oldest) \(newest)")
        }
        #expect(n(z["listeners"]) == 2, "\(z)")
    }
}
