import Foundation
import StoreAccess
import StoreTestSupport
import Testing

/// `storetop consumer rewind --store factstr:SCHEMA NAME`: a factstr cursor (made with factstr's own table shapes) is
/// previewed, refused without --force (factstr records no owner), then moved with its audit row in the schema named
/// by --audit-schema; each figure is checked with SQL.
@Suite(.serialized) struct ConsumerForeignCLITests {
    @Test func aFactstrCursorIsRewoundOnlyWithForceAndAudited() throws {
        let server = try TestServer.current().inDatabase("storetop_foreign")
        let s = TestServer.freshSchemaName("fcli"), audit = TestServer.freshSchemaName("fcliaudit")
        defer { server.dropSchema(s); server.dropSchema(audit) }
        try factstrFixture(server, s, audit: audit, cursor: "invoices")
        func position() throws -> String? {
            try server.admin(
                SQL(unsafeRaw: "SELECT last_processed_sequence_number FROM \(s).durable_stream_cursors WHERE durable_stream_id = 'invoices'")
            ).first?[0]
        }
        let args = [
            "consumer", "rewind", "--store", "factstr:\(s)", "invoices", "--by", "3", "--dsn", server.adminDSN, "--audit-schema", audit, "--yes",
        ]
        let refused = try storetop(args)
        #expect(refused.status != 0, "\(refused)")
        #expect(refused.out.contains("events of its own delivered again: 3"), "\(refused.out)")
        #expect((refused.out + refused.err).contains("--force"), "\(refused.err)")
        #expect(try position() == "10")
        // the third newest Paid event is 6: the cursor goes to 5, and 6, 8, 10 come again
        let moved = try storetop(args + ["--force", "--reason", "invoice fix"])
        #expect(moved.status == 0, "\(moved)")
        #expect(try position() == "5")
        let row = try server.admin(
            SQL(unsafeRaw: "SELECT action, target, from_position, to_position, rows, reason FROM \(audit).storetop_foreign_actions_audit")
        ).rows.map(\.values)
        #expect(row == [["rewind", "invoices", "10", "5", "3", "invoice fix"]], "\(row)")
        #expect(moved.out.contains("audit id"), "\(moved.out)")
        // --tenant does not go with --store
        #expect(try storetop(args + ["--tenant", "acme"]).status != 0)
    }
}
