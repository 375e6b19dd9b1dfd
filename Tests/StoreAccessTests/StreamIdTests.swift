import Foundation
import StoreTestSupport
import Testing

@testable import StoreAccess

/// Issue 17 decision: stream ids may be any UTF-8 text without control characters, 1 to 255 bytes, `/` included;
/// Swift's `Names.stream` and SQL's `check_name('stream', …)` agree.
@Suite struct StreamIdTests {
    static let accepted = ["account/source-0193", "order 42", "ünïcödé/流", "s'; DROP TABLE x; --", "a:b@c", String(repeating: "é", count: 127)]
    static let refused = ["", "tab\there", "line\nbreak", "bell\u{7}", "del\u{7F}", "c1\u{85}", String(repeating: "s", count: 256)]

    @Test func swiftAndSQLAgreeOnStreamIds() throws {
        try withStore { store, _ in
            let es = try store.events(tenant: "ids")
            for (i, id) in Self.accepted.enumerated() {
                #expect(try es.append(to: id, [ev("E")]).firstVersion == 1, "\(id)")
                #expect(try es.readStream(id).map(\.stream) == [id])
                let sql: SQL = "SELECT \(ident: store.schema.name).check_name('stream', \(id), 255)"
                #expect(try store.pool.query(sql).first?[0] == id, "\(i)")
            }
            for id in Self.refused {
                _ = expectStoreError(.invalidName) { try es.append(to: id, [ev("E")]) }
                let e = expectStoreError(.invalidName) {
                    _ = try store.pool.query(
                        SQL("SELECT * FROM \(ident: store.schema.name).append('ids', \(id), -1, '[{\"type\":\"E\",\"payload\":{}}]')"))
                }
                #expect(e?.sqlState == "SA004", "\(id.debugDescription)")
            }
            // tenants, types and consumers keep the strict rule
            _ = expectStoreError(.invalidName) { _ = try store.events(tenant: "a/b") }
            _ = expectStoreError(.invalidName) { try es.append(to: "s", [ev("a/b")]) }
        }
    }
}
