import Foundation
import StoreAccess
import StoreTestSupport
import Testing

@testable import StoreMetrics

/// Moving a foreign consumer (issue 21): a factstr cursor (the preview's counts are its own events by its query,
/// read with SQL; execute refuses without force since factstr records no owner, and when the cursor moved since the
/// preview) and an eventcore 2 subscription (refused while its leader lock is held); each move leaves an audit row in
/// the schema the DBA names.
@Suite(.serialized) struct ForeignMoveTests {
    func one(_ server: TestServer, _ sql: String) throws -> String? { try server.admin(SQL(unsafeRaw: sql)).first?[0] }

    @Test func aFactstrRewindIsPreviewedForcedAndAudited() throws {
        let server = try TestServer.current().inDatabase("storetop_foreign")
        let s = TestServer.freshSchemaName("fmove"), audit = TestServer.freshSchemaName("fmaudit")
        defer { server.dropSchema(s); server.dropSchema(audit) }
        try ForeignFixtures.factstr(server, s)
        try ForeignFixtures.sql(server, "CREATE SCHEMA \(audit)")
        try ForeignFixtures.factstrAppend(server, s, [("A", #"{"k":1}"#), ("B", #"{"k":2}"#), ("A", #"{"k":3}"#), ("B", #"{"k":4}"#)])
        try ForeignFixtures.factstrAppend(server, s, [("C", #"{"k":5}"#)])
        try ForeignFixtures.factstrCursor(server, s, "only-b", query: #"{"filters":[{"event_types":["B"],"payload_predicates":null}]}"#, at: 4)
        try ForeignFixtures.factstrCursor(server, s, "all", query: #"{"filters":null,"min_sequence_number":null}"#, at: 5)
        let actions = try Actions(dsn: server.adminDSN, readOnly: false)
        defer { actions.close() }
        let b = ForeignConsumerRef(kind: .factstr, schema: s, name: "only-b")
        let p = try actions.previewForeignMove(b, .rewindBy(events: 2))
        // SQL: the two newest B events at or below 4, and every B event from the older of them on
        let second = try one(
            server, "SELECT sequence_number FROM \(s).events WHERE event_type = 'B' AND sequence_number <= 4 ORDER BY 1 DESC OFFSET 1 LIMIT 1")
        #expect(p.from == "4" && Int64(p.to).map { String($0 + 1) } == second && p.redeliver)
        let redelivered = try one(
            server, "SELECT count(*) FROM \(s).events WHERE event_type = 'B' AND sequence_number > \(p.to) AND sequence_number <= 4")
        #expect(String(p.events) == redelivered && p.first?.type == "B" && p.last?.position == "4")
        #expect(p.forceRequired?.contains("records no owner") == true && p.refusal == nil && p.missingPrivileges == nil)
        // the monitoring role reads the store but may not move its cursors: the preview says so, execute refuses
        let monitor = try Actions(dsn: server.directDSN, readOnly: false)
        defer { monitor.close() }
        let denied = try monitor.previewForeignMove(b, .rewindBy(events: 2))
        #expect(
            denied.missingPrivileges?.contains("lacks UPDATE on durable_stream_cursors") == true, "\(String(describing: denied.missingPrivileges))")
        #expect(throws: StoreError.self) { try monitor.executeForeignMove(denied, reason: "x", force: true, auditSchema: audit) }
        #expect(throws: StoreError.self) { try actions.executeForeignMove(p, reason: "rebuild", auditSchema: audit) }
        #expect(try one(server, "SELECT last_processed_sequence_number FROM \(s).durable_stream_cursors WHERE durable_stream_id = 'only-b'") == "4")
        let ro = try Actions(dsn: server.adminDSN, readOnly: true)
        defer { ro.close() }
        #expect(throws: StoreError.self) { try ro.executeForeignMove(p, reason: "x", force: true, auditSchema: audit) }
        let r = try actions.executeForeignMove(p, reason: "rebuild", force: true, auditSchema: audit)
        #expect(
            try one(server, "SELECT last_processed_sequence_number FROM \(s).durable_stream_cursors WHERE durable_stream_id = 'only-b'")
                == p.to)
        let row = try server.admin(
            SQL(
                unsafeRaw:
                    "SELECT action, target, from_position, to_position, rows, reason, forced FROM \(audit).storetop_foreign_actions_audit WHERE id = \(r.auditID)"
            )
        ).first?.values
        #expect(row == ["rewind", "only-b", "4", p.to, String(p.events), "rebuild", "t"], "\(String(describing: row))")
        // a cursor that moved between preview and execute: refused, nothing changed, no audit row
        let all = try actions.previewForeignMove(ForeignConsumerRef(kind: .factstr, schema: s, name: "all"), .rewindTo(position: 2))
        #expect(all.events == 3 && all.first?.position == "3" && all.last?.position == "5")
        try ForeignFixtures.factstrCursor(server, s, "all", query: #"{"filters":null,"min_sequence_number":null}"#, at: 3)
        #expect(throws: StoreError.self) { try actions.executeForeignMove(all, reason: "x", force: true, auditSchema: audit) }
        #expect(try one(server, "SELECT last_processed_sequence_number FROM \(s).durable_stream_cursors WHERE durable_stream_id = 'all'") == "3")
        #expect(try one(server, "SELECT count(*) FROM \(audit).storetop_foreign_actions_audit") == "1")
        // skip: the next B event after the new position
        let skip = try actions.previewForeignMove(b, .skip(events: 1))
        #expect(skip.to == "2" && skip.events == 1 && !skip.redeliver)
    }

    @Test func anEventcoreSubscriptionIsRefusedWhileItsLeaderHoldsTheLock() throws {
        let server = try TestServer.current().inDatabase("storetop_foreign")
        let s = TestServer.freshSchemaName("ecmove"), audit = TestServer.freshSchemaName("ecaudit")
        defer { server.dropSchema(s); server.dropSchema(audit) }
        try ForeignFixtures.eventcore2(server, s)
        try ForeignFixtures.sql(server, "CREATE SCHEMA \(audit)")
        let ids = try ForeignFixtures.eventcoreAppend(server, s, stream: "s1", types: ["A", "B", "C", "D", "E"], at: Date().addingTimeInterval(-60))
        let name = "proj-\(s)"
        try server.admin(
            SQL(
                "INSERT INTO \(ident: try Identifier(s)).eventcore_subscription_versions VALUES (\(name), \(ids[4].uuidString.lowercased())::uuid, now())"
            ))
        let actions = try Actions(dsn: server.adminDSN, readOnly: false)
        defer { actions.close() }
        let ref = ForeignConsumerRef(kind: .eventcore, schema: s, name: name)
        // the projector's leader lock, as eventcore takes it: the FNV-1a 64 key of the subscription's name
        let k = EventcorePanel.leaderKey(name)
        let key = Int64(bitPattern: UInt64(UInt32(truncatingIfNeeded: k.hi)) << 32 | UInt64(UInt32(truncatingIfNeeded: k.lo)))
        let leader = try Connection(try ConnectionString(server.adminDSN))
        try leader.query(SQL("SELECT pg_advisory_lock(\(key))"))
        let held = try actions.previewForeignMove(ref, .rewindBy(events: 2))
        #expect(held.refusal?.contains("leader lock") == true && held.forceRequired == nil)
        #expect(throws: StoreError.self) { try actions.executeForeignMove(held, reason: "x", force: true, auditSchema: audit) }
        leader.close()
        let p = try actions.previewForeignMove(ref, .rewindBy(events: 2))
        #expect(p.refusal == nil && p.redeliver && p.from == ids[4].uuidString.lowercased())
        let count = try one(server, "SELECT count(*) FROM \(s).eventcore_events WHERE event_id > '\(p.to)'::uuid AND event_id <= '\(p.from)'::uuid")
        #expect(String(p.events) == count && p.events == 2 && p.first?.type == "D" && p.last?.type == "E")
        let r = try actions.executeForeignMove(p, reason: "replay D and E", auditSchema: audit)
        #expect(try one(server, "SELECT last_position::text FROM \(s).eventcore_subscription_versions WHERE subscription_name = '\(name)'") == p.to)
        #expect(
            try one(server, "SELECT action || ' ' || rows || ' ' || forced FROM \(audit).storetop_foreign_actions_audit WHERE id = \(r.auditID)")
                == "rewind 2 false")
        let start = try actions.previewForeignMove(ref, .resetToStart)
        let before = try one(server, "SELECT count(*) FROM \(s).eventcore_events WHERE event_id <= '\(p.to)'::uuid")
        #expect(start.to == ForeignMoveStatements.nilID && String(start.events) == before)
        #expect(throws: StoreError.self) { try actions.previewForeignMove(ref, .rewindTo(position: 3)) }
    }
}
