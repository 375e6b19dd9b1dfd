import Foundation
import StoreTestSupport
import Testing

@testable import StoreAccess

/// KV list by value (issue 17, zestor's list predicates): keys of a kind whose JSON value contains a document.
@Suite struct KVListByValueTests {
    struct Order: Codable, Equatable, Sendable {
        var status: String
        var tags: [String]
        var total: Int
    }

    @Test func listsTheValuesThatContainTheDocument() throws {
        try withStore { store, server in
            let kv = try store.kv(tenant: "lv", codec: JSONCodec<Order>())
            try kv.set("orders", "o1", Order(status: "open", tags: ["a", "b"], total: 10))
            try kv.set("orders", "o2", Order(status: "closed", tags: ["a"], total: 20))
            try kv.set("orders", "o3", Order(status: "open", tags: ["c"], total: 30))
            try kv.set("other", "x1", Order(status: "open", tags: [], total: 0))
            try store.kv(tenant: "lv2", codec: JSONCodec<Order>()).set("orders", "o9", Order(status: "open", tags: [], total: 0))
            // a value of another codec in the same kind never matches and breaks nothing
            try store.kv(tenant: "lv", codec: RawCodec()).set("orders", "raw", [0xff, 0x00, 0x7b])

            #expect(try kv.keys("orders", containing: JSONText(#"{"status":"open"}"#)) == ["o1", "o3"])
            #expect(try kv.list("orders", containing: JSONText(#"{"tags":["a"]}"#)).map(\.key) == ["o1", "o2"])
            #expect(
                try kv.list("orders", containing: JSONText(#"{"status":"open","tags":["c"]}"#)).map(\.value) == [
                    Order(status: "open", tags: ["c"], total: 30)
                ])
            #expect(try kv.list("orders", containing: JSONText("{}")).map(\.key) == ["o1", "o2", "o3"])
            #expect(try kv.list("orders", containing: JSONText(#"{"status":"open"}"#), limit: 1).map(\.key) == ["o1"])
            #expect(try kv.list("orders", containing: JSONText(#"{"status":"open"}"#), prefix: "o3").map(\.key) == ["o3"])
            #expect(try kv.list("orders", containingEncoded: ["status": "closed"]).map(\.key) == ["o2"])
            #expect(try kv.keys("orders", containing: JSONText(#"{"total":"10"}"#)).isEmpty, "JSON types must match")
            _ = expectStoreError(.invalidArgument) { _ = try kv.list("orders", containing: JSONText("{status: open}")) }
            _ = expectStoreError(.invalidName) { _ = try kv.keys("", containing: JSONText("{}")) }

            // the expression index docs/sql.md shows can be created and leaves the answers unchanged
            let q = store.schema.name.quoted
            try server.admin(SQL(unsafeRaw: "CREATE INDEX kv_value_gin ON \(q).kv USING gin (\(q).kv_value_jsonb(value) jsonb_path_ops)"))
            #expect(try kv.keys("orders", containing: JSONText(#"{"status":"open"}"#)) == ["o1", "o3"])
        }
    }
}
