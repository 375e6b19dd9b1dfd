import Foundation
import Logging

/// What a consumer does inside the one consumer lifecycle (`ConsumerLoop`): `Subscription` (events to a
/// handler) and `Watch` (outbox rows into a buffer) implement it.
protocol ConsumerBody: AnyObject, Sendable {
    /// Connected (and, when durable, owning the consumer at `recorded`): the position to read after.
    func connected(on c: Connection, recorded: Int64?, first: Bool) throws -> Int64
    /// Reads what follows `position` and hands it on; the last position read, or nil when nothing was new.
    /// Throws `ConsumerLoop.HandlerFailed` when the handler threw.
    func step(on c: Connection, after position: Int64) throws -> Int64?
    /// Everything up to here was handled: a durable consumer's cursor may move to it.
    var handled: Int64 { get }
    /// The cursor (durable) or the delivery (live) reached `position`.
    func advanced(to position: Int64)
    /// The connection came up or went down.
    func connectionChanged(_ up: Bool)
    /// The loop ended; nothing is delivered after this.
    func ended(_ end: ConsumerLoop.End)
    /// The store whose `close()` stops this consumer (and which refuses to start it once closed).
    var owner: Store { get }
    /// An operator moved the (durable) consumer to `position`: forget what was read or handled past it.
    func reposition(to position: Int64)
    /// Delivers the parked events an operator asked to replay (durable subscriptions; watches have no handler).
    func replayParked(on c: Connection, cursor: Cursor) throws
    /// The failure policy to record on the cursor (nil: none, the consumer has no handler).
    var failurePolicy: FailurePolicy? { get }
}

extension ConsumerBody {
    func replayParked(on c: Connection, cursor: Cursor) throws {}
    var failurePolicy: FailurePolicy? { nil }
}

/// The one lifecycle of a consumer, on its own thread and its own direct connection: connect and LISTEN; when
/// durable, take the owner lock (refuse with `.consumerBusy`) and open the cursor; then read a batch, hand it on,
/// advance the cursor only after it was handled, refresh the heartbeat while idle, wait for a notification (or
/// poll); reconnect with backoff when the connection breaks; on stop record what was handled and release the
/// lock before closing, so a consumer started right after `stop()` is not refused.
final class ConsumerLoop: @unchecked Sendable {
    /// How the loop ended.
    enum End: Sendable {
        case stopped
        case failed(StoreError)
        case handlerFailed(String)
    }

    /// The handler threw (the loop ends; the cursor stays).
    struct HandlerFailed: Error { let message: String }

    struct Configuration: Sendable {
        var listenSource: ConnectionString
        var applicationName: ApplicationName
        var channel: Identifier
        /// Set for a durable consumer.
        var cursor: Cursor?
        var pollInterval: Duration
        var heartbeatInterval: Duration
        var reconnectDelay: Duration
        /// Whether a connection error on the very first connect is retried (else it ends the loop).
        var retryFirstConnect: Bool
    }

    let configuration: Configuration
    private let body: ConsumerBody
    private let logger: Logger
    /// Guards `thread`, `stopRequested`, `closingStore` and `runningOn`.
    private let state = NSLock()
    private var thread: BackgroundThread?
    private var stopRequested = false
    /// The stop came from `Store.close()`: the loop ends with `.closed` instead of `.stopped`.
    private var closingStore = false
    /// The loop's own thread, so a stop from inside a handler does not wait for itself.
    private var runningOn: pthread_t?
    /// The cursor's epoch as this loop last knew it, across reconnects (only the loop's thread uses it).
    private var knownEpoch: Int64?

    init(_ configuration: Configuration, body: ConsumerBody, logger: Logger) {
        self.configuration = configuration
        self.body = body
        self.logger = logger
    }

    /// Starts the loop's thread, registered with its store; on a closed store (or one whose pool was closed) the
    /// loop ends at once with `.closed` and no thread starts.
    func start(name: String) {
        let registry = body.owner.consumers
        guard !body.owner.pool.isClosed, registry.register(self) else {
            return body.ended(.failed(.storeClosed("no subscription or watch starts on it")))
        }
        state.lock()
        let refused = stopRequested
        if !refused {
            thread = BackgroundThread(name: name) { [self] thread in
                run(thread)
                registry.remove(self)
            }
        }
        let closing = closingStore
        state.unlock()
        if refused {
            registry.remove(self)
            body.ended(closing ? .failed(.storeClosed("no subscription or watch starts on it")) : .stopped)
        }
    }

    /// Asks the loop to stop without waiting (`closingStore`: the store is closing, so it ends with `.closed`).
    func requestStop(closingStore: Bool = false) {
        state.lock()
        stopRequested = true
        if closingStore { self.closingStore = true }
        let t = thread
        state.unlock()
        t?.requestStop()
    }

    /// Sleeps on the loop's thread (a handler's retry backoff); false when the loop is stopping.
    func sleep(_ duration: Duration) -> Bool {
        state.lock()
        let t = thread
        state.unlock()
        return t?.sleep(duration) ?? false
    }

    /// Asks the loop to stop and waits until it ended. Called from the loop's own thread (a handler stopping its
    /// subscription or closing its store) it only asks: the loop ends once the handler returned.
    func stop() {
        requestStop()
        state.lock()
        let t = thread
        let own = runningOn.map { pthread_equal($0, pthread_self()) != 0 } ?? false
        state.unlock()
        if !own { t?.stop() }
    }

    /// How the loop reports a stop: `.closed` when the store closed it.
    private func stoppedEnd() -> End {
        state.lock()
        defer { state.unlock() }
        return closingStore ? .failed(.storeClosed("its subscriptions and watches were stopped")) : .stopped
    }

    private func run(_ thread: BackgroundThread) {
        state.lock(); runningOn = pthread_self(); state.unlock()
        var delay = configuration.reconnectDelay
        var first = true
        while !thread.isStopping {
            let session: Session
            do {
                session = try connect(first: first)
                first = false
                delay = configuration.reconnectDelay
            } catch let e as StoreError {
                if e.code == .consumerBusy || e.code == .invalidArgument || e.code == .invalidName
                    || (first && (!e.isConnectionError || !configuration.retryFirstConnect))
                {
                    return body.ended(.failed(e))
                }
                logger.warning("consumer cannot connect; retrying", metadata: ["error": "\(e)", "delay": "\(delay)"])
                backOff(thread, &delay)
                continue
            } catch {
                return body.ended(.failed(StoreError(.server, "\(error)")))
            }
            if let end = serve(session, thread, &delay) {
                if case .stopped = end { return body.ended(stoppedEnd()) }
                return body.ended(end)
            }
        }
        body.ended(stoppedEnd())
    }

    /// One connection's life: the connection, where reading goes on, what the cursor holds.
    private struct Session {
        let connection: Connection
        var position: Int64
        var recorded: Int64
        /// The cursor's epoch when the loop last read it (durable): an advance records only while it is unchanged.
        var epoch: Int64 = 0
    }

    /// Opens the connection, LISTENs, and (durable) takes the lock and opens the cursor.
    private func connect(first: Bool) throws -> Session {
        let c = try Connection(configuration.listenSource, applicationName: configuration.applicationName)
        do {
            try c.listen(configuration.channel)
            var recorded: Int64?
            if let cursor = configuration.cursor {
                guard try cursor.lock.tryLock(on: c, statement: cursor.statementPrefix + "_lock") else {
                    throw StoreError(
                        .consumerBusy, "consumer \(cursor.name) of tenant \(cursor.tenant) is already running (\(cursor.ownerDescription(on: c)))")
                }
                recorded = try cursor.open(on: c, owner: .thisProcess(c))
                if let policy = body.failurePolicy { try cursor.setPolicy(policy, on: c) }
            }
            // The epoch before the cursor's recorded position is trusted: an operator may have moved the consumer
            // while this loop was disconnected.
            let epoch = try configuration.cursor.map { try $0.control(on: c).epoch }
            let moved = epoch != nil && knownEpoch != nil && epoch != knownEpoch
            if moved, let r = recorded { body.reposition(to: r) }
            var start = try body.connected(on: c, recorded: recorded, first: first)
            // After a lost connection this process may have handled past the recorded cursor (the connection broke
            // before the advance was recorded): record it and go on from there, so nothing is delivered twice.
            if let cursor = configuration.cursor, let r = recorded, let epoch, !first, !moved, body.handled > r,
                try cursor.advance(to: body.handled, epoch: epoch, on: c)
            {
                recorded = body.handled
                start = max(start, body.handled)
            }
            knownEpoch = epoch
            body.connectionChanged(true)
            var session = Session(connection: c, position: start, recorded: recorded ?? start)
            session.epoch = epoch ?? 0
            return session
        } catch {
            c.close()
            throw error
        }
    }

    /// Reads until stopped (nil: reconnect) or ended.
    private func serve(_ s: Session, _ thread: BackgroundThread, _ delay: inout Duration) -> End? {
        var s = s
        let c = s.connection
        do {
            try loop(&s, thread)
            finish(&s)
            return .stopped
        } catch let e as HandlerFailed {
            // the events before the failing one were handled: record them, release the lock, close
            finish(&s)
            return .handlerFailed(e.message)
        } catch let e as StoreError where e.isConnectionError {
            c.close()
            body.connectionChanged(false)
            logger.warning("consumer lost its connection; reconnecting", metadata: ["error": "\(e)"])
            backOff(thread, &delay)
            return nil
        } catch {
            c.close()
            return .failed(error as? StoreError ?? StoreError(.server, "\(error)"))
        }
    }

    private func loop(_ s: inout Session, _ thread: BackgroundThread) throws {
        let c = s.connection
        var lastBeat = ContinuousClock.now
        // Operator control is read before a read that follows work or a notification, and at each heartbeat: a
        // pause holds before the next batch, a move or a replay is seen within a heartbeat while idle.
        var check = true
        while !thread.isStopping {
            if let cursor = configuration.cursor, check || lastBeat.duration(to: .now) >= configuration.heartbeatInterval {
                if try honour(cursor, &s, thread) { lastBeat = .now }
                if thread.isStopping { break }
            }
            let read = try body.step(on: c, after: s.position)
            if let read { s.position = read }
            if try record(&s) {
                lastBeat = .now
            } else if let cursor = configuration.cursor, lastBeat.duration(to: .now) >= configuration.heartbeatInterval {
                try cursor.heartbeat(on: c, state: "running")
                lastBeat = .now
            }
            check = read != nil
            if read == nil { check = try !c.waitForNotifications(timeout: configuration.pollInterval).isEmpty }
        }
    }

    /// Honours the cursor's control row: follows a move, holds while paused (keeping the lock, heartbeating
    /// "paused"), delivers replays. True when it wrote a heartbeat.
    private func honour(_ cursor: Cursor, _ s: inout Session, _ thread: BackgroundThread) throws -> Bool {
        let c = s.connection
        var control = try cursor.control(on: c)
        if control.epoch != s.epoch { follow(control, &s) }
        guard control.paused else {
            if control.replays > 0 { try body.replayParked(on: c, cursor: cursor) }
            return false
        }
        try cursor.heartbeat(on: c, state: "paused")
        var lastBeat = ContinuousClock.now
        while !thread.isStopping {
            _ = try c.waitForNotifications(timeout: configuration.pollInterval)
            control = try cursor.control(on: c)
            if control.epoch != s.epoch { follow(control, &s) }
            if !control.paused { break }
            if lastBeat.duration(to: .now) >= configuration.heartbeatInterval {
                try cursor.heartbeat(on: c, state: "paused")
                lastBeat = .now
            }
        }
        try cursor.heartbeat(on: c, state: "running")
        return true
    }

    /// An operator moved the consumer: go on from its new position, forgetting what was read or handled past it.
    private func follow(_ control: Cursor.Control, _ s: inout Session) {
        knownEpoch = control.epoch
        logger.notice(
            "consumer was moved by an operator", metadata: ["from": "\(s.recorded)", "to": "\(control.position)"])
        s.epoch = control.epoch
        s.position = control.position
        s.recorded = control.position
        body.reposition(to: control.position)
    }

    /// Moves the cursor (durable) or the delivered position (live) to what was handled. True when it moved.
    private func record(_ s: inout Session) throws -> Bool {
        let handled = body.handled
        guard handled > s.recorded else { return false }
        if let cursor = configuration.cursor, try !cursor.advance(to: handled, epoch: s.epoch, on: s.connection) {
            // Moved by an operator while this batch was handled (a forced move): the move wins.
            follow(try cursor.control(on: s.connection), &s)
            return false
        }
        s.recorded = handled
        body.advanced(to: handled)
        return configuration.cursor != nil
    }

    /// Stopping: record what was handled, release the owner lock, close.
    private func finish(_ s: inout Session) {
        _ = try? record(&s)
        if let cursor = configuration.cursor { cursor.lock.unlock(on: s.connection, statement: cursor.statementPrefix + "_unlock") }
        s.connection.close()
    }

    private func backOff(_ thread: BackgroundThread, _ delay: inout Duration) {
        thread.sleep(delay)
        delay = min(delay * 2, .seconds(5))
    }
}
