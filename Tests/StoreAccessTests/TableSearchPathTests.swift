import Foundation
import StoreTestSupport
import Testing

@testable import StoreAccess

/// `TableResolution.searchPath` (issue 17): asked, the table store finds a table through its connections'
/// `search_path` (first schema on the path wins); by default it looks only in its namespace. The path rides in the
/// DSN's startup `options`, which PgBouncer refuses, so these stores connect directly in both lanes.
@Suite struct TableSearchPathTests {
    @Test func searchPathResolutionIsAskedForAndFollowsThePathOrder() throws {
        let server = try TestServer.current()
        let a = "sp_a_\(UInt32.random(in: 0...UInt32.max))", b = a.replacingOccurrences(of: "sp_a_", with: "sp_b_")
        for ns in [a, b] { try server.admin(SQL(unsafeRaw: "CREATE SCHEMA \(ns) AUTHORIZATION app")) }
        defer { server.dropSchema(a); server.dropSchema(b) }
        let c = try Connection(try ConnectionString(server.directDSN))
        try c.executeScript(
            """
            CREATE TABLE \(b).only_b (id int, v text); INSERT INTO \(b).only_b VALUES (1, 'b');
            CREATE TABLE \(a).both (v text); INSERT INTO \(a).both VALUES ('a');
            CREATE TABLE \(b).both (v text); INSERT INTO \(b).both VALUES ('b');
            """, name: "fixture")
        c.close()
        let dsn = server.directDSN + "?options=-c%20search_path%3D\(a)%2C\(b)"
        let byNamespace = try TableStore(dsn: dsn, service: "sp")
        defer { byNamespace.close() }
        #expect(byNamespace.resolution == .namespace)
        let e = expectStoreError(.notFound) { _ = try byNamespace.query("only_b") }
        #expect(e?.message.contains("public") == true, "\(String(describing: e))")

        let byPath = try TableStore(dsn: dsn, service: "sp", resolution: .searchPath)
        defer { byPath.close() }
        #expect(try byPath.query("only_b", where: "id = 1").first?["v"] == .string("b"))
        #expect(try byPath.insert("only_b", ["id": .int(2), "v": .string("c")]) == 1)
        #expect(try byPath.mutate("only_b", where: "id = 2", set: ["v": .string("d")]) == 1)
        #expect(try byPath.purge("only_b", where: "v = 'd'") == 1)
        #expect(try byPath.query("both").map { $0["v"] } == [.string("a")], "the first schema on the path wins")
        let missing = expectStoreError(.notFound) { _ = try byPath.query("nowhere") }
        #expect(missing?.message.contains("search_path") == true)
        _ = expectStoreError(.invalidName) { _ = try byPath.query("\(b).only_b") }
    }
}
