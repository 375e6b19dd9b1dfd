import Foundation
import StoreTestSupport
import Testing

@testable import StoreAccess

func ev(_ type: String, _ payload: String = "{}") -> EventData { EventData(type: type, payload: JSONText(payload)) }

/// Opens a store on a fresh schema and drops it afterwards.
func withStore<T>(service: String = "tests", maxConnections: Int = 8, _ body: (Store, TestServer) throws -> T) throws -> T {
    let server = try TestServer.current()
    let store = try server.store(service: service, maxConnections: maxConnections)
    defer { store.close(); server.dropSchema(store.schema.name.name) }
    return try body(store, server)
}

func expectStoreError(_ code: StoreError.Code, _ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) -> StoreError? {
    do {
        try body()
        Issue.record("expected \(code), got success", sourceLocation: sourceLocation)
    } catch let e as StoreError {
        #expect(e.code == code, "\(e)", sourceLocation: sourceLocation)
        return e
    } catch {
        Issue.record("expected StoreError \(code), got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}

@Suite struct EventStoreVersionTests {
    @Test func versionsAndExpectedVersions() throws {
        try withStore { store, _ in
            let es = try store.events(tenant: "acme")
            let r1 = try es.append(to: "order-1", expected: .noStream, [ev("Placed"), ev("Paid")])
            #expect(r1.firstVersion == 1 && r1.lastVersion == 2)
            #expect(r1.lastPosition == r1.firstPosition + 1)
            let r2 = try es.append(to: "order-1", expected: .exact(2), [ev("Shipped")])
            #expect(r2.firstVersion == 3)
            try es.append(to: "order-1", expected: .streamExists, [ev("Noted")])
            try es.append(to: "order-1", expected: .any, [ev("Noted")])
            let e = expectStoreError(.conflict) { try es.append(to: "order-1", expected: .exact(2), [ev("Late")]) }
            #expect(e?.message.contains("order-1") == true)
            #expect(e?.message.contains("expected 2") == true)
            #expect(e?.message.contains("actual 5") == true)
            #expect(e?.sqlState == "SA001")
            // the same in typed fields
            #expect(e?.versionConflict == VersionConflict(stream: "order-1", expected: .exact(2), actual: 5))
            let noStream = expectStoreError(.conflict) { try es.append(to: "order-1", expected: .noStream, [ev("X")]) }
            #expect(noStream?.versionConflict == VersionConflict(stream: "order-1", expected: .noStream, actual: 5))
            let exists = expectStoreError(.conflict) { try es.append(to: "order-2", expected: .streamExists, [ev("X")]) }
            #expect(exists?.versionConflict == VersionConflict(stream: "order-2", expected: .streamExists, actual: 0))
            _ = expectStoreError(.conflict) { try es.append(to: "order-2", expected: .exact(3), [ev("X")]) }
            #expect(StoreError(.notFound, "x").versionConflict == nil)
            // a failed append leaves no trace: no stream, no events, no consumed position
            #expect(try es.streamInfo("order-2") == nil)
            let next = try es.append(to: "order-3", [ev("X")])
            #expect(next.firstPosition == r2.firstPosition + 3)
            let info = try #require(try es.streamInfo("order-1"))
            #expect(info.version == 5)
            #expect(info.headPosition == r2.firstPosition + 2)
            let read = try es.readStream("order-1")
            #expect(read.map(\.version) == [1, 2, 3, 4, 5])
            #expect(read.map(\.type) == ["Placed", "Paid", "Shipped", "Noted", "Noted"])
            #expect(try es.readStream("order-1", fromVersion: 4, backward: true, limit: 2).map(\.version) == [4, 3])
            #expect(try es.readStream("order-1", fromVersion: 2, limit: 2).map(\.version) == [2, 3])
        }
    }

    @Test func emptyAndInvalidAppendsAreTypedErrorsAndWriteNothing() throws {
        try withStore { store, server in
            let es = try store.events(tenant: "acme")
            _ = expectStoreError(.invalidArgument) { try es.append(to: "s", []) }
            _ = expectStoreError(.invalidArgument) { try es.appendMulti([]) }
            _ = expectStoreError(.invalidName) { try es.append(to: "bad\tstream", [ev("X")]) }
            _ = expectStoreError(.invalidName) { try es.append(to: "", [ev("X")]) }
            _ = expectStoreError(.invalidName) { try es.append(to: "s", [ev("bad type!")]) }
            _ = expectStoreError(.invalidName) { _ = try store.events(tenant: "") }
            _ = expectStoreError(.invalidName) { _ = try store.events(tenant: "a/b") }
            _ = expectStoreError(.invalidName) { _ = try store.events(tenant: String(repeating: "t", count: 64)) }
            let n = try server.admin(SQL(unsafeRaw: "SELECT count(*) FROM \(store.schema.name.quoted).events"))
            #expect(n.first?[0] == "0")
            // the SQL functions check the same rules for psql users
            let e = expectStoreError(.invalidName) {
                try store.pool.query(SQL("SELECT * FROM \(ident: store.schema.name).append('acme', E'bad\\tstream', -1, '[{\"type\":\"X\"}]')"))
            }
            #expect(e?.sqlState == "SA004")
            let e2 = expectStoreError(.invalidArgument) {
                try store.pool.query(SQL("SELECT * FROM \(ident: store.schema.name).append('acme', 's', -1, '[]')"))
            }
            #expect(e2?.message.contains("at least one event") == true)
        }
    }

    @Test func eventsAreImmutable() throws {
        try withStore { store, server in
            let es = try store.events(tenant: "acme")
            try es.append(to: "s", [ev("X")])
            let q = store.schema.name.quoted
            for stmt in ["UPDATE \(q).events SET type = 'Y'", "DELETE FROM \(q).events", "TRUNCATE \(q).events"] {
                do {
                    try server.admin(SQL(unsafeRaw: stmt))
                    Issue.record("\(stmt) succeeded")
                } catch let e as StoreError {
                    #expect(e.sqlState == "SA005", "\(e)")
                    #expect(e.message.contains("immutable"))
                }
            }
            #expect(try es.readAll().map(\.type) == ["X"])
        }
    }

    @Test func racingAppendsWithTheSameExpectedVersionExactlyOneWins() throws {
        try withStore(maxConnections: 10) { store, _ in
            let es = try store.events(tenant: "acme")
            try es.append(to: "race", [ev("Start")])
            let wins = LockedBox(0), conflicts = LockedBox(0), other = LockedBox<[String]>([])
            let g = DispatchGroup()
            let gate = DispatchSemaphore(value: 0)
            for i in 0..<10 {
                g.enter()
                Thread.detachNewThread {
                    gate.wait()
                    do {
                        try es.append(to: "race", expected: .exact(1), [ev("Racer", "{\"i\":\(i)}")])
                        wins.update { $0 += 1 }
                    } catch let e as StoreError where e.code == .conflict {
                        conflicts.update { $0 += 1 }
                    } catch { other.update { $0.append("\(error)") } }
                    g.leave()
                }
            }
            for _ in 0..<10 { gate.signal() }
            g.wait()
            #expect(wins.get() == 1)
            #expect(conflicts.get() == 9)
            #expect(other.get() == [])
            #expect(try es.streamInfo("race")?.version == 2)
        }
    }

    @Test func tenantsAreIsolated() throws {
        try withStore { store, _ in
            let a = try store.events(tenant: "a"), b = try store.events(tenant: "b")
            try a.append(to: "same", [ev("A1"), ev("A2")])
            try b.append(to: "same", expected: .noStream, [ev("B1")])
            #expect(try a.readAll().map(\.type) == ["A1", "A2"])
            #expect(try b.readAll().map(\.type) == ["B1"])
            #expect(try b.readStream("same").map(\.type) == ["B1"])
            #expect(try b.streamInfo("same")?.version == 1)
            #expect(try b.query(.types("A1")).events.isEmpty)
            #expect(try b.read(streamPrefix: "sa").map(\.tenant) == ["b"])
            // appendIf in b is not disturbed by a's events
            try b.appendIf(to: "x", [ev("B2")], query: .types("A1"), context: nil)
            let tenants = try store.pool.query(SQL("SELECT tenant FROM \(ident: store.schema.name).tenants ORDER BY 1")).rows.map { $0[0]! }
            #expect(tenants == ["a", "b"])
        }
    }
}

@Suite struct EventStoreMultiAndConditionalTests {
    @Test func multiStreamAppendIsAllOrNothing() throws {
        try withStore { store, _ in
            let es = try store.events(tenant: "acme")
            try es.append(to: "acct-1", [ev("Opened")])
            try es.append(to: "acct-2", [ev("Opened")])
            // one conflicting participant: nothing is written anywhere
            _ = expectStoreError(.conflict) {
                try es.appendMulti([
                    StreamWrite(stream: "acct-1", expected: .exact(1), events: [ev("Debited")]),
                    StreamWrite(stream: "acct-2", expected: .exact(7), events: [ev("Credited")]),
                    StreamWrite(stream: "ledger", expected: .noStream, events: [ev("Moved")]),
                ])
            }
            #expect(try es.streamInfo("acct-1")?.version == 1)
            #expect(try es.streamInfo("ledger") == nil)
            #expect(try es.readAll().count == 2)
            // a read-only participant that moved makes the write fail
            try es.append(to: "limits", [ev("Set")])
            _ = expectStoreError(.conflict) {
                try es.appendMulti([
                    StreamWrite(stream: "acct-1", expected: .exact(1), events: [ev("Debited")]),
                    StreamWrite(stream: "limits", expected: .exact(0), events: []),
                ])
            }
            let rs = try es.appendMulti([
                StreamWrite(stream: "acct-2", expected: .exact(1), events: [ev("Credited")]),
                StreamWrite(stream: "acct-1", expected: .exact(1), events: [ev("Debited"), ev("Fee")]),
                StreamWrite(stream: "limits", expected: .exact(1), events: []),
            ])
            // results in stream-name order, contiguous positions, one batch
            #expect(rs.map(\.stream) == ["acct-1", "acct-2"])
            #expect(rs[0].lastPosition + 1 == rs[1].firstPosition)
            let batch = try es.readAll(after: rs[0].firstPosition - 1)
            #expect(batch.count == 3)
            #expect(Set(batch.map(\.batchFirst)) == [rs[0].firstPosition])
            #expect(batch.allSatisfy { $0.batchSize == 3 })
            #expect(try es.streamInfo("limits")?.version == 1)
        }
    }

    @Test func concurrentMultiStreamAppendsDoNotDeadlock() throws {
        try withStore(maxConnections: 8) { store, _ in
            let es = try store.events(tenant: "acme")
            let errors = LockedBox<[String]>([])
            let g = DispatchGroup()
            for t in 0..<6 {
                g.enter()
                Thread.detachNewThread {
                    for i in 0..<30 {
                        // opposite orders in the request; the store locks in name order
                        let names = t % 2 == 0 ? ["a", "b", "c"] : ["c", "b", "a"]
                        do {
                            try es.appendMulti(names.map { StreamWrite(stream: $0, expected: .any, events: [ev("T\(t)", "{\"i\":\(i)}")]) })
                        } catch { errors.update { $0.append("\(error)") } }
                    }
                    g.leave()
                }
            }
            g.wait()
            #expect(errors.get() == [])
            #expect(try es.streamInfo("a")?.version == 180)
            #expect(try es.streamInfo("c")?.version == 180)
        }
    }

    @Test func appendIfConflictLeavesNoTrace() throws {
        try withStore { store, server in
            let es = try store.events(tenant: "shop")
            try es.append(to: "cart-1", [ev("ItemAdded", "{\"sku\":\"A\"}")])
            let q = EventQuery([.init(types: ["ItemAdded", "ItemRemoved"], payload: [JSONText("{\"sku\":\"A\"}")])])
            let ctx = try es.query(q).contextVersion
            #expect(ctx != nil)
            // someone else adds a matching event after our read
            let other = try es.append(to: "cart-2", [ev("ItemRemoved", "{\"sku\":\"A\",\"n\":1}")])
            let seqBefore = try server.admin(SQL(unsafeRaw: "SELECT last_value FROM \(store.schema.name.quoted).event_position")).first![0]
            let e = expectStoreError(.conflict) {
                try es.appendIf(to: "cart-1", [ev("CheckedOut")], query: q, context: ctx)
            }
            #expect(e?.message.contains("expected context version \(ctx!)") == true)
            #expect(e?.message.contains("actual \(other.firstPosition)") == true)
            let seqAfter = try server.admin(SQL(unsafeRaw: "SELECT last_value FROM \(store.schema.name.quoted).event_position")).first![0]
            #expect(seqBefore == seqAfter)  // no position consumed
            #expect(try es.readAll().map(\.type) == ["ItemAdded", "ItemRemoved"])
            // with the current context it succeeds; a non-matching event does not move the context
            try es.append(to: "cart-9", [ev("ItemAdded", "{\"sku\":\"B\"}")])
            let ctx2 = try es.query(q).contextVersion
            #expect(ctx2 == other.firstPosition)
            let ok = try es.appendIf(to: "cart-1", [ev("CheckedOut")], query: q, context: ctx2)
            #expect(ok.firstVersion == 2)
            // nil context: no matching event may exist at all
            _ = expectStoreError(.conflict) { try es.appendIf(to: "x", [ev("Y")], query: q, context: nil) }
            try es.appendIf(to: "x", [ev("Y")], query: .types("NeverSeen"), context: nil)
        }
    }

    @Test func concurrentConditionalAppendsOnTheSameContextOneWins() throws {
        try withStore(maxConnections: 10) { store, _ in
            let es = try store.events(tenant: "seats")
            let q = EventQuery.types("SeatBooked")
            let ctx = try es.query(q).contextVersion
            let wins = LockedBox(0), conflicts = LockedBox(0)
            let g = DispatchGroup()
            let gate = DispatchSemaphore(value: 0)
            for i in 0..<8 {
                g.enter()
                Thread.detachNewThread {
                    gate.wait()
                    do {
                        try es.appendIf(to: "seat-\(i)", [ev("SeatBooked")], query: q, context: ctx)
                        wins.update { $0 += 1 }
                    } catch let e as StoreError where e.code == .conflict { conflicts.update { $0 += 1 } } catch {}
                    g.leave()
                }
            }
            for _ in 0..<8 { gate.signal() }
            g.wait()
            #expect(wins.get() == 1)
            #expect(conflicts.get() == 7)
        }
    }

    @Test func querySemantics() throws {
        try withStore { store, _ in
            let es = try store.events(tenant: "q")
            try es.append(to: "s1", [ev("A", "{\"x\":1,\"tag\":\"red\"}")])
            try es.append(to: "s1", [ev("B", "{\"x\":1}")])
            try es.append(to: "s1", [ev("A", "{\"x\":2,\"tag\":\"blue\"}")])
            try es.append(to: "s2", [ev("C", "{\"x\":1,\"tag\":\"red\"}")])
            func types(_ q: EventQuery) throws -> [String] { try es.query(q).events.map { "\($0.type)\($0.payload.text.contains("2") ? "2" : "")" } }
            #expect(try types(.all) == ["A", "B", "A2", "C"])
            #expect(try types(.types("A")) == ["A", "A2"])
            // types AND payload containment
            #expect(try types(EventQuery([.init(types: ["A"], payload: [JSONText("{\"tag\":\"red\"}")])])) == ["A"])
            // one payload predicate must hold (OR-ed inside a filter, as factstr; issue 17)
            #expect(try types(EventQuery([.init(payload: [JSONText("{\"x\":1}"), JSONText("{\"tag\":\"red\"}")])])) == ["A", "B", "C"])
            // OR across filters
            #expect(try types(EventQuery([.init(types: ["B"]), .init(types: ["C"])])) == ["B", "C"])
            let r = try es.query(.types("A"), limit: 1)
            #expect(r.events.count == 1)
            #expect(r.lastReturnedPosition == r.events[0].position)
            #expect(r.contextVersion == r.events[0].position + 2)  // the second A, beyond the limit
            #expect(try es.query(.types("Nope")).contextVersion == nil)
            // a multi-event append is never cut, also in query results
            try es.append(to: "s3", [ev("D"), ev("D")])
            #expect(try es.query(.types("D"), limit: 1).events.count == 2)
        }
    }

    @Test func readAllNeverCutsABatch() throws {
        try withStore { store, _ in
            let es = try store.events(tenant: "b")
            try es.append(to: "one", [ev("Single")])
            let batch = try es.append(to: "many", (1...5).map { ev("E\($0)") })
            try es.append(to: "one", [ev("Single")])
            let page1 = try es.readAll(after: 0, limit: 2, wholeAppends: true)
            #expect(page1.count == 6)  // the single, then the whole batch of five
            #expect(page1.last?.position == batch.lastPosition)
            let page2 = try es.readAll(after: page1.last!.position, limit: 2, wholeAppends: true)
            #expect(page2.map(\.type) == ["Single"])
            #expect(try es.read(streamPrefix: "ma").count == 5)
        }
    }
}
