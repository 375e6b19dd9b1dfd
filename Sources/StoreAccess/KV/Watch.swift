import Foundation

/// A change of one key, from the outbox (or from the initial replay).
public struct WatchEvent<Value>: @unchecked Sendable {
    public enum Op: String, Sendable, CaseIterable { case create, update, delete }
    /// Outbox id (0 for replayed entries).
    public let id: Int64
    public let kind: String
    public let key: String
    public let op: Op
    /// The new value (nil for delete).
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
    private var cancelled = false
    private var position: Int64 = 0
    private var handledUpTo: Int64 = 0
    private var lastReturned: Int64 = 0
    private var started = false
    private var startError: StoreError?

    init(kv: KVStore<Codec>, kind: String, options: WatchOptions) {
        self.kv = kv
        self.kind = kind
        self.options = options
    }

    /// The next change, waiting up to `timeout`; nil on timeout. Throws the error that ended the watch
    /// (`.overflow`, `.consumerBusy`, …) once the buffer is drained. For a durable watcher, taking an event
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

    /// Stops the watch. A durable watcher records everything returned by `next` as handled.
    public func cancel() {
        lock.lock()
        cancelled = true
        handledUpTo = max(handledUpTo, lastReturned)
        lock.broadcast()
        while !endedCleanly && ended == nil { _ = lock.wait(until: Date(timeIntervalSinceNow: 1)) }
        lock.unlock()
    }

    /// The last outbox id read into the buffer.
    public var readPosition: Int64 { lock.lock(); defer { lock.unlock() }; return position }

    private var isCancelled: Bool { lock.lock(); defer { lock.unlock() }; return cancelled }

    func start() throws {
        let t = Thread { [self] in run() }
        t.name = "storeaccess-watch"
        t.start()
        lock.lock()
        let deadline = Date(timeIntervalSinceNow: 30)
        while !started && startError == nil { if !lock.wait(until: deadline) { break } }
        let e = startError
        lock.unlock()
        if let e { throw e }
    }

    private func push(_ events: [Event]) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if buffer.count - head + events.count > options.bufferSize {
            ended = StoreError(.overflow, "watch on kind \(kind) of tenant \(kv.tenant) overflowed its buffer of \(options.bufferSize) events: the consumer is too slow")
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
        ended = ended ?? e
        lock.broadcast()
        lock.unlock()
    }

    private func run() {
        let store = kv.store
        let schema = store.schema.name
        let app = ApplicationName(service: store.service, store: "watch", tenant: kv.tenant)
        var delay = Duration.milliseconds(100)
        var replaySeen: [String: Int64]? = nil
        var replayUntil: Int64 = 0
        var firstConnect = true
        let ops = options.ops.map { TextArray($0.map(\.rawValue).sorted()) }
        while !isCancelled {
            let c: Connection
            do {
                c = try Connection(store.listenSource, applicationName: app)
                try c.listen(store.schema.outboxChannel)
                if firstConnect {
                    let startAt = try begin(c, schema: schema)
                    lock.lock(); position = startAt.position; started = true; lock.broadcast(); lock.unlock()
                    replaySeen = startAt.seen
                    replayUntil = startAt.until
                    firstConnect = false
                } else if let name = options.durableName {
                    try lockDurable(c, schema: schema, name: name)
                }
                delay = .milliseconds(100)
            } catch let e as StoreError {
                if firstConnect && !e.isConnectionError { fail(e); return }
                if firstConnect { fail(e); return }
                sleep(delay)
                delay = min(delay * 2, .seconds(5))
                continue
            } catch { fail(StoreError(.server, "\(error)")); return }
            do {
                var lastRecorded: Int64 = -1
                while !isCancelled {
                    let after = readPosition
                    let rows = try c.query(SQL("SELECT id, kind, key, op, value, version, at FROM \(ident: schema).outbox_read(\(kv.tenant), \(kind), \(after), \(500), \(ops))").named("kv.watch_read")).rows
                    var events: [Event] = []
                    for r in rows {
                        let id: Int64 = try r.decode(0)
                        let key: String = try r.decode(2)
                        let version: Int64 = try r.decode(5)
                        if let seen = replaySeen, let v = seen[key], version <= v { continue } // already in the replay
                        let bytes = try r.decodeOptional(4, as: ByteA.self)
                        events.append(Event(id: id, kind: try r.decode(1), key: key,
                                            op: WatchEvent<Codec.Value>.Op(rawValue: try r.decode(3)) ?? .update,
                                            value: try bytes.map { try kv.codec.decode($0.bytes) }, version: version,
                                            at: try r.decode(6), replayed: false))
                    }
                    if let last = rows.last {
                        let lastID: Int64 = try last.decode(0)
                        if !push(events) { c.close(); return }
                        lock.lock(); position = lastID; lock.unlock()
                        if lastID >= replayUntil { replaySeen = nil }
                    }
                    if let name = options.durableName {
                        lock.lock(); let handled = handledUpTo; lock.unlock()
                        if handled != lastRecorded && handled > 0 {
                            try c.query(SQL("SELECT \(ident: schema).cursor_advance(\(kv.tenant), \(name), \(handled))").named("kv.watch_cursor_advance"))
                            lastRecorded = handled
                        }
                    }
                    if rows.isEmpty { _ = try c.waitForNotifications(timeout: options.pollInterval) }
                }
                if let name = options.durableName {
                    lock.lock(); let handled = handledUpTo; lock.unlock()
                    if handled > 0 { _ = try? c.query(SQL("SELECT \(ident: schema).cursor_advance(\(kv.tenant), \(name), \(handled))")) }
                }
                c.close()
            } catch let e as StoreError where e.isConnectionError {
                c.close()
                sleep(delay)
                delay = min(delay * 2, .seconds(5))
                continue
            } catch {
                c.close()
                fail(error as? StoreError ?? StoreError(.server, "\(error)"))
                return
            }
        }
        lock.lock(); endedCleanly = true; lock.broadcast(); lock.unlock()
    }

    private func sleep(_ d: Duration) {
        lock.lock()
        if !cancelled { _ = lock.wait(until: Date(timeIntervalSinceNow: d.seconds)) }
        lock.unlock()
    }

    private func lockDurable(_ c: Connection, schema: Identifier, name: String) throws {
        if try !ConsumerLock(schema: schema, tenant: kv.tenant, name: name).tryLock(on: c, statement: "kv.watch_lock") {
            throw StoreError(.consumerBusy, "watcher \(name) of tenant \(kv.tenant) is already running")
        }
    }

    /// Where to start: a durable watcher's cursor, or (with replay) the seam between the snapshot and the outbox.
    private func begin(_ c: Connection, schema: Identifier) throws -> (position: Int64, seen: [String: Int64]?, until: Int64) {
        if let name = options.durableName {
            try lockDurable(c, schema: schema, name: name)
            var filter = "{\"kind\":" + jsonString(kind)
            if let ops = options.ops { filter += ",\"ops\":[" + ops.map { jsonString($0.rawValue) }.sorted().joined(separator: ",") + "]" }
            filter += "}"
            let p = try c.query(SQL("""
                SELECT \(ident: schema).cursor_open(\(kv.tenant), \(name), 'outbox', \(JSONText(filter)), \
                \(c.applicationName?.rendered ?? ""), \(ProcessInfo.processInfo.hostName), \(getpid()))
                """).named("kv.watch_cursor_open")).first!.decode(0, as: Int64.self)
            return (p, nil, 0)
        }
        // 1. the gap-free position now: everything at or below it has finished
        let safe = try c.query(SQL("SELECT \(ident: schema).outbox_safe_position()").named("kv.watch_start")).first!.decode(0, as: Int64.self)
        guard options.initialReplay else { return (safe, nil, 0) }
        // 2. the snapshot (a later snapshot: it may already include changes above `safe` …)
        let rows = try c.query(SQL("SELECT key, value, version, updated_at FROM \(ident: schema).kv WHERE tenant = \(kv.tenant) AND kind = \(kind) ORDER BY key").named("kv.watch_replay")).rows
        // 3. … which all have ids at or below the sequence's value now: skip those already replayed
        let until = try c.query(SQL("SELECT coalesce(pg_sequence_last_value(\(schema.quoted + ".outbox_position")::regclass), 0)").named("kv.watch_seam")).first!.decode(0, as: Int64.self)
        var seen: [String: Int64] = [:]
        var events: [Event] = []
        for r in rows {
            let key: String = try r.decode(0)
            let version: Int64 = try r.decode(2)
            seen[key] = version
            if options.ops == nil || options.ops!.contains(.create) {
                events.append(Event(id: 0, kind: kind, key: key, op: .create,
                                    value: try kv.codec.decode(try r.decode(1, as: ByteA.self).bytes),
                                    version: version, at: try r.decode(3), replayed: true))
            }
        }
        guard push(events) else { throw StoreError(.overflow, "the initial replay of kind \(kind) (\(events.count) entries) does not fit the watch buffer of \(options.bufferSize)") }
        return (safe, seen, until)
    }
}

extension KVStore {
    /// Watches changes of `kind` from any process. See `WatchOptions`.
    public func watch(_ kind: String, options: WatchOptions = WatchOptions()) throws -> Watch<Codec> {
        _ = try Names.kind(kind)
        if let n = options.durableName { _ = try Names.consumer(n) }
        guard options.bufferSize >= 1 else { throw StoreError(.invalidArgument, "bufferSize must be at least 1") }
        let w = Watch(kv: self, kind: kind, options: options)
        try w.start()
        return w
    }
}
