import Foundation
import StoreTestSupport
import Testing

@testable import StoreAccess

/// A delete's outbox row carries the value that was deleted (schema v6, issue 17), whether the delete came
/// through Swift or through the SQL function, so a watcher sees what went away.
@Suite struct KVDeleteEventTests {
    @Test func deleteEventsCarryThePreviousValue() throws {
        try withStore { store, server in
            let kv = try store.kv(tenant: "del", codec: RawCodec())
            var o = WatchOptions()
            o.ops = [.delete]
            let w = try kv.watch("k", options: o)
            defer { w.cancel() }
            try kv.set("k", "a", [1, 2, 3])
            try kv.set("k", "a", [4, 5])
            #expect(try kv.delete("k", "a") == [4, 5])
            let e = try #require(try w.next(timeout: .seconds(10)))
            #expect(e.op == .delete && e.key == "a" && e.version == 3)
            #expect(e.value == [4, 5], "the delete event carries the deleted value")

            // the same through SQL (as another language's service would delete)
            let q = store.schema.name.quoted
            try kv.set("k", "b", Array("hello".utf8))
            let r = try server.admin(SQL(unsafeRaw: "SELECT convert_from(previous, 'UTF8') FROM \(q).kv_delete('del', 'k', 'b')"))
            #expect(r.first?[0] == "hello")
            let row = try server.admin(
                SQL(unsafeRaw: "SELECT op, convert_from(value, 'UTF8') FROM \(q).outbox WHERE tenant = 'del' AND key = 'b' ORDER BY id DESC LIMIT 1"))
            #expect(row.first?[0] == "delete" && row.first?[1] == "hello")
            #expect(try w.next(timeout: .seconds(10))?.value == Array("hello".utf8))
        }
    }
}
