import Foundation

/// A durable consumer's row in the cursors table, driven through the documented SQL functions
/// (`cursor_open`, `cursor_advance`, `cursor_heartbeat`): the one place StoreAccess calls them, for
/// subscriptions, watchers and consumers that other processes drive (`ExternalConsumer`).
struct Cursor: Sendable {
    let schema: Identifier
    let tenant: String
    let name: String
    /// `events` or `outbox`.
    let source: String
    /// The consumer's filter (an event query, or an outbox kind and ops).
    let filter: JSONText
    /// The prefix of the statement names (`events.cursor`, `kv.watch_cursor`).
    let statementPrefix: String

    /// The owner lock of this consumer.
    var lock: ConsumerLock { ConsumerLock(schema: schema, tenant: tenant, name: name) }

    /// Registers the consumer (or finds it) with its owner, and returns its recorded position.
    func open(on c: Connection, owner: ConsumerOwner) throws -> Int64 {
        let sql = SQL(
            """
            SELECT \(ident: schema).cursor_open(\(tenant), \(name), \(source), \(filter), \
            \(owner.application), \(owner.host), \(owner.pid))
            """)
        return try c.query(sql.named(statementPrefix + "_open")).first!.decode(0, as: Int64.self)
    }

    /// Records that everything up to `position` was handled (and refreshes the heartbeat).
    func advance(to position: Int64, on c: Connection) throws {
        let sql = SQL("SELECT \(ident: schema).cursor_advance(\(tenant), \(name), \(position))")
        try c.query(sql.named(statementPrefix + "_advance"))
    }

    /// Refreshes the heartbeat of a consumer that has nothing to handle.
    func heartbeat(on c: Connection) throws {
        try c.query(SQL("SELECT \(ident: schema).cursor_heartbeat(\(tenant), \(name))").named(statementPrefix + "_heartbeat"))
    }

    /// Who runs the consumer now, for a `.consumerBusy` message.
    func ownerDescription(on c: Connection) -> String {
        let sql = SQL(
            "SELECT coalesce(owner_application, '?') || ' on ' || coalesce(owner_host, '?') || ' pid ' || coalesce(owner_pid::text, '?') FROM \(ident: schema).cursors WHERE tenant = \(tenant) AND name = \(name)"
        )
        return ((try? c.query(sql).first?[0]) ?? nil) ?? "owner unknown"
    }
}

/// Who runs a durable consumer, as recorded in its cursor row: the process's application_name, host and pid.
public struct ConsumerOwner: Sendable, Equatable {
    /// The owner's application_name.
    public var application: String
    /// The host it runs on.
    public var host: String
    /// Its process id.
    public var pid: Int32

    /// An owner given by the caller (e.g. a service in another language that drives the consumer).
    public init(application: String, host: String, pid: Int32) {
        self.application = application
        self.host = host
        self.pid = pid
    }

    /// This process, with the connection's application_name.
    static func thisProcess(_ c: Connection) -> ConsumerOwner {
        ConsumerOwner(
            application: c.applicationName?.rendered ?? "", host: ProcessInfo.processInfo.hostName,
            pid: getpid())
    }
}
