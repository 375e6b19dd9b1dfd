import Foundation
import StoreAccess
import StoreTestSupport
import Testing

@testable import StoreMetrics

extension ConsumerActionsTests {
    @Test func aRewindIsPreviewedExactlyAuditedAndRefusedOnceTheConsumerMoved() throws {
        let f = try Fixture()
        defer { f.close() }
        let actions = try Actions(dsn: f.server.directDSN, schema: f.schema, readOnly: false)
        defer { actions.close() }
        try f.sql("SELECT \(f.q).cursor_advance('acme', 'plain', 6)")
        let ref = ConsumerRef(tenant: "acme", name: "plain")
        let p = try actions.previewMove(ref, .rewindTo(position: 2))
        let count = Int64(try f.one("SELECT count(*) FROM \(f.q).events WHERE tenant = 'acme' AND position > 2 AND position <= 6")!)!
        #expect(p.from == 6 && p.to == 2 && p.redeliver && p.events == count && p.running == nil && p.refusal == nil, "\(p)")
        #expect(p.first?.position == 3 && p.last?.position == 6)
        let r = try actions.executeMove(p, reason: "replay after the fix")
        let row = try #require(
            try f.sql("SELECT action, status, from_position, to_position, rows, reason, by_user FROM \(f.q).actions_audit WHERE id = \(r.id)")
                .first)
        #expect([row[0], row[1], row[2], row[3], row[4], row[5]] == ["rewind", "done", "6", "2", String(count), "replay after the fix"])
        #expect(r.action == "rewind" && r.fromPosition == 6 && r.toPosition == 2 && r.rows == count && r.byUser == row[6])
        #expect(try f.one("SELECT position FROM \(f.q).cursors WHERE name = 'plain'") == "2")
        // the consumer moves between a preview and its execution: refused, the position stays where it went
        let stale = try actions.previewMove(ref, .skipToHead)
        try f.sql("SELECT \(f.q).cursor_advance('acme', 'plain', 3)")
        let audited = try f.one("SELECT count(*) FROM \(f.q).actions_audit")
        do {
            _ = try actions.executeMove(stale, reason: "")
            Issue.record("a consumer that moved since the preview was moved")
        } catch let e as StoreError { #expect(e.code == .conflict, "\(e)") }
        #expect(try f.one("SELECT position FROM \(f.q).cursors WHERE name = 'plain'") == "3")
        #expect(try f.one("SELECT count(*) FROM \(f.q).actions_audit") == audited)
    }

    @Test func readOnlyAndAMonitoringRoleRefuseAndSayWhy() throws {
        let f = try Fixture()
        defer { f.close() }
        let ref = ConsumerRef(tenant: "acme", name: "plain")
        let ro = try Actions(dsn: f.server.directDSN, schema: f.schema, readOnly: true)
        defer { ro.close() }
        let preview = try ro.previewMove(ref, .resetToNow)  // a preview changes nothing: allowed
        let parked = try ro.previewParked(.init(tenant: "acme", name: "parking"), positions: nil)
        #expect(try ro.permissions().consumers == "read-only mode")
        func refused(_ code: StoreError.Code, _ what: String, _ body: () throws -> ActionRecord) {
            do {
                _ = try body()
                Issue.record("\(what) was not refused")
            } catch let e as StoreError { #expect(e.code == code, "\(what): \(e)") } catch { Issue.record("\(what): \(error)") }
        }
        refused(.readOnly, "move") { try ro.executeMove(preview, reason: "") }
        refused(.readOnly, "pause") { try ro.pauseConsumer(ref, reason: "") }
        refused(.readOnly, "replay") { try ro.replayParked(parked, reason: "") }
        refused(.readOnly, "discard") { try ro.discardParked(parked, reason: "") }

        // pg_monitor and SELECT on the store: it sees everything and may operate nothing, and says why
        for g in ["USAGE ON SCHEMA", "SELECT ON ALL TABLES IN SCHEMA", "SELECT ON ALL SEQUENCES IN SCHEMA"] {
            try f.sql("GRANT \(g) \(f.q) TO monitor")
        }
        let monitor = try Actions(dsn: f.server.monitorDSN, schema: f.schema, readOnly: false)
        defer { monitor.close() }
        let why = try #require(try monitor.permissions().consumers)
        #expect(why.hasPrefix("role monitor lacks UPDATE on ") && why.contains("INSERT on actions_audit"), "\(why)")
        let audited = try f.one("SELECT count(*) FROM \(f.q).actions_audit")
        let seen = try monitor.previewMove(ref, .resetToNow)
        #expect(seen.from == preview.from && seen.events == preview.events)
        refused(.insufficientPrivilege, "monitor's move") { try monitor.executeMove(seen, reason: "") }
        refused(.insufficientPrivilege, "monitor's pause") { try monitor.pauseConsumer(ref, reason: "") }
        #expect(try f.one("SELECT count(*) FROM \(f.q).actions_audit") == audited)
        #expect(try f.one("SELECT paused_at IS NULL FROM \(f.q).cursors WHERE name = 'plain'") == "t")
    }
}
