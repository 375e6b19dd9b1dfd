import Foundation

/// A failing handler: the batch is delivered again one event at a time, each event retried with backoff up to the
/// policy's attempts, the failure recorded on the cursor; then the subscription stops, or parks the event and goes
/// on. Parked events an operator asks to replay are delivered here too, to this consumer only.
extension Subscription {
    /// The cursor of a durable subscription.
    private var cursor: Cursor? {
        durableName.map {
            Cursor(
                schema: events.store.schema.name, tenant: events.tenant, name: $0, source: "events", filter: JSONText("[]"),
                statementPrefix: "events.cursor")
        }
    }

    /// Delivers `batch` one event at a time after the whole batch failed with `firstError`.
    func deliverOneByOne(_ batch: [RecordedEvent], firstError: Error, on c: Connection) throws {
        for e in batch {
            try deliver(e, on: c)
            lock.lock(); handledUpTo = e.position; lock.unlock()
        }
    }

    /// Delivers one event until the handler succeeds or the policy gives up (stop: throws; park: parks it).
    private func deliver(_ e: RecordedEvent, on c: Connection) throws {
        let policy = options.failure
        var attempts = 0
        var delay = options.retryDelay
        let firstFailure = Date()
        while true {
            do {
                try handler([e])
                return
            } catch {
                attempts += 1
                let message = "\(error)"
                events.store.logger.warning(
                    "subscription handler failed", metadata: ["position": "\(e.position)", "attempt": "\(attempts)", "error": "\(message)"])
                try cursor?.failing(at: e.position, error: message, attempts: attempts, on: c)
                if attempts >= policy.attempts {
                    guard case .park = policy, let cursor else { throw ConsumerLoop.HandlerFailed(message: message) }
                    try cursor.park(e, error: message, attempts: attempts, firstFailedAt: firstFailure, on: c)
                    return
                }
                guard loopSleep(delay) else { throw ConsumerLoop.HandlerFailed(message: message) }
                delay = min(delay * 2, .seconds(30))
            }
        }
    }

    /// Delivers the parked events asked to be replayed: each to the handler alone; a success deletes its parked row,
    /// a failure after the policy's attempts parks it again (one more failure counted).
    func replayParked(on c: Connection, cursor: Cursor) throws {
        for position in try cursor.replays(limit: 100, on: c) {
            let sql: SQL =
                "SELECT \(unsafeRaw: RecordedEvent.columns) FROM \(ident: events.store.schema.name).events WHERE tenant = \(events.tenant) AND position = \(position)"
            guard let row = try c.query(sql.named("events.parked_read")).first else {
                try cursor.delivered(position, on: c)
                continue
            }
            let e = try RecordedEvent(row: row)
            var attempts = 0
            var delay = options.retryDelay
            while true {
                do {
                    try handler([e])
                    try cursor.delivered(position, on: c)
                    break
                } catch {
                    attempts += 1
                    if attempts >= options.failure.attempts || !loopSleep(delay) {
                        try cursor.park(e, error: "\(error)", attempts: attempts, firstFailedAt: Date(), on: c)
                        break
                    }
                    delay = min(delay * 2, .seconds(30))
                }
            }
        }
    }
}
