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
            try es.append(
                to: "carts",
                [
                    ev("ItemAdded", #"{"cart":"c1"}"#), ev("ItemAdded", #"{"cart":"c2"}"#),
                    ev("ItemAdded", #"{"cart":"c3"}"#),
                ])
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

/// Issue 17: "no types given" admits every type, an explicitly empty type list none.
@Suite struct EventQueryTypeListTests {
    @Test func nilTypesMatchAllAndEmptyTypesMatchNothing() throws {
        try withStore { store, _ in
            let es = try store.events(tenant: "acme")
            try es.append(to: "s", [ev("A", #"{"k":1}"#), ev("B", #"{"k":2}"#)])
            #expect(try es.query(EventQuery([.init()])).events.map(\.type) == ["A", "B"])
            #expect(try es.query(EventQuery([.payload([JSONText(#"{"k":2}"#)])])).events.map(\.type) == ["B"])
            let none = try es.query(EventQuery([.init(types: [])]))
            #expect(none.events.isEmpty && none.contextVersion == nil)
            // an empty-type filter ORed with another filter leaves the other one's matches
            #expect(try es.query(EventQuery([.init(types: []), .init(types: ["B"])])).events.map(\.type) == ["B"])
            // as a conditional append's context it never conflicts
            #expect(try es.appendIf(to: "s", [ev("C")], query: EventQuery([.init(types: [])]), context: nil).firstPosition == 3)
            let sql: SQL =
                "SELECT \(ident: store.schema.name).event_matches('A', '{}', '[{\"types\": []}]'), \(ident: store.schema.name).event_matches('A', '{}', '[{\"types\": null}]')"
            let row = try #require(try store.pool.query(sql).first)
            #expect(try row.decode(0, as: Bool.self) == false && row.decode(1, as: Bool.self) == true)
        }
    }

    /// A durable consumer recorded before version 5 with `"types": []` (then: any type) keeps that meaning and
    /// reopens with a filter that gives no types.
    @Test func durableFilterWithEmptyTypesRecordedBeforeV5KeepsItsMeaning() throws {
        let server = try TestServer.current()
        let schema = "sa_v5_types_\(UInt32.random(in: 0...UInt32.max))"
        defer { server.dropSchema(schema) }
        let c = try Connection(try ConnectionString(server.directDSN))
        defer { c.close() }
        let s = try StoreSchema(schema)
        try s.migrate(on: c, upTo: 4)
        let q = "\"\(schema)\""
        try c.query(SQL(unsafeRaw: "SELECT \(q).cursor_open('t1', 'proj', 'events', '[{\"types\":[],\"payload\":[]}]', 'a', 'h', 1)"))
        try s.migrate(on: c)
        let same = try c.query(SQL("SELECT filter = \(EventQuery([.init()]).json)::jsonb FROM \(unsafeRaw: q).cursors WHERE name = 'proj'"))
        #expect(try same.first?.decode(0, as: Bool.self) == true)
        let opened = try c.query(SQL("SELECT \(unsafeRaw: q).cursor_open('t1', 'proj', 'events', \(EventQuery([.init()]).json), 'a', 'h', 1)"))
        #expect(opened.first?[0] == "0")
    }
}
