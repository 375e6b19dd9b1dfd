import Foundation
import Logging

/// A running subscription: delivers events in position order to a handler on its own thread, first catching
/// up from a position, then live (LISTEN/NOTIFY on a direct connection, with a polling fallback), with no gap
/// and no duplicate at the hand-over: it always reads "after the last delivered position" through the
/// gap-free `read_all`.
///
/// The handler runs on the subscription's thread, one batch at a time, so a slow handler slows reading
/// (backpressure) instead of growing a buffer. A durable subscription moves its cursor only after the
/// handler returned; if the handler throws, the subscription stops with that error and the cursor stays.
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
    private let lock = NSCondition()
    private var stopRequested = false
    private var end: End?
    private var _position: Int64
    /// The last position the handler returned from (ahead of `_position` while its cursor advance is in flight).
    private var handledUpTo: Int64 = 0
    private var _connected = false
    private var thread: Thread?

    init(events: EventStore, from position: Int64, query: EventQuery?, durableName: String?, options: Options,
         handler: @escaping @Sendable ([RecordedEvent]) throws -> Void) {
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

    /// Asks the subscription to stop and waits until its thread ended.
    public func stop() {
        lock.lock()
        stopRequested = true
        lock.broadcast()
        while end == nil { _ = lock.wait(until: Date(timeIntervalSinceNow: 1)) }
        lock.unlock()
    }

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

    private var stopping: Bool { lock.lock(); defer { lock.unlock() }; return stopRequested }

    /// Opens the durable cursor (if any) on `c` and returns the position to start after.
    private func open(_ c: Connection) throws -> Int64 {
        let store = events.store
        try c.listen(store.schema.eventsChannel)
        guard let name = durableName else { return position }
        if try !ConsumerLock(schema: store.schema.name, tenant: events.tenant, name: name).tryLock(on: c, statement: "events.cursor_lock") {
            let owner = try? c.query(SQL("SELECT coalesce(owner_application, '?') || ' on ' || coalesce(owner_host, '?') || ' pid ' || coalesce(owner_pid::text, '?') FROM \(ident: store.schema.name).cursors WHERE tenant = \(events.tenant) AND name = \(name)")).first?[0]
            throw StoreError(.consumerBusy, "consumer \(name) of tenant \(events.tenant) is already running (\(owner ?? "owner unknown"))")
        }
        let filter = query?.json ?? JSONText("[]")
        let p = try c.query(SQL("""
            SELECT \(ident: store.schema.name).cursor_open(\(events.tenant), \(name), 'events', \(filter), \
            \(c.applicationName?.rendered ?? ""), \(ProcessInfo.processInfo.hostName), \(getpid()))
            """).named("events.cursor_open")).first!.decode(0, as: Int64.self)
        return p
    }

    func start() {
        let t = Thread { [self] in run() }
        t.name = "storeaccess-subscription"
        thread = t
        t.start()
    }

    private func finish(_ e: End) {
        lock.lock()
        end = e
        _connected = false
        lock.broadcast()
        lock.unlock()
    }

    private func run() {
        let store = events.store
        let appName = ApplicationName(service: store.service, store: durableName == nil ? "subscription" : "consumer",
                                      tenant: events.tenant)
        var delay = options.reconnectDelay
        var firstOpen = true
        while !stopping {
            let c: Connection
            do {
                c = try Connection(store.listenSource, applicationName: appName)
                let start = try open(c)
                lock.lock()
                let handled = max(handledUpTo, _position)
                lock.unlock()
                // After a lost connection, this process has handled up to `handled`, perhaps past the recorded
                // cursor (the connection broke before the advance was recorded): record it, and go on from there,
                // so a reconnect never delivers a batch twice.
                if let name = durableName, !firstOpen, handled > start {
                    try c.query(SQL("SELECT \(ident: store.schema.name).cursor_advance(\(events.tenant), \(name), \(handled))").named("events.cursor_advance"))
                }
                lock.lock()
                if durableName != nil { _position = firstOpen ? start : max(start, handled) }
                _connected = true
                lock.broadcast()
                lock.unlock()
                firstOpen = false
                delay = options.reconnectDelay
            } catch let e as StoreError {
                if e.code == .consumerBusy || e.code == .invalidArgument || e.code == .invalidName
                    || (firstOpen && !e.isConnectionError) {
                    finish(.failed(e)); return
                }
                store.logger.warning("subscription cannot connect; retrying", metadata: ["error": "\(e)", "delay": "\(delay)"])
                sleepUnlessStopped(delay)
                delay = min(delay * 2, .seconds(5))
                continue
            } catch {
                finish(.failed(StoreError(.server, "\(error)"))); return
            }
            do {
                try loop(c)
                // release the consumer lock before closing, so a consumer started right after stop() is not
                // refused while this backend is still exiting
                if let name = durableName {
                    ConsumerLock(schema: store.schema.name, tenant: events.tenant, name: name).unlock(on: c, statement: "events.cursor_unlock")
                }
                c.close()
                finish(.stopped)
                return
            } catch let e as HandlerError {
                c.close()
                finish(.handlerFailed(e.message))
                return
            } catch let e as StoreError where e.isConnectionError {
                c.close()
                lock.lock(); _connected = false; lock.unlock()
                store.logger.warning("subscription lost its connection; reconnecting", metadata: ["error": "\(e)"])
                sleepUnlessStopped(delay)
                delay = min(delay * 2, .seconds(5))
            } catch {
                c.close()
                finish(.failed(error as? StoreError ?? StoreError(.server, "\(error)")))
                return
            }
        }
        finish(.stopped)
    }

    private struct HandlerError: Error { let message: String }

    private func loop(_ c: Connection) throws {
        let store = events.store
        var lastBeat = ContinuousClock.now
        let filter = query?.json
        while !stopping {
            let after = position
            let sql: SQL = "SELECT \(unsafeRaw: RecordedEvent.columns) FROM \(ident: store.schema.name).read_all(\(events.tenant), \(after), \(options.batchSize), \(filter))"
            let batch = try c.query(sql.named("events.subscription_read")).rows.map(RecordedEvent.init(row:))
            if !batch.isEmpty {
                do { try handler(batch) } catch { throw HandlerError(message: "\(error)") }
                let last = batch.last!.position
                // handled: from here on this process never delivers these again (also across reconnects)
                lock.lock(); handledUpTo = last; lock.unlock()
                if let name = durableName {
                    try c.query(SQL("SELECT \(ident: store.schema.name).cursor_advance(\(events.tenant), \(name), \(last))").named("events.cursor_advance"))
                    lastBeat = .now
                }
                lock.lock(); _position = last; lock.broadcast(); lock.unlock()
                continue
            }
            if let name = durableName, lastBeat.duration(to: .now) >= options.heartbeatInterval {
                try c.query(SQL("SELECT \(ident: store.schema.name).cursor_heartbeat(\(events.tenant), \(name))").named("events.cursor_heartbeat"))
                lastBeat = .now
            }
            // Wait for a notification (any tenant's append wakes us; reading is cheap), or poll.
            _ = try c.waitForNotifications(timeout: options.pollInterval)
        }
    }

    private func sleepUnlessStopped(_ d: Duration) {
        lock.lock()
        if !stopRequested { _ = lock.wait(until: Date(timeIntervalSinceNow: d.seconds)) }
        lock.unlock()
    }
}

extension EventStore {
    /// A live subscription to this tenant's events (or those matching `query`) after `position`.
    /// `handler` gets batches in position order on the subscription's own thread.
    public func subscribe(after position: Int64 = 0, query: EventQuery? = nil, options: Subscription.Options = .init(),
                          handler: @escaping @Sendable ([RecordedEvent]) throws -> Void) throws -> Subscription {
        try EventStore.checkLimit(options.batchSize)
        let s = Subscription(events: self, from: position, query: query, durableName: nil, options: options, handler: handler)
        s.start()
        return s
    }

    /// A durable named subscription: resumes after its recorded position, records progress only after
    /// `handler` returned (at-least-once), and runs in one process at a time (`.consumerBusy` otherwise).
    /// Reopening a name with another query is an error.
    public func subscribeDurable(name: String, query: EventQuery? = nil, options: Subscription.Options = .init(),
                                 handler: @escaping @Sendable ([RecordedEvent]) throws -> Void) throws -> Subscription {
        _ = try Names.consumer(name)
        try EventStore.checkLimit(options.batchSize)
        let s = Subscription(events: self, from: 0, query: query, durableName: name, options: options, handler: handler)
        s.start()
        // Surface an immediate failure (busy, bad filter) to the caller rather than only through wait().
        if case .failed(let e)? = s.waitUntilStarted(timeout: .seconds(30)) { throw e }
        return s
    }
}
