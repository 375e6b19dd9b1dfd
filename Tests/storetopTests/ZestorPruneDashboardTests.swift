import Foundation
import StoreAccess
import StoreTestSupport
import Testing

/// The dashboard's prune of a zestor outbox, driven by keys in tmux against a zestor store made with its own DDL:
/// `P` on the zestor row of Outboxes offers only ages (never safe mode), the plan's count is SQL's, Yes deletes
/// exactly the rows older than the age of that namespace and kind, and the audit row in the schema named by
/// `--audit-schema` says so. Without `--audit-schema` the plan is refused, saying what to add.
@Suite(.serialized) struct ZestorPruneDashboardTests {
    func dashboard(_ server: TestServer, _ extra: String) -> EndToEndTests.Tmux {
        let t = EndToEndTests.Tmux()
        let bin = TestServer.builtProduct("storetop")
        t.launch("LC_ALL=C.UTF-8 SWIFT_BACKTRACE=enable=no '\(bin)' '\(server.directDSN)' --view outboxes --interval 1 \(extra)")
        return t
    }

    /// Selects the row of namespace 7 (filtered) and opens the prune dialog.
    func openPrune(_ t: EndToEndTests.Tmux, _ schema: String) throws {
        try #require(t.waitFor("zestor:\(schema)", timeout: 60), "\(t.pane)")
        t.keys("/"); t.keys("7/orders"); t.keys("Enter")
        t.keys("P")
        try #require(t.waitFor("older than 1 hour"), "\(t.pane)")
        #expect(!t.pane.contains("safe: only rows"), "no safe mode for zestor: \(t.pane)")
        t.keys("Enter")
    }

    @Test func pIsAnAgeOnlyAuditedPruneOfThatNamespaceAndKind() throws {
        let cli = ZestorPruneCLITests()
        let (server, schema, audit) = try cli.seeded(rows: 40)
        defer { server.dropSchema(schema); server.dropSchema(audit) }
        let old = try cli.count(server, "SELECT count(*) FROM \(schema).zestor_outbox WHERE ns_id = 7 AND at < now() - interval '1 hour'")
        let t = dashboard(server, "--audit-schema \(audit)")
        try openPrune(t, schema)
        try #require(t.waitFor("Will delete \(old) of \(old + 1) rows"), "\(t.pane)")
        #expect(t.pane.contains("Audit: \(audit).storetop_foreign_prune_audit") && t.pane.contains("Listeners: none"), "\(t.pane)")
        t.keys("y"); t.keys("Enter")
        #expect(t.waitFor("Prune done", timeout: 60), "\(t.pane)")
        #expect(t.pane.contains("Deleted \(old) rows"), "\(t.pane)")
        let left = try cli.count(server, "SELECT count(*) FROM \(schema).zestor_outbox")
        #expect(left == 2, "the young row of namespace 7 and namespace 8's row stay")
        let audited = try cli.count(
            server, "SELECT count(*) FROM \(audit).storetop_foreign_prune_audit WHERE status = 'done' AND rows_deleted = \(old)")
        #expect(audited == 1)
        t.keys("Escape"); t.keys("q")
        #expect(t.waitFor("EXITED 0"), "\(t.pane)")
    }

    @Test func withoutAnAuditSchemaThePlanIsRefusedSayingWhatToAdd() throws {
        let cli = ZestorPruneCLITests()
        let (server, schema, audit) = try cli.seeded(rows: 5)
        defer { server.dropSchema(schema); server.dropSchema(audit) }
        let t = dashboard(server, "")
        try openPrune(t, schema)
        #expect(t.waitFor("Cannot plan the prune"), "\(t.pane)")
        #expect(t.pane.contains("--audit-schema"), "\(t.pane)")
        #expect(try cli.count(server, "SELECT count(*) FROM \(schema).zestor_outbox") == 7, "nothing deleted")
        t.keys("Escape"); t.keys("q")
        #expect(t.waitFor("EXITED 0"), "\(t.pane)")
    }
}
