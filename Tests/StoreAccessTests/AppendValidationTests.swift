import Foundation
import StoreTestSupport
import Testing

@testable import StoreAccess

/// Issue 17: appends refuse a missing or non-object payload and a negative expected version, and the SQL
/// `append` checks event type names with Swift's rule. Nothing is written when an append is refused.
@Suite struct AppendValidationTests {
    @Test func swiftRefusesNonObjectPayloadsAndNegativeVersions() throws {
        try withStore { store, server in
            let es = try store.events(tenant: "acme")
            for payload in ["[1]", "1", "\"text\"", "null", "true"] {
                _ = expectStoreError(.invalidArgument) { try es.append(to: "s", [ev("A", payload)]) }
            }
            _ = expectStoreError(.invalidArgument) { try es.append(to: "s", expected: .exact(-1), [ev("A")]) }
            #expect(try es.append(to: "s", [ev("A", "  {\"k\": 1}")]).firstVersion == 1)
            let n = try server.admin(SQL(unsafeRaw: "SELECT count(*) FROM \(store.schema.name.quoted).events"))
            #expect(n.first?[0] == "1")
        }
    }

    @Test func sqlAppendRefusesWhatSwiftRefuses() throws {
        try withStore { store, server in
            let fn = "\(store.schema.name.quoted).append"
            func append(_ events: String, expected: Int = -1) throws {
                try store.pool.query(SQL("SELECT * FROM \(unsafeRaw: fn)('acme', 's', \(expected), \(JSONText(events)))"))
            }
            for events in [
                #"[{"type":"A"}]"#, #"[{"type":"A","payload":[1]}]"#, #"[{"type":"A","payload":null}]"#,
                #"[{"type":"A","payload":"x"}]"#, #"[{"payload":{}}]"#, #"[{"type":5,"payload":{}}]"#, "[1]",
            ] {
                let e = expectStoreError(.invalidArgument) { try append(events) }
                #expect(e?.sqlState == "SA003", "\(events)")
            }
            // event types follow the name rule Swift's Names.eventType checks
            for type in ["bad type", "-lead", "a/b", String(repeating: "t", count: 201)] {
                let e = expectStoreError(.invalidName) { try append(#"[{"type":"\#(type)","payload":{}}]"#) }
                #expect(e?.sqlState == "SA004", "\(type)")
                #expect(throws: StoreError.self) { try Names.eventType(type) }
            }
            let e = expectStoreError(.invalidArgument) { try append(#"[{"type":"A","payload":{}}]"#, expected: -4) }
            #expect(e?.message.contains("expected version") == true)
            let n = try server.admin(SQL(unsafeRaw: "SELECT count(*) FROM \(store.schema.name.quoted).events"))
            #expect(n.first?[0] == "0")
            try append(#"[{"type":"Order.Placed:v2","payload":{"k":1}}]"#)
        }
    }
}
