import Foundation

/// The consumer loop's side of operator control (schema version 9): what to honour before the next batch, the
/// epoch-checked advance, the heartbeat with the loop's state, the failure policy, failures, parking and replays.
extension Cursor {
    /// What the loop must honour: a pause, a move (epoch, position), replays asked for.
    struct Control: Sendable, Equatable {
        var paused: Bool
        var epoch: Int64
        var position: Int64
        var replays: Int
    }

    /// The consumer's control row now.
    func control(on c: Connection) throws -> Control {
        let sql = SQL("SELECT paused, epoch, at_position, replays FROM \(ident: schema).cursor_control(\(tenant), \(name))")
        guard let r = try c.query(sql.named(statementPrefix + "_control")).first, let paused: Bool = try r.decodeOptional(0)
        else { throw StoreError(.notFound, "no consumer \(name) for tenant \(tenant)") }
        return Control(paused: paused, epoch: try r.decode(1), position: try r.decode(2), replays: try r.decode(3))
    }

    /// Records `position` unless an operator moved the consumer since `epoch` (false: then nothing was recorded).
    func advance(to position: Int64, epoch: Int64, on c: Connection) throws -> Bool {
        let sql = SQL("SELECT \(ident: schema).cursor_advance(\(tenant), \(name), \(position), \(epoch))")
        return try c.query(sql.named(statementPrefix + "_advance")).first!.decode(0, as: Bool.self)
    }

    /// The heartbeat, saying whether the loop runs or holds paused.
    func heartbeat(on c: Connection, state: String) throws {
        try c.query(
            SQL("SELECT \(ident: schema).cursor_heartbeat(\(tenant), \(name), \(state))").named(statementPrefix + "_heartbeat"))
    }

    /// Records the consumer's failure policy, so monitors show it.
    func setPolicy(_ policy: FailurePolicy, on c: Connection) throws {
        try c.query(
            SQL("SELECT \(ident: schema).cursor_policy(\(tenant), \(name), \(policy.name), \(policy.attempts))").named(
                statementPrefix + "_policy"))
    }

    /// The handler failed at `position` (attempt `attempts`).
    func failing(at position: Int64, error: String, attempts: Int, on c: Connection) throws {
        try c.query(
            SQL("SELECT \(ident: schema).cursor_failing(\(tenant), \(name), \(position), \(error), \(attempts))").named(
                statementPrefix + "_failing"))
    }

    /// Sets an event aside (or records one more failed replay of it).
    func park(_ e: RecordedEvent, error: String, attempts: Int, firstFailedAt: Date, on c: Connection) throws {
        try c.query(
            SQL(
                """
                SELECT \(ident: schema).consumer_park(\(tenant), \(name), \(e.position), \(e.stream), \(e.type), \(error), \
                \(attempts), \(firstFailedAt))
                """
            ).named(statementPrefix + "_park"))
    }

    /// Parked events asked to be replayed to this consumer, oldest first.
    func replays(limit: Int, on c: Connection) throws -> [Int64] {
        try c.query(
            SQL("SELECT p FROM \(ident: schema).parked_replays(\(tenant), \(name), \(limit)) p").named(statementPrefix + "_replays")
        ).rows.map { try $0.decode(0) }
    }

    /// A replayed event was handled: its parked row goes.
    func delivered(_ position: Int64, on c: Connection) throws {
        try c.query(
            SQL("SELECT \(ident: schema).parked_delivered(\(tenant), \(name), \(position))").named(statementPrefix + "_delivered"))
    }
}

/// What a durable subscription does when its handler keeps failing on an event (docs/operations.md).
public enum FailurePolicy: Sendable, Equatable {
    /// Retry up to `afterAttempts` times (with backoff), then stop: the cursor stays before the event, the
    /// failure is recorded on it, and monitors show the consumer STALLED with the error.
    case stop(afterAttempts: Int)
    /// Retry up to `afterAttempts` times, then park the event (position, stream, type, error, attempts) and go on.
    /// Parked events are replayed or discarded by an operator (`ConsumerAdmin`, `storetop consumer replay`).
    case park(afterAttempts: Int)

    /// `stop` or `park`, as the cursor row records it.
    public var name: String {
        switch self {
        case .stop: return "stop"
        case .park: return "park"
        }
    }

    /// The attempts before giving up on an event (at least 1).
    public var attempts: Int {
        switch self {
        case .stop(let n), .park(let n): return max(n, 1)
        }
    }
}
