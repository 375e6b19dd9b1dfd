import Foundation
import StoreTestSupport
import Testing

@testable import StoreAccess

@Suite struct WhereExpressionTests {
    @Test func parsesPrecedenceAndOperators() throws {
        let e = try WhereExpression.parse("a = :x AND (b >= 3 OR c LIKE 'o''k%') AND NOT d IS NULL AND e != :y")
        #expect(e.columns == ["a", "b", "c", "d", "e"])
        let o = try WhereExpression.parse("a = 1 OR b = 2 AND c = 3")
        guard case .or(_, .and) = o else { Issue.record("AND must bind tighter than OR: \(o)"); return }
    }

    @Test(arguments: [
        "a = ", "= 1", "a === 1", "a = 1; DROP TABLE t", "a = 1 --", "(a = 1", "a = 'unterminated", "a IS 1",
        "a = 1 a = 2", "a = b", "a = :", "a = 1 /* */", String(repeating: "(", count: 100) + "a = 1" + String(repeating: ")", count: 100),
    ])
    func rejects(_ text: String) {
        #expect(throws: StoreError.self) { try WhereExpression.parse(text) }
    }
}

@Suite struct TableStoreTests {
    func setup(_ server: TestServer, _ ns: String) throws {
        try server.admin(SQL(unsafeRaw: "DROP SCHEMA IF EXISTS \(ns) CASCADE"))
        try server.admin(SQL(unsafeRaw: "CREATE SCHEMA \(ns) AUTHORIZATION app"))
        let c = try Connection(try ConnectionString(server.directDSN))
        try c.executeScript(
            """
            CREATE TABLE \(ns).claims (id int PRIMARY KEY, status text NOT NULL, amount numeric(10,2), meta jsonb,
                                       opened timestamptz DEFAULT '2026-01-01 00:00:00+00', closed boolean DEFAULT false);
            CREATE TABLE \(ns).odd (id int, p point);
            """, name: "setup")
    }

    /// A fresh tenant schema with the test tables and a table store on it.
    func withTables(service: String = "t", _ body: (TestServer, String, TableStore) throws -> Void) throws {
        let server = try TestServer.current()
        let ns = "tenant_\(UInt32.random(in: 0...UInt32.max))"
        try setup(server, ns)
        defer { _ = try? server.admin(SQL(unsafeRaw: "DROP SCHEMA \(ns) CASCADE")) }
        let ts = try TableStore(dsn: server.dsn, service: service, namespace: ns) { $0.transactionPooler = server.viaBouncer }
        defer { ts.close() }
        try body(server, ns, ts)
    }

    @Test func crudWithParsedWhereExpressions() throws {
        try withTables(service: "claims-svc") { server, ns, ts in
            try ts.ping()
            for i in 1...5 {
                try ts.insert(
                    "claims",
                    [
                        "id": .int(Int64(i)), "status": .string(i % 2 == 0 ? "open" : "paid"),
                        "amount": .double(Double(i) * 10.5), "meta": .json("{\"i\": \(i)}"),
                    ])
            }
            let open = try ts.query("claims", where: "status = :s AND amount > :min", ["s": .string("open"), "min": .int(30)])
            #expect(open.map { $0["id"] } == [.int(4)])
            #expect(open.first?["amount"] == .string("42.00"))
            #expect(open.first?["meta"] == .json("{\"i\": 4}"))
            #expect(open.first?["closed"] == .bool(false))
            #expect(try ts.query("claims", where: "status LIKE 'pa%' OR id = 2").count == 4)
            #expect(try ts.query("claims", where: "meta IS NOT NULL AND NOT closed = true").count == 5)
            #expect(try ts.mutate("claims", where: "id = :id", ["id": .int(1)], set: ["status": .string("closed"), "closed": .bool(true)]) == 1)
            #expect(try ts.purge("claims", where: "closed = true") == 1)
            #expect(try ts.query("claims").count == 4)
            // the namespace is stamped into application_name
            let names = try server.admin(
                SQL(unsafeRaw: "SELECT DISTINCT application_name FROM pg_stat_activity WHERE application_name LIKE 'st:claims-svc/%'")
            ).rows.map { $0[0]! }
            if !server.viaBouncer { #expect(names == ["st:claims-svc/table/\(ns)"]) }
        }
    }

    @Test func injectionAttemptsAreRefusedAndChangeNothing() throws {
        try withTables(service: "t") { server, ns, ts in
            try ts.insert("claims", ["id": .int(1), "status": .string("x")])
            _ = expectStoreError(.invalidName) { _ = try ts.query("claims; DROP TABLE claims") }
            _ = expectStoreError(.invalidName) { _ = try ts.query("claims\"") }
            _ = expectStoreError(.invalidArgument) { _ = try ts.query("claims", where: "id = 1; DROP TABLE claims") }
            _ = expectStoreError(.invalidName) { _ = try ts.query("claims", where: "nosuchcol = 1") }
            _ = expectStoreError(.invalidName) { try ts.insert("claims", ["id); DROP TABLE claims; --": .int(1)]) }
            _ = expectStoreError(.invalidArgument) { try ts.purge("claims", where: "") }
            // a value that looks like SQL is only ever a value
            #expect(try ts.query("claims", where: "status = :s", ["s": .string("x' OR '1'='1")]).isEmpty)
            #expect(try ts.purge("claims", where: "status = 'x'' OR ''1''=''1'") == 0)
            #expect(try ts.query("claims").count == 1)
            _ = expectStoreError(.notFound) { _ = try TableStore(dsn: server.dsn, service: "t", namespace: "public").query("claims") }
            _ = expectStoreError(.invalidName) { _ = try TableStore(dsn: server.dsn, service: "t", namespace: "bad-ns") }
        }
    }

    @Test func unmappedTypesAndTablesChangedUnderneath() throws {
        try withTables(service: "t") { server, ns, ts in
            // a type the store does not map (point) is read as its text form and written from it
            #expect(try ts.insert("odd", ["id": .int(1), "p": .string("(1,2)")]) == 1)
            #expect(try ts.query("odd", where: "id = 1").first?["p"] == .string("(1,2)"))
            try ts.insert("claims", ["id": .int(1), "status": .string("a")])
            _ = try ts.query("claims")  // caches the columns
            try server.admin(SQL(unsafeRaw: "ALTER TABLE \(ns).claims DROP COLUMN meta, ADD COLUMN note text DEFAULT 'n'"))
            let rows = try ts.query("claims", where: "note = 'n'")
            #expect(rows.count == 1)
            #expect(rows.first?["note"] == .string("n"))
            #expect(rows.first?["meta"] == nil)
        }
    }
}
