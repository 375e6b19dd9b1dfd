import Foundation
import StoreAccess
import StoreTestSupport
import Testing

@testable import StoreMetrics

/// Moving a factstr cursor (issue 21, foreign consumers): the preview's counts are the cursor's own events by its
/// query, read with SQL; execute refuses without force (factstr records no owner), refuses when the cursor moved
/// since the preview, and leaves an audit row in the schema the DBA names.
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
        #expect(p.from == 4 && String(p.to + 1) == second && p.redeliver)
        let redelivered = try one(
            server, "SELECT count(*) FROM \(s).events WHERE event_type = 'B' AND sequence_number > \(p.to) AND sequence_number <= 4")
        #expect(String(p.events) == redelivered && p.first?.type == "B" && p.last?.position == 4)
        #expect(p.refusal?.contains("records no owner") == true)
        #expect(throws: StoreError.self) { try actions.executeForeignMove(p, reason: "rebuild", auditSchema: audit) }
        #expect(try one(server, "SELECT last_processed_sequence_number FROM \(s).durable_stream_cursors WHERE durable_stream_id = 'only-b'") == "4")
        let ro = try Actions(dsn: server.adminDSN, readOnly: true)
        defer { ro.close() }
        #expect(throws: StoreError.self) { try ro.executeForeignMove(p, reason: "x", force: true, auditSchema: audit) }
        let r = try actions.executeForeignMove(p, reason: "rebuild", force: true, auditSchema: audit)
        #expect(
            try one(server, "SELECT last_processed_sequence_number FROM \(s).durable_stream_cursors WHERE durable_stream_id = 'only-b'")
                == String(p.to))
        let row = try server.admin(
            SQL(
                unsafeRaw:
                    "SELECT action, target, from_position, to_position, rows, reason, forced FROM \(audit).storetop_foreign_actions_audit WHERE id = \(r.auditID)"
            )
        ).first?.values
        #expect(row == ["rewind", "only-b", "4", String(p.to), String(p.events), "rebuild", "t"], "\(String(describing: row))")
        // a cursor that moved between preview and execute: refused, nothing changed, no audit row
        let all = try actions.previewForeignMove(ForeignConsumerRef(kind: .factstr, schema: s, name: "all"), .rewindTo(position: 2))
        #expect(all.events == 3 && all.first?.position == 3 && all.last?.position == 5)
        try ForeignFixtures.factstrCursor(server, s, "all", query: #"{"filters":null,"min_sequence_number":null}"#, at: 3)
        #expect(throws: StoreError.self) { try actions.executeForeignMove(all, reason: "x", force: true, auditSchema: audit) }
        #expect(try one(server, "SELECT last_processed_sequence_number FROM \(s).durable_stream_cursors WHERE durable_stream_id = 'all'") == "3")
        #expect(try one(server, "SELECT count(*) FROM \(audit).storetop_foreign_actions_audit") == "1")
        // skip: the next B event after the new position
        let skip = try actions.previewForeignMove(b, .skip(events: 1))
        #expect(skip.to == 2 && skip.events == 1 && !skip.redeliver)
    }
}
