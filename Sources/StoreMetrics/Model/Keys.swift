/// Identifies a durable consumer: its tenant and name (unique together in the store's `cursors` table).
public struct CursorKey: Hashable, Sendable, Codable {
    /// The consumer's tenant.
    public let tenant: String
    /// The consumer's name.
    public let name: String
    /// A key for the consumer `name` of `tenant`.
    public init(tenant: String, name: String) { self.tenant = tenant; self.name = name }
}

/// Identifies an outbox: a tenant's rows of one kind (one row of the store's `outbox_heads`).
public struct OutboxKey: Hashable, Sendable, Codable {
    /// The outbox's tenant.
    public let tenant: String
    /// The kind of the rows (the KV table they record).
    public let kind: String
    /// A key for the `kind` outbox of `tenant`.
    public init(tenant: String, kind: String) { self.tenant = tenant; self.kind = kind }
}

extension Snapshot.Cursor {
    /// This consumer's key.
    public var key: CursorKey { CursorKey(tenant: tenant, name: name) }
}

extension Snapshot.Outbox {
    /// This outbox's key.
    public var key: OutboxKey { OutboxKey(tenant: tenant, kind: kind) }
}
