import Foundation
import StoreTestSupport
import Testing

@testable import StoreAccess

@Suite struct SQLTests {
    @Test func interpolatedValuesBecomeParameters() throws {
        let schema = try Identifier("s")
        let evil = "x'; DROP TABLE t; --"
        let sql: SQL = "SELECT * FROM \(ident: schema).t WHERE a = \(evil) AND b = \(42) AND c = \(Optional<String>.none)"
        #expect(sql.text == "SELECT * FROM \"s\".t WHERE a = $1 AND b = $2 AND c = $3")
        #expect(sql.binds == [evil, "42", nil])
    }

    @Test func byteaRoundTrip() throws {
        let b = ByteA([0, 1, 0xab, 0xff])
        #expect(b.postgresText == "\\x0001abff")
        #expect(try ByteA(postgresText: "\\x0001ABff") == b)
        #expect(throws: StoreError.self) { try ByteA(postgresText: "\\x0g") }
    }

    @Test func timestampsRoundTrip() throws {
        let d = Date(timeIntervalSince1970: 1_790_000_000.123456)
        let text = PostgresTimestamp.format(d)
        #expect(text == "2026-09-21 14:13:20.123456+00")
        #expect(abs(try Date(postgresText: text).timeIntervalSince1970 - d.timeIntervalSince1970) < 0.000002)
        #expect(try Date(postgresText: "2026-09-21 16:13:20+02").timeIntervalSince1970 == 1_790_000_000)
        #expect(try Date(postgresText: "1969-12-31 23:59:59-00:30").timeIntervalSince1970 == 1799)
    }

    @Test func textArrayEscapes() {
        #expect(TextArray(["a", "b\"c", "d\\e"]).postgresText == "{\"a\",\"b\\\"c\",\"d\\\\e\"}")
    }

    /// The array text the server reads back is every element as sent: quotes, backslashes, braces, commas, NULL
    /// spelled out, blanks, the empty string, and characters beyond ASCII.
    @Test func textArraysReadBackAsSent() throws {
        let server = try TestServer.current()
        let c = try Connection(try ConnectionString(server.directDSN))
        defer { c.close() }
        let values = ["a", "b\"c", "d\\e", "{x,y}", "NULL", " ", "", "\\\"", "ünï 🚀", "a\\\\b", "\"\""]
        let rows = try c.query(SQL("SELECT v FROM unnest(\(TextArray(values))::text[]) WITH ORDINALITY u(v, i) ORDER BY i")).rows
        #expect(try rows.map { try $0.decode("v", as: String.self) } == values)
    }
}
