import Foundation
import StoreTestSupport
import Testing

@testable import StoreAccess

/// The where grammar's issue-17 decisions: `==`, `= null` / `!= null` / `<> null`, at most 256 conditions,
/// double quotes and backslashes refused with advice; in the table store, a blank expression (newlines
/// included) is no filter and `LIKE` needs a text column.
@Suite struct WhereGrammarTests {
    @Test func doubleEqualsIsEquals() throws {
        #expect(try WhereExpression.parse("a == :x") == .compare(column: "a", op: "=", value: .parameter("x")))
        #expect(try WhereExpression.parse("a==1") == .compare(column: "a", op: "=", value: .literal(.int(1))))
    }

    @Test(arguments: [
        ("a = null", false), ("a == NULL", false), ("a != null", true), ("a <> Null", true),
        ("a IS NULL", false), ("a IS NOT NULL", true),
    ])
    func nullComparisonsFoldToIsNull(_ text: String, _ negated: Bool) throws {
        #expect(try WhereExpression.parse(text) == .isNull(column: "a", negated: negated))
    }

    @Test func nullWithAnOrderingOperatorIsRefused() {
        let e = expectStoreError(.invalidArgument) { _ = try WhereExpression.parse("a < NULL") }
        #expect(e?.message.contains("IS NULL") == true)
    }

    @Test func atMost256Conditions() throws {
        let ok = (0..<256).map { "a = \($0)" }.joined(separator: " OR ")
        _ = try WhereExpression.parse(ok)
        let e = expectStoreError(.invalidArgument) { _ = try WhereExpression.parse(ok + " OR a = 256") }
        #expect(e?.message.contains("256") == true)
    }

    @Test func doubleQuotesAreRefusedWithAdvice() {
        let e = expectStoreError(.invalidArgument) { _ = try WhereExpression.parse("name = \"Alice\"") }
        #expect(e?.message.contains("single quotes") == true, "\(String(describing: e))")
        #expect(e?.message.contains(":parameter") == true)
    }

    @Test(arguments: ["name = 'O\\'Brien'", "name = 'a\\nb'", "name = \\'x\\'"])
    func backslashesAreRefusedWithAdvice(_ text: String) {
        let e = expectStoreError(.invalidArgument) { _ = try WhereExpression.parse(text) }
        #expect(e?.message.contains("backslash") == true, "\(String(describing: e))")
        #expect(e?.message.contains("''") == true)
    }

    @Test func blankExpressionsAreNoFilterAndLikeNeedsText() throws {
        let server = try TestServer.current()
        let ns = "where_\(UInt32.random(in: 0...UInt32.max))"
        try server.admin(SQL(unsafeRaw: "CREATE SCHEMA \(ns) AUTHORIZATION app"))
        defer { server.dropSchema(ns) }
        let c = try Connection(try ConnectionString(server.directDSN))
        try c.executeScript(
            "CREATE TABLE \(ns).t (id int, name varchar(20), note text); INSERT INTO \(ns).t VALUES (1, 'ann', NULL), (2, 'bob', 'x');",
            name: "fixture")
        c.close()
        let ts = try TableStore(dsn: server.dsn, service: "where", namespace: ns) { $0.transactionPooler = server.viaBouncer }
        defer { ts.close() }
        for blank in ["", " ", "\n", " \n\t\r\n "] { #expect(try ts.query("t", where: blank).count == 2, "\(blank.debugDescription)") }
        _ = expectStoreError(.invalidArgument) { try ts.purge("t", where: "\n") }
        #expect(try ts.query("t", where: "note = null").map { $0["id"] } == [.int(1)])
        #expect(try ts.query("t", where: "note != NULL").map { $0["id"] } == [.int(2)])
        #expect(try ts.query("t", where: "id == 2").count == 1)
        #expect(try ts.query("t", where: "name LIKE 'a%'").count == 1)
        let e = expectStoreError(.invalidArgument) { _ = try ts.query("t", where: "id LIKE '1%'") }
        #expect(e?.message.contains("text column") == true, "\(String(describing: e))")
        _ = expectStoreError(.invalidArgument) { _ = try ts.query("t", where: "id NOT ILIKE '1%'") }
    }
}
