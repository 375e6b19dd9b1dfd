import Foundation
import StoreAccess
import StoreTestSupport
import Testing

@testable import StoreMetrics

/// The inspector as a pg_monitor role only: it reads every field of another role's backend, and an EXPLAIN of a
/// query on a table it may not read is refused naming the privilege.
@Suite(.serialized) struct InspectPrivilegeTests {
    @Test func pgMonitorReadsAnotherRolesBackendAndIsToldWhichGrantExplainNeeds() throws {
        let f = try InspectFixture()
        defer { f.drop() }
        let app = try f.connect()
        defer { app.close() }
        // USAGE on the schema, so the missing privilege is the table's
        try app.query(SQL(unsafeRaw: "GRANT USAGE ON SCHEMA \"\(f.schema)\" TO monitor"))
        try app.query(SQL(unsafeRaw: "SELECT id, v FROM \"\(f.schema)\".orders WHERE id = 42"))
        let inspector = try BackendInspector(dsn: f.server.monitorDSN)
        defer { inspector.close() }
        let d = try #require(try inspector.detail(pid: app.backendPID))
        let seen = try #require(try ObservedBackend.read(app.backendPID, server: f.server))
        #expect(d.user == "app" && d.state == "idle" && d.query == seen.query && d.query.contains("WHERE id = 42"))
        #expect(d.queryStart != nil && d.queryStart == seen.queryStart && d.stateChange == seen.stateChange)
        #expect(d.backendStart != nil && d.backendStart == seen.backendStart && d.clientAddress == "127.0.0.1")
        BackendDetailTests.expectSame(d, seen, pid: app.backendPID)

        let why = ExplainTests.refusal(try inspector.explain(pid: app.backendPID))
        #expect(why.contains("SELECT on table orders") && why.contains("monitor"), "\(why)")
        // as the table's owner the same query is planned
        let owner = try BackendInspector(dsn: f.server.dsn)
        defer { owner.close() }
        guard case .plan = try owner.explain(pid: app.backendPID) else {
            Issue.record("the owner's inspector did not plan it")
            return
        }
    }
}
