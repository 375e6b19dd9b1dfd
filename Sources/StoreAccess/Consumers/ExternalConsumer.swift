/// A durable event consumer that another process drives (a service in another language, a script, a legacy
/// job): registered and moved through the same SQL functions that service would call (`cursor_open`,
/// `cursor_advance`, `cursor_heartbeat`; docs/sql.md), with the owner that process reports. StoreAccess takes no
/// owner lock for it: the process that runs it does (or, as a non-Swift service may, none), and the monitor
/// shows it as such.
public final class ExternalConsumer: Sendable {
    /// The tenant's event store it reads.
    public let events: EventStore
    /// Its name.
    public let name: String
    /// The owner recorded in its cursor row.
    public let owner: ConsumerOwner
    let cursor: Cursor

    init(events: EventStore, name: String, owner: ConsumerOwner, query: EventQuery?) {
        self.events = events
        self.name = name
        self.owner = owner
        self.cursor = Cursor(
            schema: events.store.schema.name, tenant: events.tenant, name: name, source: "events",
            filter: query?.json ?? JSONText("[]"), statementPrefix: "events.external_cursor")
    }

    /// Records that everything up to `position` was handled (moves the cursor, refreshes the heartbeat).
    public func advance(to position: Int64) throws {
        try events.store.pool.withConnection { try cursor.advance(to: position, on: $0) }
    }

    /// Refreshes the heartbeat without moving.
    public func heartbeat() throws {
        try events.store.pool.withConnection { try cursor.heartbeat(on: $0) }
    }

    /// The recorded position (reads the cursor row).
    public func position() throws -> Int64 {
        let sql = SQL("SELECT position FROM \(ident: cursor.schema).cursors WHERE tenant = \(cursor.tenant) AND name = \(name)")
        return try events.store.pool.query(sql.named("events.external_cursor_position")).first?.decode(0) ?? 0
    }
}

extension EventStore {
    /// Registers (or finds) a durable consumer that another process drives, recording `owner` as who runs it,
    /// and returns a handle to move it. Reopening a name with another query is an error (`.invalidArgument`).
    public func registerExternalConsumer(name: String, owner: ConsumerOwner, query: EventQuery? = nil) throws
        -> ExternalConsumer
    {
        _ = try Names.consumer(name)
        let consumer = ExternalConsumer(events: self, name: name, owner: owner, query: query)
        _ = try store.pool.withConnection { try consumer.cursor.open(on: $0, owner: owner) }
        return consumer
    }
}
