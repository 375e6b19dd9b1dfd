import Foundation
import StoreAccess
import StoreTestSupport
import Testing

/// Issue 21: an interrupted consumer action leaves the audit consistent with what happened. `storetop consumer
/// rewind --yes` is killed with SIGKILL while its move waits for the cursor row (another session holds it); once
/// that session lets go, the cursor either moved with exactly one audit row saying so, or did not move and has none.
@Suite(.serialized) struct ConsumerInterruptTests {
    @Test func aKilledMoveHappenedWithItsAuditRowOrNotAtAll() throws {
        let server = try TestServer.current()
        let schema = TestServer.freshSchemaName("opskill")
        let store = try server.store(schema: schema)
        defer { store.close(); server.dropSchema(schema) }
        let q = "\"\(schema)\""
        let es = try store.events(tenant: "acme")
        for _ in 0..<10 { try es.append(to: "s", [EventData(type: "E")]) }
        let ext = try es.registerExternalConsumer(name: "ext", owner: ConsumerOwner(application: "x", host: "h", pid: 1))
        try ext.advance(to: 10)
        // another session holds the cursor row, so the move waits inside its transaction
        let holder = try Connection(try ConnectionString(server.adminDSN))
        defer { holder.close() }
        try holder.query("BEGIN")
        try holder.query(SQL(unsafeRaw: "SELECT 1 FROM \(q).cursors WHERE name = 'ext' FOR UPDATE"))
        let p = try BackgroundProcess(
            TestServer.builtProduct("storetop"),
            ["consumer", "rewind", "--tenant", "acme", "ext", "--by", "3", "--yes", "--reason", "kill", server.directDSN, "--schema", schema])
        func waiting() throws -> Bool {
            try server.admin(
                SQL(
                    unsafeRaw:
                        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%consumer_move%' AND pid <> pg_backend_pid()"
                )
            ).first?[0] != "0"
        }
        let deadline = Date().addingTimeInterval(60)
        while try !waiting(), Date() < deadline, !p.exited { usleep(20_000) }
        #expect(try waiting(), "the move never reached the row lock: \(p.output) \(p.errors)")
        p.kill9()
        #expect(p.waitExit())
        try holder.query("COMMIT")
        // the killed client's backend may still finish its statement: wait until no move runs
        let settled = Date().addingTimeInterval(30)
        while try waitingOrActive(server), Date() < settled { usleep(10_000) }
        let position = try server.admin(SQL(unsafeRaw: "SELECT position::text FROM \(q).cursors WHERE name = 'ext'")).first?[0]
        let audit = try server.admin(
            SQL(unsafeRaw: "SELECT action, from_position::text, to_position::text, rows::text, reason FROM \(q).actions_audit")
        ).rows.map(\.values)
        if position == "10" {
            #expect(audit.isEmpty, "not moved, yet audited: \(audit)")
        } else {
            #expect(position == "7")
            #expect(audit == [["rewind", "10", "7", "3", "kill"]], "\(audit)")
        }
    }

    func waitingOrActive(_ server: TestServer) throws -> Bool {
        try server.admin(
            SQL(
                unsafeRaw: "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%consumer_move%' AND state = 'active' AND pid <> pg_backend_pid()"
            )
        ).first?[0] != "0"
    }
}
