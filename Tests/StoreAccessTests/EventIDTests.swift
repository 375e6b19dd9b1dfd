import Foundation
import StoreAccess
import StoreTestSupport
import Testing

/// Caller-supplied event ids (issue 17): an id is unique within its tenant; a repeated id is refused and writes
/// nothing; an idempotent retry answers with the first append's positions and takes none of its own, also when
/// the retries race. Every figure is read back with SQL.
@Suite struct EventIDTests {
    func count(_ server: TestServer, _ store: Store, _ filter: String = "true") throws -> Int {
        Int(try server.admin(SQL(unsafeRaw: "SELECT count(*) FROM \"\(store.schema.name.name)\".events WHERE \(filter)")).first![0]!)!
    }
    func lastPosition(_ server: TestServer, _ store: Store) throws -> Int64 {
        Int64(try server.admin(SQL(unsafeRaw: "SELECT last_value FROM \"\(store.schema.name.name)\".event_position")).first![0]!)!
    }

    @Test func idsAreStoredAndReadBack() throws {
        try withStore { store, server in
            let es = try store.events(tenant: "acme")
            let a = UUID(), b = UUID()
            try es.append(to: "o", [EventData(type: "A", id: a), EventData(type: "B", id: b), EventData(type: "C")])
            #expect(try es.readStream("o").map(\.id) == [a, b, nil])
            #expect(try es.readAll().map(\.id) == [a, b, nil])
            let stored = try server.admin(SQL(unsafeRaw: "SELECT event_id FROM \"\(store.schema.name.name)\".events ORDER BY position")).rows
            #expect(stored.map { $0[0] } == [a.uuidString.lowercased(), b.uuidString.lowercased(), nil])
        }
    }

    @Test func aRepeatedIDIsRefusedAndWritesNothing() throws {
        try withStore { store, server in
            let es = try store.events(tenant: "acme"), id = UUID()
            let first = try es.append(to: "o", [EventData(type: "A", id: id)])
            let before = try lastPosition(server, store)
            let e = expectStoreError(.duplicateEvent) { try es.append(to: "o", [EventData(type: "Again", id: id)]) }
            #expect(e?.message.contains("position \(first.firstPosition)") == true, "\(String(describing: e))")
            // also from another stream, and inside a multi-stream append
            _ = expectStoreError(.duplicateEvent) { try es.append(to: "other", [EventData(type: "X"), EventData(type: "Again", id: id)]) }
            #expect(try count(server, store) == 1)
            #expect(try es.streamInfo("o")?.version == 1 && es.streamInfo("other") == nil)
            #expect(try lastPosition(server, store) == before, "a refused append took a position")
            // another tenant may use the same id
            try store.events(tenant: "globex").append(to: "o", [EventData(type: "G", id: id)])
            // two events with one id in one append: refused before anything is sent
            _ = expectStoreError(.invalidArgument) { try es.append(to: "o", [EventData(type: "A", id: id), EventData(type: "B", id: id)]) }
        }
    }

    @Test func anIdempotentRetryAnswersTheFirstAppend() throws {
        try withStore { store, server in
            let es = try store.events(tenant: "acme")
            let writes = [
                StreamWrite(stream: "a", expected: .noStream, events: [EventData(type: "A1", id: UUID()), EventData(type: "A2", id: UUID())]),
                StreamWrite(stream: "b", expected: .noStream, events: [EventData(type: "B1", id: UUID())]),
            ]
            let first = try es.appendMulti(writes, idempotent: true)
            let before = try lastPosition(server, store)
            // the same append again (its expected versions no longer hold: a retry is not checked again)
            let again = try es.appendMulti(writes, idempotent: true)
            #expect(again == first)
            #expect(try count(server, store) == 3)
            #expect(try lastPosition(server, store) == before, "a retry took positions")
            // a partial retry is another append: refused
            let partial = [StreamWrite(stream: "a", expected: .any, events: [writes[0].events[0], EventData(type: "New", id: UUID())])]
            _ = expectStoreError(.duplicateEvent) { _ = try es.appendMulti(partial, idempotent: true) }
            // without the flag the retry is refused
            _ = expectStoreError(.duplicateEvent) { _ = try es.appendMulti(writes) }
            #expect(try count(server, store) == 3)
        }
    }

    @Test func racingRetriesWriteOnce() throws {
        try withStore(maxConnections: 8) { store, server in
            let es = try store.events(tenant: "acme"), id = UUID()
            let results = Mutex8<[AppendResult]>([])
            DispatchQueue.concurrentPerform(iterations: 8) { _ in
                if let r = try? es.append(to: "o", [EventData(type: "Paid", id: id)], idempotent: true) { results.append(r) }
            }
            #expect(results.value.count == 8, "every retry got an answer")
            #expect(Set(results.value.map(\.firstPosition)).count == 1, "\(results.value)")
            #expect(try count(server, store) == 1)
        }
    }

    @Test func theSQLFunctionsCheckIDs() throws {
        try withStore { store, _ in
            let s = store.schema.name
            func append(_ events: String) throws {
                try store.pool.query(SQL("SELECT * FROM \(ident: s).append_multi('acme', \(JSONText("[{\"stream\":\"o\",\"events\":\(events)}]")))"))
            }
            _ = expectStoreError(.invalidArgument) { try append(#"[{"type":"A","payload":{},"id":"not-a-uuid"}]"#) }
            _ = expectStoreError(.invalidArgument) { try append(#"[{"type":"A","payload":{},"id":42}]"#) }
            let id = UUID().uuidString
            _ = expectStoreError(.invalidArgument) {
                try append(#"[{"type":"A","payload":{},"id":"\#(id)"},{"type":"B","payload":{},"id":"\#(id)"}]"#)
            }
            try append(#"[{"type":"A","payload":{},"id":"\#(id)"}]"#)
            let e = expectStoreError(.duplicateEvent) { try append(#"[{"type":"A","payload":{},"id":"\#(id)"}]"#) }
            #expect(e?.sqlState == "SA006")
        }
    }
}

/// A value several threads append to.
final class Mutex8<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var v: T
    init(_ v: T) { self.v = v }
    var value: T { lock.withLock { v } }
    func append<E>(_ e: E) where T == [E] { lock.withLock { v.append(e) } }
}
