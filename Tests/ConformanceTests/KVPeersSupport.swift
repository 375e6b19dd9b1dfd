import Foundation
import StoreTestSupport
import Testing

@testable import StoreAccess

// Helpers for the ported suites of the key-value, bookmark and table peers (zestor, faucet-state-postgres,
// axon's PostgresStoreBackend). Every name here starts with `kv`, `zestor`, `faucet` or `axon`, so it cannot
// clash with the other peers' support files in this target.

/// Runs `body` and expects it to throw a `StoreError` with `code`; returns the error.
@discardableResult
func kvExpectError(
    _ code: StoreError.Code, _ what: String = "", sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws -> Void
) -> StoreError? {
    do {
        try body()
        Issue.record("expected a \(code) error, got success \(what)", sourceLocation: sourceLocation)
    } catch let e as StoreError {
        #expect(e.code == code, "\(what): \(e)", sourceLocation: sourceLocation)
        return e
    } catch {
        Issue.record("expected a StoreError \(code), got \(error) \(what)", sourceLocation: sourceLocation)
    }
    return nil
}

// MARK: - zestor

/// zestor's `storetest.Value`: `{"name": …, "n": …}`.
struct ZestorValue: Codable, Equatable, Sendable {
    var name: String
    var n: Int
}

typealias ZestorKV = KVStore<JSONCodec<ZestorValue>>
typealias ZestorWatch = Watch<JSONCodec<ZestorValue>>
typealias ZestorEvent = WatchEvent<ZestorValue>

/// zestor's postgres configuration of its conformance suite: `EventDelay: 15s`, `SettleDelay: 2s`.
let zestorEventDelay: Duration = .seconds(15)
let zestorSettleDelay: Duration = .seconds(2)

/// A zestor store: one tenant of a fresh StoreAccess schema (zestor's namespace is StoreAccess's tenant).
func zestorKV(_ store: Store, tenant: String = "zestor") throws -> ZestorKV {
    try store.kv(tenant: tenant, codec: JSONCodec<ZestorValue>())
}

/// zestor's `watchCtx`: a watch on `kind` (replay, op filter and buffer as given).
func zestorWatch(
    _ kv: ZestorKV, _ kind: String, replay: Bool = false, ops: Set<WatchEvent<Void>.Op>? = nil,
    buffer: Int? = nil
) throws -> ZestorWatch {
    var o = WatchOptions()
    o.initialReplay = replay
    o.ops = ops
    if let buffer { o.bufferSize = buffer }
    return try kv.watch(kind, options: o)
}

/// zestor's `recv`: one event within the event delay (the case fails when none arrives).
func zestorRecv(_ w: ZestorWatch, sourceLocation: SourceLocation = #_sourceLocation) throws -> ZestorEvent {
    try #require(try w.next(timeout: zestorEventDelay), "timed out waiting for an event", sourceLocation: sourceLocation)
}

/// zestor's `recvN`.
func zestorRecvN(_ w: ZestorWatch, _ n: Int, sourceLocation: SourceLocation = #_sourceLocation) throws -> [ZestorEvent] {
    try (0..<n).map { _ in try zestorRecv(w, sourceLocation: sourceLocation) }
}

/// zestor's `expectNoEvent`: nothing arrives within the settle delay.
func zestorExpectNoEvent(_ w: ZestorWatch, sourceLocation: SourceLocation = #_sourceLocation) throws {
    if let e = try w.next(timeout: zestorSettleDelay) {
        Issue.record("unexpected event \(e.op.rawValue) \(e.kind)/\(e.key)", sourceLocation: sourceLocation)
    }
}

/// zestor's `drainUntilClosed`: every remaining event, and how the watch ended within the event delay: with an
/// error (zestor's terminal `EventTypeError`), cleanly (its channel closed), or not at all (`ended == false`).
func zestorDrain(_ w: ZestorWatch) -> (events: [ZestorEvent], error: StoreError?, ended: Bool) {
    var events: [ZestorEvent] = []
    let deadline = ContinuousClock.now + zestorEventDelay
    while true {
        let left = deadline - ContinuousClock.now
        guard left > .zero else { return (events, nil, false) }
        do {
            guard let e = try w.next(timeout: left) else {
                // `next` returns nil before its timeout only when the watch has ended.
                return (events, nil, ContinuousClock.now < deadline - .milliseconds(200))
            }
            events.append(e)
        } catch let e as StoreError {
            return (events, e, true)
        } catch {
            return (events, StoreError(.server, "\(error)"), true)
        }
    }
}

/// A second store (another "instance") on the schema of `store`, as zestor's tests open two stores on one namespace.
func zestorSecondInstance(of store: Store, _ server: TestServer) throws -> Store {
    try Store.connect(server.dsn, service: "conformance-2", options: server.storeOptions(schema: store.schema.name.name))
}

// MARK: - faucet-state-postgres

/// JSON text parsed for structural comparison (serde_json's `Value` equality).
func faucetJSON(_ text: String?) -> NSObject? {
    guard let text, let data = text.data(using: .utf8) else { return nil }
    return (try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])) as? NSObject
}

// MARK: - axon PostgresStoreBackend

/// A fresh tenant schema (axon's per-tenant namespace) owned by the application role, with `tables` created in
/// it (`name (columns)`), and a table store on it; the schema is dropped afterwards.
func axonWithTables(
    _ tables: [String], service: String = "axon",
    _ body: (TestServer, String, TableStore) throws -> Void
) throws {
    let server = try TestServer.current()
    let ns = "axon_\(UInt32.random(in: 0...UInt32.max))"
    try server.admin(SQL(unsafeRaw: "CREATE SCHEMA \(ns) AUTHORIZATION app"))
    defer { server.dropSchema(ns) }
    try axonExec(server, tables.map { "CREATE TABLE \(ns).\($0);" }.joined(separator: "\n"))
    let ts = try TableStore(dsn: server.dsn, service: service, namespace: ns) { $0.transactionPooler = server.viaBouncer }
    defer { ts.close() }
    try body(server, ns, ts)
}

/// Runs fixture SQL as the application role on a direct connection (axon's `exec`).
func axonExec(_ server: TestServer, _ sql: String) throws {
    let c = try Connection(try ConnectionString(server.directDSN))
    defer { c.close() }
    try c.executeScript(sql, name: "axon.fixture")
}

/// The peer's `stream_retrieve` outcome.
struct AxonStreamOutcome {
    var rows: [[String: TableValue]]
    var totalSeen: Int
    var dropped: Int
    var truncated: Bool
    var cancelled: Bool
}

/// axon's backpressure policies (`BackpressurePolicy`).
enum AxonBackpressure { case dropOldest, pauseUpstream, fail, degradeQuality }

/// axon's `stream_retrieve`: a streamed query (`TableStore.stream`) drained under the policy. axon's
/// `degradeQuality` (in its open-source form an unbounded identity drain) maps to `.pauseUpstream`, as
/// `Backpressure` documents; axon's pre-fired cancellation flag is a stream cancelled before the drain.
func axonStreamRetrieve(
    _ ts: TableStore, _ table: String, policy: AxonBackpressure, bound: Int,
    cancelled: Bool = false
) throws -> AxonStreamOutcome {
    let mapped: Backpressure.Policy
    switch policy {
    case .dropOldest: mapped = .dropOldest
    case .pauseUpstream, .degradeQuality: mapped = .pauseUpstream
    case .fail: mapped = .fail
    }
    let stream = try ts.stream(table, backpressure: Backpressure(mapped, bound: bound))
    if cancelled { stream.cancel() }
    let drained = try stream.drain()
    return AxonStreamOutcome(
        rows: drained.elements, totalSeen: drained.counters.seen, dropped: drained.counters.dropped,
        truncated: drained.truncated, cancelled: drained.cancelled)
}
