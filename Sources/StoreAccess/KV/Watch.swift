import Foundation

/// A change of one key, from the outbox (or from the initial replay).
public struct WatchEvent<Value>: @unchecked Sendable {
    public enum Op: String, Sendable, CaseIterable { case create, update, delete }
    /// Outbox id (0 for replayed entries).
    public let id: Int64
    public let kind: String
    public let key: String
    public let op: Op
    /// The new value; for a delete, the value that was deleted (nil only for deletes written before schema
    /// version 6, whose outbox rows carry no value).
    public let value: Value?
    public let version: Int64
    public let at: Date
    /// True for entries of the initial replay (the state when the watch began).
    public let replayed: Bool
}

/// Options for `KVStore.watch`.
public struct WatchOptions: Sendable {
    /// Deliver the current entries of the kind first, atomically with subscribing.
    public var initialReplay = false
    /// Only these operations (nil: all).
    public var ops: Set<WatchEvent<Void>.Op>?
    /// Events buffered for a slow consumer before the watch ends with `.overflow`.
    public var bufferSize = 1024
    /// A durable watcher records its position in the cursor table under this name (resumes there; holds back
    /// safe pruning; one process at a time).
    public var durableName: String?
    /// Polling fallback when no notification arrives.
    public var pollInterval: Duration = .milliseconds(500)
    /// A durable watcher refreshes its heartbeat at least this often (as durable subscriptions do).
    public var heartbeatInterval: Duration = .seconds(5)
    public init() {}
}

/// A running watch on one kind: a thread reads the outbox (gap-free, like the event log) into a bounded buffer;
/// `next` takes from it. When the buffer is full the watch ends with a typed `.overflow` error instead of
/// growing. The listening connection reconnects with backoff when it drops.
public final class Watch<Codec: KVCodec>: @unchecked Sendable {
    public typealias Event = WatchEvent<Codec.Value>
    let kv: KVStore<Codec>
    let kind: String
    let options: WatchOptions
    private let lock = NSCondition()
    private var buffer: [Event] = []
    private var head = 0
    private var ended: StoreError?
    private var endedCleanly = false
    private var position: Int64 = 0
    private var handledUpTo: Int64 = 0
    private var lastReturned: Int64 = 0
    private var started = false
    private var startError: StoreError?
    /// The initial replay's keys and versions, skipped when the outbox repeats them (up to `replayUntil`).
    private var replaySeen: [String: Int64]?
    private var replayUntil: Int64 = 0
    private var loop: ConsumerLoop?

    init(kv: KVStore<Codec>, kind: String, options: WatchOptions) {
        self.kv = kv
        self.kind = kind
        self.options = options
    }

    /// The next change, waiting up to `timeout`; nil on timeout. Throws the error that ended the watch
    /// (`.overflow`, `.consumerBusy`, …) once the buffer is drained; `.closed` at once after `Store.close()`. For a durable watcher, taking an event
    /// marks the previous one as handled.
    public func next(timeout: Duration) throws -> Event? {
        lock.lock()
        defer { lock.unlock() }
        let deadline = Date(timeIntervalSinceNow: timeout.seconds)
        while head == buffer.count {
            if let e = ended { throw e }
            if endedCleanly { return nil }
            if !lock.wait(until: deadline) { return nil }
        }
        let e = buffer[head]
        head += 1
        if head > 256 && head * 2 > buffer.count { buffer.removeFirst(head); head = 0 }
        if e.id > 0 { handledUpTo = max(handledUpTo, lastReturned); lastReturned = e.id }
        lock.broadcast()
        return e
    }

    /// Stops the watch and waits for its thread. A durable watcher records everything returned by `next` as
    /// handled and releases its consumer lock, so another watcher of the name can start at once.
    public func cancel() {
        lock.lock()
        handledUpTo = max(handledUpTo, lastReturned)
        lock.unlock()
        loop?.stop()
    }

    /// The last outbox id read into the buffer.
    public var readPosition: Int64 { lock.lock(); defer { lock.unlock() }; return position }

    func start() throws {
        let store = kv.store
        let cursor = options.durableName.map {
            Cursor(
                schema: store.schema.name, tenant: kv.tenant, name: $0, source: "outbox",
                filter: JSONText(durableFilter()), statementPrefix: "kv.watch_cursor")
        }
        let configuration = ConsumerLoop.Configuration(
            listenSource: store.listenSource,
            applicationName: ApplicationName(service: store.service, store: "watch", tenant: kv.tenant),
            channel: store.schema.outboxChannel, cursor: cursor, pollInterval: options.pollInterval,
            heartbeatInterval: options.heartbeatInterval, reconnectDelay: .milliseconds(100), retryFirstConnect: false)
        let loop = ConsumerLoop(configuration, body: self, logger: store.logger)
        self.loop = loop
        loop.start(name: "storeaccess-watch")
        lock.lock()
        let deadline = Date(timeIntervalSinceNow: 30)
        while !started && startError == nil { if !lock.wait(until: deadline) { break } }
        let e = startError
        lock.unlock()
        if let e { throw e }
    }

    /// The filter a durable watcher records: its kind and (when set) its operations.
    private func durableFilter() -> String {
        var filter = "{\"kind\":" + jsonString(kind)
        if let ops = options.ops { filter += ",\"ops\":[" + ops.map { jsonString($0.rawValue) }.sorted().joined(separator: ",") + "]" }
        return filter + "}"
    }

    func push(_ events: [Event]) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if buffer.count - head + events.count > options.bufferSize {
            ended = StoreError(
                .overflow,
                "watch on kind \(kind) of tenant \(kv.tenant) overflowed its buffer of \(options.bufferSize) events: the consumer is too slow")
            lock.broadcast()
            return false
        }
        buffer.append(contentsOf: events)
        lock.broadcast()
        return true
    }

    private func fail(_ e: StoreError) {
        lock.lock()
        if !started { startError = e }
        // closed with the store: deliver nothing more (a durable watcher's cursor keeps these as unhandled)
        if e.code == .closed { buffer.removeAll(); head = 0 }
        ended = ended ?? e
        lock.broadcast()
        lock.unlock()
    }
}

extension Watch: ConsumerBody {
    func connected(on c: Connection, recorded: Int64?, first: Bool) throws -> Int64 {
        if !first { return readPosition }
        var start = recorded ?? 0
        if recorded == nil {
            let begun = try begin(c, schema: kv.store.schema.name)
            start = begun.position
            lock.lock(); replaySeen = begun.seen; replayUntil = begun.until; lock.unlock()
        }
        lock.lock(); position = start; started = true; lock.broadcast(); lock.unlock()
        return start
    }

    func step(on c: Connection, after: Int64) throws -> Int64? {
        let ops = options.ops.map { TextArray($0.map(\.rawValue).sorted()) }
        let rows = try c.query(
            SQL(
                "SELECT id, kind, key, op, value, version, at FROM \(ident: kv.store.schema.name).outbox_read(\(kv.tenant), \(kind), \(after), \(500), \(ops))"
            ).named("kv.watch_read")
        ).rows
        guard let last = rows.last else { return nil }
        lock.lock(); let seen = replaySeen; lock.unlock()
        let events = try rows.compactMap { try event($0, skipping: seen) }
        if !push(events) { throw ended ?? StoreError(.overflow, "watch overflowed") }
        let lastID: Int64 = try last.decode(0)
        lock.lock()
        position = lastID
        if lastID >= replayUntil { replaySeen = nil }
        lock.unlock()
        return lastID
    }

    /// One outbox row as a change, or nil when the initial replay already delivered it.
    private func event(_ r: Row, skipping seen: [String: Int64]?) throws -> Event? {
        let key: String = try r.decode(2)
        let version: Int64 = try r.decode(5)
        if let seen, let v = seen[key], version <= v { return nil }
        let bytes = try r.decodeOptional(4, as: ByteA.self)
        return Event(
            id: try r.decode(0), kind: try r.decode(1), key: key,
            op: WatchEvent<Codec.Value>.Op(rawValue: try r.decode(3)) ?? .update,
            value: try bytes.map { try kv.codec.decode($0.bytes) }, version: version,
            at: try r.decode(6), replayed: false)
    }

    var handled: Int64 { lock.lock(); defer { lock.unlock() }; return handledUpTo }

    func advanced(to position: Int64) {}

    /// An operator moved the watcher: changes read past the new position and not taken yet are dropped (they are
    /// read again from there).
    func reposition(to p: Int64) {
        lock.lock()
        buffer.removeAll()
        head = 0
        position = p
        handledUpTo = p
        lastReturned = p
        lock.unlock()
    }

    func connectionChanged(_ up: Bool) {}

    func ended(_ end: ConsumerLoop.End) {
        switch end {
        case .stopped:
            lock.lock(); endedCleanly = true; lock.broadcast(); lock.unlock()
        case .failed(let e):
            fail(e)
        case .handlerFailed(let message):
            fail(StoreError(.server, message))
        }
    }

    /// Where a watch without a cursor starts: the gap-free position now, or (with replay) the seam between the
    /// snapshot of the kind and the outbox.
    private func begin(_ c: Connection, schema: Identifier) throws -> (position: Int64, seen: [String: Int64]?, until: Int64) {
        // 1. the gap-free position now: everything at or below it has finished
        let safe = try c.query(SQL("SELECT \(ident: schema).outbox_safe_position()").named("kv.watch_start")).first!.decode(0, as: Int64.self)
        guard options.initialReplay else { return (safe, nil, 0) }
        // 2. the snapshot (a later snapshot: it may already include changes above `safe` …)
        let rows = try c.query(
            SQL("SELECT key, value, version, updated_at FROM \(ident: schema).kv WHERE tenant = \(kv.tenant) AND kind = \(kind) ORDER BY key").named(
                "kv.watch_replay")
        ).rows
        // 3. … which all have ids at or below the sequence's value now: skip those already replayed
        let until = try c.query(
            SQL("SELECT coalesce(pg_sequence_last_value(\(schema.quoted + ".outbox_position")::regclass), 0)").named("kv.watch_seam")
        ).first!.decode(0, as: Int64.self)
        var seen: [String: Int64] = [:]
        var events: [Event] = []
        for r in rows {
            let key: String = try r.decode(0)
            let version: Int64 = try r.decode(2)
            seen[key] = version
            if options.ops == nil || options.ops!.contains(.create) {
                events.append(
                    Event(
                        id: 0, kind: kind, key: key, op: .create,
                        value: try kv.codec.decode(try r.decode(1, as: ByteA.self).bytes),
                        version: version, at: try r.decode(3), replayed: true))
            }
        }
        guard push(events) else {
            throw StoreError(
                .overflow, "the initial replay of kind \(kind) (\(events.count) entries) does not fit the watch buffer of \(options.bufferSize)")
        }
        return (safe, seen, until)
    }
}

extension KVStore {
    /// Watches changes of `kind` from any process. See `WatchOptions`. Throws `.closed` on a closed store;
    /// `Store.close()` ends the watch.
    public func watch(_ kind: String, options: WatchOptions = WatchOptions()) throws -> Watch<Codec> {
        _ = try Names.kind(kind)
        if let n = options.durableName { _ = try Names.consumer(n) }
        guard options.bufferSize >= 1 else { throw StoreError(.invalidArgument, "bufferSize must be at least 1") }
        let w = Watch(kv: self, kind: kind, options: options)
        try w.start()
        return w
    }
}
