import Foundation

/// Streamed reads of the event log: catch-up (the history, page by page, then the end) and live (a
/// subscription), both as a `BoundedStream` with a backpressure policy.
extension EventStore {
    /// What a catch-up stream reads, and from where.
    public enum CatchUpSource: Sendable, Equatable {
        /// This tenant's events after `position`, gap-free (`readAll`).
        case all(after: Int64 = 0)
        /// One stream's events from `fromVersion` on (`readStream`).
        case stream(String, fromVersion: Int64 = 1)
        /// This tenant's events matching the query after `position`, gap-free, appends kept whole (`query`).
        case query(EventQuery, after: Int64 = 0)
    }

    /// The events of `source` as they are now, read page by page (`pageSize` events per round trip, one pooled
    /// connection per page, given back between pages) on a thread of the stream's own; the stream ends after the
    /// last page. Under `.pauseUpstream` a page is fetched only once the previous one fit in the buffer, so the
    /// reader never runs more than `bound + pageSize` events ahead of the consumer. Throws `.invalidArgument` for
    /// a bad bound or page size and `.invalidName` for a bad stream name (nothing is read then).
    public func catchUp(
        _ source: CatchUpSource = .all(), backpressure: Backpressure, pageSize: Int = 500
    ) throws -> BoundedStream<RecordedEvent> {
        try Self.checkLimit(pageSize)
        if case .stream(let name, let version) = source {
            _ = try Names.stream(name)
            guard version >= 1 else { throw StoreError(.invalidArgument, "a stream's versions start at 1, not \(version)") }
        }
        let (stream, upstream) = try BoundedStream<RecordedEvent>.make(backpressure, abandonPause: { [store] in store.closedError() })
        _ = BackgroundThread(name: "storeaccess-catchup") { [self] _ in
            do {
                var from = source
                while !upstream.isStopped {
                    let page = try self.page(from, pageSize)
                    guard let last = page.last else { break }
                    guard upstream.send(contentsOf: page) else { return }
                    from = Self.after(from, last)
                }
                upstream.finish()
            } catch {
                upstream.finish(throwing: error)
            }
        }
        return stream
    }

    private func page(_ source: CatchUpSource, _ limit: Int) throws -> [RecordedEvent] {
        switch source {
        case .all(let position): return try readAll(after: position, limit: limit)
        case .stream(let name, let version): return try readStream(name, fromVersion: version, limit: limit)
        case .query(let query, let position):
            let sql: SQL =
                "SELECT \(unsafeRaw: RecordedEvent.columns) FROM \(ident: schema).read_all(\(tenant), \(position), \(limit), \(query.json), true)"
            return try store.pool.queryEvents(sql.named("events.catch_up_query"))
        }
    }

    private static func after(_ source: CatchUpSource, _ last: RecordedEvent) -> CatchUpSource {
        switch source {
        case .all: return .all(after: last.position)
        case .stream(let name, _): return .stream(name, fromVersion: last.version + 1)
        case .query(let query, _): return .query(query, after: last.position)
        }
    }

    /// A live stream of this tenant's events (or those matching `query`) from `start`: a subscription
    /// (`subscribe(from:query:options:handler:)`, its own thread and direct connection, LISTEN/NOTIFY) whose
    /// batches go into the stream. Under `.pauseUpstream` a full buffer holds the subscription's thread, so it
    /// reads no further until the consumer catches up (the subscription's own backpressure); `.dropOldest`
    /// keeps the newest `bound` events for a slow consumer; `.fail` ends the stream with `.overflow`. The stream
    /// ends with the subscription's error when it fails (e.g. `.closed` when the store closes); cancelling it
    /// stops the subscription and closes its connection. Throws `.closed` when the store is already closed.
    public func live(
        from start: Subscription.Start = .now, query: EventQuery? = nil, backpressure: Backpressure,
        options: Subscription.Options = .init()
    ) throws -> BoundedStream<RecordedEvent> {
        try refuseIfClosed()
        let holder = SubscriptionHolder()
        let (stream, upstream) = try BoundedStream<RecordedEvent>.make(
            backpressure, onStop: { holder.stop() }, abandonPause: { [store] in store.closedError() })
        let subscription = try subscribe(from: start, query: query, options: options) { batch in
            guard upstream.send(contentsOf: batch) else {
                throw StoreError(.cancelled, "the stream this subscription feeds takes no more events")
            }
        }
        holder.set(subscription)
        _ = BackgroundThread(name: "storeaccess-live-end") { _ in
            switch subscription.wait() {
            case .failed(let e)?: upstream.finish(throwing: e)
            case .handlerFailed(let message)?: upstream.finish(throwing: StoreError(.server, message))
            case .stopped?, nil: upstream.finish()
            }
            holder.clear()
        }
        return stream
    }
}

extension Store {
    /// For a paused stream's producer: `.closed` once this store closed (its subscriptions must stop).
    func closedError() -> StoreError? { isClosed ? .storeClosed("its streams ended") : nil }
}

/// The subscription behind a live stream, stopped on a thread of its own when the stream's consumer ends it
/// (a cancel may come from a task's cancellation handler, which must not wait for the subscription's thread).
final class SubscriptionHolder: @unchecked Sendable {
    private let lock = NSLock()
    private var subscription: Subscription?
    private var stopped = false

    func set(_ s: Subscription) {
        lock.lock()
        subscription = s
        let stop = stopped
        lock.unlock()
        if stop { s.stop() }
    }

    /// Forgets the subscription once it ended (it holds the stream's producer end, which holds this holder).
    func clear() {
        lock.lock()
        subscription = nil
        lock.unlock()
    }

    func stop() {
        lock.lock()
        stopped = true
        let s = subscription
        subscription = nil
        lock.unlock()
        if let s { _ = BackgroundThread(name: "storeaccess-live-stop") { _ in s.stop() } }
    }
}
