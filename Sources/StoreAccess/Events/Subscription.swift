import Foundation
import Logging

/// A running subscription: delivers events in position order to a handler on its own thread, first catching
/// up from a position, then live (LISTEN/NOTIFY on a direct connection, with a polling fallback), with no gap
/// and no duplicate at the hand-over: it always reads "after the last delivered position" through the
/// gap-free `read_all`.
///
/// The handler runs on the subscription's thread, one batch at a time, so a slow handler slows reading
/// (backpressure) instead of growing a buffer. A durable subscription moves its cursor only after the
/// handler returned. If the handler throws, the batch is retried one event at a time; an event that keeps failing
/// stops the subscription (the cursor stays before it, the failure is recorded on it) or, by `Options.failure`, is
/// parked and passed.
public final class Subscription: @unchecked Sendable {
    /// Options for subscriptions.
    public struct Options: Sendable {
        /// Events read per round trip (a multi-event append is never split).
        public var batchSize: Int = 500
        /// How long to wait for a notification before polling anyway.
        public var pollInterval: Duration = .milliseconds(500)
        /// Durable subscriptions refresh their heartbeat at least this often.
        public var heartbeatInterval: Duration = .seconds(5)
        /// First delay before reconnecting after the listening connection broke (doubles up to 5 s).
        public var reconnectDelay: Duration = .milliseconds(100)
        /// Only events of streams matching this glob (see `EventStore.read(streamGlob:)`), filtered in SQL.
        /// Non-durable subscriptions only: `subscribeDurable` refuses it (`.invalidArgument`).
        public var streamGlob: String?
        /// What happens when the handler keeps failing (docs/operations.md): retried one event at a time with
        /// backoff, then stop (the default, after 3 attempts) or park the event and go on. Parking needs a durable
        /// subscription (a live one stops).
        public var failure: FailurePolicy = .stop(afterAttempts: 3)
        /// The first delay between attempts (doubling, at most 30 s).
        public var retryDelay: Duration = .milliseconds(100)
        public init() {}
    }

    /// Why a subscription ended.
    public enum End: Sendable {
        case stopped
        case failed(StoreError)
        case handlerFailed(String)
    }

    let events: EventStore
    let query: EventQuery?
    let durableName: String?
    let options: Options
    let handler: @Sendable ([RecordedEvent]) throws -> Void
    let lock = NSCondition()
    private var end: End?
    private var _position: Int64
    /// The last position the handler returned from (ahead of `_position` while its cursor advance is in flight).
    var handledUpTo: Int64 = 0
    private var _connected = false
    private var loop: ConsumerLoop?

    init(
        events: EventStore, from position: Int64, query: EventQuery?, durableName: String?, options: Options,
        handler: @escaping @Sendable ([RecordedEvent]) throws -> Void
    ) {
        self.events = events
        self.query = query
        self.durableName = durableName
        self.options = options
        self.handler = handler
        self._position = position
    }

    /// The last delivered (and, when durable, recorded) position.
    public var position: Int64 { lock.lock(); defer { lock.unlock() }; return _position }

    /// True while the listening connection is up.
    public var isConnected: Bool { lock.lock(); defer { lock.unlock() }; return _connected }

    /// Asks the subscription to stop and waits until its thread ended: the handler is not called after this
    /// returns.
    public func stop() { loop?.stop() }

    /// Waits until the subscription ended (by `stop()`, an error, or a failing handler).
    public func wait(timeout: Duration? = nil) -> End? {
        lock.lock()
        defer { lock.unlock() }
        let deadline = timeout.map { Date(timeIntervalSinceNow: $0.seconds) }
        while end == nil {
            if let deadline { if !lock.wait(until: deadline) { break } } else { lock.wait() }
        }
        return end
    }

    /// Waits until the subscription is connected (and, when durable, owns its cursor) or has ended.
    /// Returns the end when it ended.
    func waitUntilStarted(timeout: Duration) -> End? {
        lock.lock()
        defer { lock.unlock() }
        let deadline = Date(timeIntervalSinceNow: timeout.seconds)
        while !_connected && end == nil { if !lock.wait(until: deadline) { break } }
        return end
    }

    /// Waits until `position` reached at least `target` (for tests and shutdown).
    public func waitForPosition(_ target: Int64, timeout: Duration) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        let deadline = Date(timeIntervalSinceNow: timeout.seconds)
        while _position < target && end == nil { if !lock.wait(until: deadline) { break } }
        return _position >= target
    }

    func start() {
        let store = events.store
        let cursor = durableName.map {
            Cursor(
                schema: store.schema.name, tenant: events.tenant, name: $0, source: "events",
                filter: query?.json ?? JSONText("[]"), statementPrefix: "events.cursor")
        }
        let configuration = ConsumerLoop.Configuration(
            listenSource: store.listenSource,
            applicationName: ApplicationName(
                service: store.service, store: durableName == nil ? "subscription" : "consumer",
                tenant: events.tenant),
            channel: store.schema.eventsChannel, cursor: cursor, pollInterval: options.pollInterval,
            heartbeatInterval: options.heartbeatInterval, reconnectDelay: options.reconnectDelay, retryFirstConnect: true)
        let loop = ConsumerLoop(configuration, body: self, logger: store.logger)
        self.loop = loop
        loop.start(name: "storeaccess-subscription")
    }
}

extension Subscription: ConsumerBody {
    func connected(on c: Connection, recorded: Int64?, first: Bool) throws -> Int64 {
        lock.lock()
        defer { lock.unlock() }
        if let recorded { _position = first ? recorded : max(recorded, handledUpTo) }
        return _position
    }

    func step(on c: Connection, after position: Int64) throws -> Int64? {
        let sql: SQL =
            "SELECT \(unsafeRaw: RecordedEvent.columns) FROM \(ident: events.store.schema.name).read_all(\(events.tenant), \(position), \(options.batchSize), \(query?.json), true, \(options.streamGlob))"
        let batch = try c.queryEvents(sql.named("events.subscription_read"))
        guard let last = batch.last?.position else { return nil }
        do {
            try handler(batch)
        } catch {
            try deliverOneByOne(batch, firstError: error, on: c)
        }
        // handled: from here on this process never delivers these again (also across reconnects)
        lock.lock(); handledUpTo = last; lock.unlock()
        return last
    }

    var handled: Int64 { lock.lock(); defer { lock.unlock() }; return handledUpTo }

    func reposition(to position: Int64) {
        lock.lock(); handledUpTo = position; _position = position; lock.broadcast(); lock.unlock()
    }

    var failurePolicy: FailurePolicy? { options.failure }

    /// Sleeps on the subscription's thread (retry backoff); false when it is stopping.
    func loopSleep(_ duration: Duration) -> Bool { loop?.sleep(duration) ?? false }

    func advanced(to position: Int64) {
        lock.lock(); _position = position; lock.broadcast(); lock.unlock()
    }

    func connectionChanged(_ up: Bool) {
        lock.lock(); _connected = up; lock.broadcast(); lock.unlock()
    }

    func ended(_ e: ConsumerLoop.End) {
        lock.lock()
        switch e {
        case .stopped: end = .stopped
        case .failed(let error): end = .failed(error)
        case .handlerFailed(let message): end = .handlerFailed(message)
        }
        _connected = false
        lock.broadcast()
        lock.unlock()
    }
}

extension Subscription {
    /// Where a (non-durable) subscription starts.
    public enum Start: Sendable, Equatable {
        /// With the first event of the log (history first, then live).
        case beginning
        /// After this position.
        case after(Int64)
        /// With the events that commit from now on (factstr's `stream_all`): after the log's safe position at
        /// the moment the subscription is made. No event committing later is missed; an append that was still in
        /// flight at that moment is delivered too, since it commits later.
        case now
    }
}

extension EventStore {
    /// The highest position readers may deliver now (`events_safe_position()`): every event at or below it has
    /// committed or never will. Positions are unique and increasing; a rolled-back append leaves a hole, and a
    /// reader never skips a position that commits later.
    public func safePosition() throws -> Int64 {
        let sql: SQL = "SELECT \(ident: schema).events_safe_position()"
        return try store.pool.query(sql.named("events.safe_position")).first?.decode(0, as: Int64.self) ?? 0
    }

    /// A live subscription to this tenant's events (or those matching `query`) from `start`; `.now` delivers
    /// only what commits from now on. `handler` gets batches in position order on the subscription's own thread.
    /// Throws `.closed` when the store is closed (as `subscribeDurable` and KV `watch` do).
    public func subscribe(
        from start: Subscription.Start, query: EventQuery? = nil, options: Subscription.Options = .init(),
        handler: @escaping @Sendable ([RecordedEvent]) throws -> Void
    ) throws -> Subscription {
        try refuseIfClosed()
        let position: Int64
        switch start {
        case .beginning: position = 0
        case .after(let p): position = p
        case .now: position = try safePosition()
        }
        return try subscribe(after: position, query: query, options: options, handler: handler)
    }

    /// A live subscription to this tenant's events (or those matching `query`) after `position`.
    /// `handler` gets batches in position order on the subscription's own thread. Throws `.closed` when the store
    /// is closed; a store closed while the call runs ends the subscription with `.failed(.closed)` instead.
    public func subscribe(
        after position: Int64 = 0, query: EventQuery? = nil, options: Subscription.Options = .init(),
        handler: @escaping @Sendable ([RecordedEvent]) throws -> Void
    ) throws -> Subscription {
        try refuseIfClosed()
        try EventStore.checkLimit(options.batchSize)
        let s = Subscription(events: self, from: position, query: query, durableName: nil, options: options, handler: handler)
        s.start()
        return s
    }

    /// `.closed` when the store is closed: no consumer starts on it.
    func refuseIfClosed() throws {
        if store.isClosed { throw StoreError.storeClosed("no subscription or watch starts on it") }
    }

    /// A durable named subscription: resumes after its recorded position, records progress only after
    /// `handler` returned (at-least-once), and runs in one process at a time (`.consumerBusy` otherwise).
    /// Reopening a name with another query is an error.
    public func subscribeDurable(
        name: String, query: EventQuery? = nil, options: Subscription.Options = .init(),
        handler: @escaping @Sendable ([RecordedEvent]) throws -> Void
    ) throws -> Subscription {
        _ = try Names.consumer(name)
        try EventStore.checkLimit(options.batchSize)
        guard options.streamGlob == nil else {
            throw StoreError(.invalidArgument, "a durable subscription cannot filter by stream glob (its cursor records only its query)")
        }
        let s = Subscription(events: self, from: 0, query: query, durableName: name, options: options, handler: handler)
        s.start()
        // Surface an immediate failure (busy, bad filter) to the caller rather than only through wait().
        if case .failed(let e)? = s.waitUntilStarted(timeout: .seconds(30)) { throw e }
        return s
    }
}
