import Foundation
import StoreTestSupport
import Testing

@testable import StoreAccess

/// The table store recovers when a column changes type under its column cache (issue 17): the states a changed
/// type causes (42883, 42804, 22P02) reload the columns and retry once; a value that does not fit an unchanged
/// column stays the caller's error.
@Suite struct TableStoreRecoveryTests {
    /// A fresh schema with `ddl` run in it as the application role, and a table store on it.
    static func withTable(_ ddl: String, _ body: (TestServer, String, TableStore) throws -> Void) throws {
        let server = try TestServer.current()
        let ns = "recover_\(UInt32.random(in: 0...UInt32.max))"
        try server.admin(SQL(unsafeRaw: "CREATE SCHEMA \(ns) AUTHORIZATION app"))
        defer { server.dropSchema(ns) }
        try exec(server, ddl.replacingOccurrences(of: "@ns@", with: ns))
        let ts = try TableStore(dsn: server.dsn, service: "recover", namespace: ns) { $0.transactionPooler = server.viaBouncer }
        defer { ts.close() }
        try body(server, ns, ts)
    }

    static func exec(_ server: TestServer, _ sql: String) throws {
        let c = try Connection(try ConnectionString(server.directDSN))
        defer { c.close() }
        try c.executeScript(sql, name: "recover.fixture")
    }

    @Test func aFilterRecoversAfterTextBecomesInteger() throws {
        try Self.withTable("CREATE TABLE @ns@.t (id int, n text); INSERT INTO @ns@.t VALUES (1, '5');") { server, ns, ts in
            #expect(try ts.query("t", where: "n = '5'").count == 1)
            try Self.exec(server, "ALTER TABLE \(ns).t ALTER COLUMN n TYPE integer USING n::integer;")
            // the cached type casts '5' to text: integer = text is 42883 until the columns are reloaded
            let rows = try ts.query("t", where: "n = :n", ["n": .string("5")])
            #expect(rows.first?["n"] == .int(5))
            #expect(try ts.mutate("t", where: "n = 5", set: ["n": .int(6)]) == 1)
            #expect(try ts.purge("t", where: "n = 6") == 1)
        }
    }

    @Test func writesRecoverAfterATypeChangeWithoutWritingTwice() throws {
        try Self.withTable("CREATE TABLE @ns@.t (id int, v int);") { server, ns, ts in
            try ts.insert("t", ["id": .int(1), "v": .int(1)])
            try Self.exec(server, "ALTER TABLE \(ns).t ALTER COLUMN v TYPE text;")
            // the cached type casts 'abc' to integer (22P02) until the columns are reloaded
            #expect(try ts.insert("t", ["id": .int(2), "v": .string("abc")]) == 1)
            #expect(try ts.query("t", where: "").count == 2)
            try Self.exec(server, "ALTER TABLE \(ns).t ALTER COLUMN id TYPE uuid USING NULL;")
            // SET id = $1::integer on a uuid column is 42804 until the columns are reloaded
            #expect(try ts.mutate("t", where: "id IS NULL", set: ["id": .string("8b3e1c12-7a04-4f7e-9d05-1d6df2c6c2a1")]) == 2)
        }
    }

    @Test func aValueThatDoesNotFitAnUnchangedColumnIsTheCallersError() throws {
        try Self.withTable("CREATE TABLE @ns@.t (id int);") { _, _, ts in
            try ts.insert("t", ["id": .int(1)])
            let e = expectStoreError(.server) { _ = try ts.query("t", where: "id = 'abc'") }
            #expect(e?.has(.invalidTextRepresentation) == true, "\(String(describing: e))")
            let w = expectStoreError(.server) { try ts.insert("t", ["id": .string("abc")]) }
            #expect(w?.has(.invalidTextRepresentation) == true)
            #expect(try ts.query("t", where: "").count == 1)
        }
    }

    @Test func everyRetriedStateIsInTheSQLStateTable() {
        for state in TableStore.staleColumnStates { #expect(SQLState.all.contains(state), "\(state)") }
        #expect(TableStore.staleColumnStates.contains(.undefinedFunction))
        #expect(TableStore.staleColumnStates.contains(.datatypeMismatch))
        #expect(TableStore.staleColumnStates.contains(.invalidTextRepresentation))
    }
}
