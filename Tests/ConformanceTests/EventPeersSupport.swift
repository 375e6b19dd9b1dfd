import Foundation
import Logging
import StoreTestSupport
import Testing

@testable import StoreAccess

// Helpers for the ported factstr-postgres and eventcore-postgres suites (FactstrTests.swift, EventcoreTests.swift).
// Names carry an `ep`/`EP` prefix so they cannot clash with the other peers' support files in this target.

/// A value shared between a handler thread and the test.
final class EPBox<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: T
    init(_ value: T) { self.value = value }
    func get() -> T { lock.lock(); defer { lock.unlock() }; return value }
    func update(_ f: (inout T) -> Void) { lock.lock(); f(&value); lock.unlock() }
}

/// The factstr issue labels (issue 17 headings and items) the ported cases fall under.
enum EPIssue {
    static let orPayload: Comment = "issue 17 defect: payload conditions inside one filter are ORed, as factstr does"
    static let emptyTypes: Comment = "issue 17 defect: an explicitly empty type list matches nothing (factstr: Some(vec![]))"
    static let fromNow: Comment = "issue 17 defect: a \"from now\" start for subscriptions (factstr's stream_all is future-only)"
    static let exactLimit: Comment = "issue 17 decision: read_all(limit:) returns exactly limit events (eventcore's contract)"
    static let streamIds: Comment = "issue 17 decision: stream ids may be any UTF-8 text without control characters up to 255 bytes, / included"
    static let glob: Comment = "issue 17 capability: stream glob filters (*, ?, [0-9]) in reads and subscriptions, applied before the limit"
}

// MARK: factstr

/// factstr's `NewEvent::new(type, json!(payload))`.
func epFact(_ type: String, _ payload: String = "{}") -> EventData {
    EventData(type: type, payload: JSONText(payload))
}

/// factstr's `EventFilter::default().with_payload_predicates([...])` / `for_event_types([...])`.
func epFilter(types: [String]? = nil, payload: [String] = []) -> EventQuery.Filter {
    EventQuery.Filter(types: types, payload: payload.map { JSONText($0) })
}

/// factstr's store has no streams: every fact goes to one StoreAccess stream of one tenant.
struct EPFactStore: Sendable {
    let events: EventStore
    static let stream = "facts"

    init(_ store: Store) throws { events = try store.events(tenant: "factstr") }

    @discardableResult
    func append(_ facts: [EventData]) throws -> AppendResult { try events.append(to: Self.stream, facts) }

    @discardableResult
    func appendIf(_ facts: [EventData], _ query: EventQuery, _ context: Int64?) throws -> AppendResult {
        try events.appendIf(to: Self.stream, facts, query: query, context: context)
    }

    /// factstr's `query(&q.with_min_sequence_number(after))`.
    func query(_ query: EventQuery = .all, after: Int64 = 0) throws -> EventQueryResult {
        try events.query(query, after: after)
    }

    /// The safe head: factstr's `stream_all`/`stream_to` deliver only commits after this (StoreAccess has no
    /// "from now" start, issue 17; the workaround is to read the safe position by hand).
    func head() throws -> Int64 { try events.query(.all, limit: 1).contextVersion ?? 0 }

    /// factstr's `stream_all` / `stream_to`: a live subscription starting after the current head.
    func stream(_ query: EventQuery? = nil, _ log: EPDeliveries) throws -> Subscription {
        try events.subscribe(after: try head(), query: query, handler: log.handler)
    }

    /// The position a durable consumer recorded (factstr's `durable_stream_cursors.last_processed_sequence_number`).
    func cursor(_ name: String, server: TestServer) throws -> Int64? {
        let sql = SQL(unsafeRaw: "SELECT position FROM \(events.store.schema.name.quoted).cursors WHERE tenant = 'factstr' AND name = '\(name)'")
        return try server.admin(sql).first.map { try $0.decode(0, as: Int64.self) }
    }
}

/// The (expected, actual) context versions a conditional-append conflict names
/// (factstr's `ConditionalAppendConflict { expected, actual }`).
func epContextConflict(_ error: StoreError) -> (expected: Int64?, actual: Int64?)? {
    guard error.code == .conflict, let detail = error.detail, let data = detail.data(using: .utf8),
        let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
    else { return nil }
    return ((obj["expected_context"] as? NSNumber)?.int64Value, (obj["actual_context"] as? NSNumber)?.int64Value)
}

/// Runs `body`, expecting it to throw a StoreError; returns it (records an issue otherwise).
func epError(_ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) -> StoreError? {
    do {
        try body()
        Issue.record("expected an error, got success", sourceLocation: sourceLocation)
        return nil
    } catch let e as StoreError {
        return e
    } catch {
        Issue.record("expected a StoreError, got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

/// A factstr delivery log. StoreAccess hands its handler pages of whole appends; factstr hands one committed
/// batch per call. Each event carries its append (`batchFirst`, nil for a single-event append), so `batches`
/// regroups the delivered events by committed append: factstr's delivery shape.
final class EPDeliveries: Sendable {
    private let calls = EPBox<[[RecordedEvent]]>([])
    private let failing: Bool
    init(failing: Bool = false) { self.failing = failing }

    var handler: @Sendable ([RecordedEvent]) throws -> Void {
        { [self] batch in
            if failing { throw StoreError(.invalidArgument, "expected test handler failure") }
            calls.update { $0.append(batch) }
        }
    }

    /// Delivered positions, one array per committed append.
    var batches: [[Int64]] {
        var out: [[Int64]] = []
        var lastKey: Int64?
        for e in calls.get().joined() {
            let key = e.batchFirst ?? e.position
            if key == lastKey { out[out.count - 1].append(e.position) } else { out.append([e.position]) }
            lastKey = key
        }
        return out
    }

    var events: [RecordedEvent] { Array(calls.get().joined()) }

    /// Waits until `count` committed batches arrived (factstr's `wait_for_delivery_count`), then returns them.
    func wait(for count: Int, timeout: Duration = .seconds(10)) -> [[Int64]] {
        let deadline = ContinuousClock.now + timeout
        while batches.count < count && ContinuousClock.now < deadline { Thread.sleep(forTimeInterval: 0.01) }
        // let a late extra delivery show up, so "exactly count" is checked
        Thread.sleep(forTimeInterval: 0.05)
        return batches
    }

    /// Watches for `window` that nothing (more) arrives (factstr's `assert_no_delivery` / `assert_delivery_count_stays`).
    func stays(at count: Int, window: Duration = .milliseconds(600)) -> Bool {
        let deadline = ContinuousClock.now + window
        while ContinuousClock.now < deadline {
            if batches.count != count { return false }
            Thread.sleep(forTimeInterval: 0.01)
        }
        return batches.count == count
    }
}

/// Opens a durable subscription, retrying while the previous owner is still going away (factstr's
/// `wait_for_durable_resubscribe_after_failure`).
func epResubscribe(_ open: () throws -> Subscription, timeout: Duration = .seconds(10)) throws -> Subscription {
    let deadline = ContinuousClock.now + timeout
    while true {
        do { return try open() } catch let e as StoreError where e.code == .consumerBusy && ContinuousClock.now < deadline {
            Thread.sleep(forTimeInterval: 0.01)
        }
    }
}

// MARK: eventcore

/// eventcore's `ContractTestEvent` / `TestEvent`: a type and a JSON payload naming its stream.
func epEvent(_ stream: String, type: String = "ContractTestEvent", _ fields: [String: String] = [:]) -> EventData {
    var payload = fields
    payload["stream_id"] = stream
    return (try? EventData(type: type, encoding: payload)) ?? EventData(type: type)
}

/// A unique id (eventcore's `Uuid::now_v7()` in stream names).
func epUUID() -> String { UUID().uuidString.lowercased() }

/// eventcore 0.1's `CommandExecutor::execute`: read the streams, decide, append with the versions read
/// (optimistic concurrency), and on a version conflict retry from the read (default: 3 attempts).
/// `decide` gets the current events of each stream and returns the writes, or throws a business error.
enum EPCommandResult: Equatable { case ok, conflict, rejected(String) }

func epExecute(
    _ es: EventStore, streams: [String], attempts: Int = 3,
    decide: ([String: [RecordedEvent]]) throws -> [String: [EventData]]
) throws -> EPCommandResult {
    for attempt in 1...attempts {
        var read: [String: [RecordedEvent]] = [:]
        for s in streams { read[s] = try es.readStream(s, limit: 100_000) }
        let writes: [String: [EventData]]
        do { writes = try decide(read) } catch let e as EPRejected { return .rejected(e.reason) }
        let sw = streams.map { StreamWrite(stream: $0, expected: .exact(Int64(read[$0]?.count ?? 0)), events: writes[$0] ?? []) }
        do {
            try es.appendMulti(sw)
            return .ok
        } catch let e as StoreError where e.code == .conflict {
            if attempt == attempts { return .conflict }
            Thread.sleep(forTimeInterval: 0.002 * Double(attempt))
        }
    }
    return .conflict
}

/// A business rule violation raised by a command's `decide` (eventcore's `CommandError::BusinessRuleViolation`).
struct EPRejected: Error { let reason: String }

/// Runs `body` on `n` threads started together (eventcore's `tokio::spawn` + `Barrier`) and returns the results.
func epConcurrently<T: Sendable>(_ n: Int, _ body: @escaping @Sendable (Int) -> T) -> [T] {
    let results = EPBox<[Int: T]>([:])
    let group = DispatchGroup()
    let start = DispatchSemaphore(value: 0)
    for i in 0..<n {
        group.enter()
        Thread.detachNewThread {
            start.wait()
            let r = body(i)
            results.update { $0[i] = r }
            group.leave()
        }
    }
    for _ in 0..<n { start.signal() }
    group.wait()
    return (0..<n).compactMap { results.get()[$0] }
}

/// A store on a fresh schema with pool settings of the case's own (eventcore's `PostgresConfigBuilder`),
/// dropped afterwards like `withConformanceStore` does.
func epWithConfiguredStore<T>(
    _ configure: @escaping @Sendable (inout PoolConfiguration) -> Void,
    _ body: (Store, TestServer) throws -> T
) throws -> T {
    let server = try TestServer.current()
    var options = server.storeOptions()
    let base = options.configure
    options.configure = { c in
        base(&c); configure(&c)
    }
    let store = try Store.connect(server.dsn, service: "conformance", options: options)
    defer {
        store.close()
        server.dropSchema(store.schema.name.name)
    }
    return try body(store, server)
}

/// Captures what a store logs (eventcore's `tracing_test::traced_test` + `logs_contain`).
final class EPLogCapture: @unchecked Sendable {
    private let lines = EPBox<[String]>([])
    var all: [String] { lines.get() }
    func contains(_ s: String) -> Bool { all.contains { $0.contains(s) } }

    var logger: Logger {
        Logger(label: "conformance.eventcore") { [self] _ in Handler(sink: self) }
    }

    fileprivate func record(_ line: String) { lines.update { $0.append(line) } }

    struct Handler: LogHandler {
        let sink: EPLogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            sink.record("\(event.level) \(event.message) \(event.metadata ?? [:])")
        }
    }
}

/// A store on a fresh schema that logs into `capture`, dropped afterwards.
func epWithLoggedStore<T>(_ capture: EPLogCapture, _ body: (Store, TestServer) throws -> T) throws -> T {
    let server = try TestServer.current()
    let store = try Store.connect(server.dsn, service: "conformance", options: server.storeOptions(), logger: capture.logger)
    defer {
        store.close()
        server.dropSchema(store.schema.name.name)
    }
    return try body(store, server)
}
