import Foundation
import StoreAccess
import StoreTestSupport
import Testing

/// `R` on a factstr consumer's row of the Consumers view: the same menu and preview as for StoreAccess's consumers,
/// refused until `f` (factstr records no owner), then the cursor moves (checked with SQL) with its row in the audit
/// schema named by `--audit-schema`.
@Suite(.serialized) struct ConsumerForeignDashboardTests {
    @Test func rMovesAFactstrCursorOnlyWithForceAndAuditsIt() throws {
        let server = try TestServer.current().inDatabase("storetop_foreign")
        let s = TestServer.freshSchemaName("fdash"), audit = TestServer.freshSchemaName("fdashaudit")
        defer { server.dropSchema(s); server.dropSchema(audit) }
        try factstrFixture(server, s, audit: audit, cursor: "ui-invoices")
        let t = EndToEndTests.Tmux()
        let bin = TestServer.builtProduct("storetop")
        t.launch(
            "LC_ALL=C.UTF-8 SWIFT_BACKTRACE=enable=no '\(bin)' '\(server.adminDSN)' --view consumers --interval 0.5 --audit-schema \(audit)")
        try #require(t.waitFor("ui-invoices", timeout: 60), "\(t.pane)")
        t.keys("/"); t.keys("ui-invoices"); t.keys("Enter")
        t.keys("R")
        try #require(t.waitFor("rewind by N of its events"), "\(t.pane)")
        t.keys("3"); t.keys("Enter")
        try #require(t.waitFor("Rewind factstr:\(s) ui-invoices?"), "\(t.pane)")
        #expect(t.pane.contains("events of its own delivered again: 3"), "\(t.pane)")
        #expect(t.pane.contains("REFUSED"), "\(t.pane)")
        t.keys("y"); t.keys("Enter")
        #expect(t.waitFor("nothing done"), "\(t.pane)")
        func position() throws -> String? {
            try server.admin(
                SQL(unsafeRaw: "SELECT last_processed_sequence_number FROM \(s).durable_stream_cursors WHERE durable_stream_id = 'ui-invoices'")
            ).first?[0]
        }
        #expect(try position() == "10")
        t.keys("R"); t.keys("3"); t.keys("Enter")
        try #require(t.waitFor("Rewind factstr:\(s) ui-invoices?"), "\(t.pane)")
        t.keys("f"); t.keys("y"); t.keys("Enter")
        try #require(t.waitFor("audit id"), "\(t.pane)")
        #expect(try position() == "5")
        let row = try server.admin(
            SQL(unsafeRaw: "SELECT action, from_position, to_position, rows, forced FROM \(audit).storetop_foreign_actions_audit")
        ).rows.map(\.values)
        #expect(row == [["rewind", "10", "5", "3", "t"]], "\(row)")
        t.keys("Escape"); t.keys("Escape"); t.keys("q")
        #expect(t.waitFor("EXITED 0"), "\(t.pane)")
    }
}
