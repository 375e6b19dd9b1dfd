import Foundation
import StoreTestSupport
import Testing
@testable import StoreAccess

/// Issue 17: how an `EventQuery` filter matches, in Swift and through the SQL functions psql users call.
@Suite struct EventQueryMatchingTests {
    /// Two payload conditions in one filter: an event matching either one is in the context (factstr's OR).
    @Test func payloadConditionsOfOneFilterAreORed() throws {
        try withStore { store, _ in
            let es = try store.events(tenant: "acme")
            try es.append(to: "carts", [ev("ItemAdded", #"{"cart":"c1"}"#), ev("ItemAdded", #"{"cart":"c2"}"#),
                                        ev("ItemAdded", #"{"cart":"c3"}"#)])
            let q = EventQuery([.init(types: ["ItemAdded"], payload: [JSONText(#"{"cart":"c1"}"#), JSONText(#"{"cart":"c2"}"#)])])
            let r = try es.query(q)
            #expect(r.events.map(\.payload.text).count == 2)
            #expect(r.contextVersion == 2)
            // appendIf with context 1 conflicts: the event at 2 matches the second condition
            _ = expectStoreError(.conflict) { try es.appendIf(to: "carts", [ev("CheckedOut")], query: q, context: 1) }
            #expect(try es.appendIf(to: "carts", [ev("CheckedOut")], query: q, context: 2).firstPosition == 4)
        }
    }

    /// The same query through SQL: `append_if` sees a conflict when any payload condition matches.
    @Test func sqlAppendIfORsPayloadConditions() throws {
        try withStore { store, _ in
            let es = try store.events(tenant: "acme")
            try es.append(to: "carts", [ev("ItemAdded", #"{"cart":"c2"}"#)])
            let query = JSONText(#"[{"types":["ItemAdded"],"payload":[{"cart":"c1"},{"cart":"c2"}]}]"#)
            let events = JSONText(#"[{"type":"CheckedOut","payload":{}}]"#)
            let sql: SQL = "SELECT first_position FROM \(ident: store.schema.name).append_if('acme', 'carts', -1, \(events), \(query), NULL)"
            _ = expectStoreError(.conflict) { _ = try store.pool.query(sql) }
            let one: SQL = "SELECT \(ident: store.schema.name).event_matches('ItemAdded', '{\"cart\":\"c1\",\"n\":1}', \(query))"
            #expect(try store.pool.query(one).first?.decode(0, as: Bool.self) == true)
            let none: SQL = "SELECT \(ident: store.schema.name).event_matches('ItemAdded', '{\"cart\":\"c3\"}', \(query))"
            #expect(try store.pool.query(none).first?.decode(0, as: Bool.self) == false)
        }
    }
}
