import Foundation

/// faucet-state's bookmark store: JSON values by key, for one tenant. Keys: ASCII letters, digits and
/// `_ - : .`, at most 256, not starting with `.`. Writes go through `state_put` / `state_delete`.
public final class StateStore: Sendable {
    public let store: Store
    public let tenant: String
    /// When true, writes run inside a transaction that is rolled back: they are checked by the server but
    /// never persist.
    public let dryRun: Bool
    /// The key the health probe writes, reads and deletes.
    public static let probeKey = "_storeaccess:probe"

    public init(store: Store, tenant: String, dryRun: Bool = false) throws {
        self.store = store
        self.tenant = try Names.tenant(tenant)
        self.dryRun = dryRun
    }

    /// Validates a state key; throws `.invalidName`.
    public static func validateKey(_ key: String) throws {
        let u = Array(key.utf8)
        func ok(_ b: UInt8) -> Bool {
            (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b == 95 || b == 45 || b == 58 || b == 46
        }
        if u.isEmpty || u.count > 256 || u[0] == 46 || !u.allSatisfy(ok) {
            throw StoreError(
                .invalidName,
                "invalid state key \(Identifier.show(key)): ASCII letters, digits and _ - : . only, 1 to 256 characters, not starting with \".\"")
        }
    }

    /// The value for `key`, or nil.
    public func get(_ key: String) throws -> JSONText? {
        try Self.validateKey(key)
        return try store.pool.query(
            SQL("SELECT value FROM \(ident: store.schema.name).state WHERE tenant = \(tenant) AND key = \(key)").named("state.get")
        )
        .first?.decode(0, as: JSONText.self)
    }

    /// The value and its update time.
    public func getWithTime(_ key: String) throws -> (value: JSONText, updatedAt: Date)? {
        try Self.validateKey(key)
        guard
            let r = try store.pool.query(
                SQL("SELECT value, updated_at FROM \(ident: store.schema.name).state WHERE tenant = \(tenant) AND key = \(key)").named("state.get")
            ).first
        else { return nil }
        return (try r.decode(0), try r.decode(1))
    }

    /// Upserts `value` for `key`; returns the update time.
    @discardableResult
    public func put(_ key: String, _ value: JSONText) throws -> Date {
        try Self.validateKey(key)
        return try write(SQL("SELECT \(ident: store.schema.name).state_put(\(tenant), \(key), \(value))").named("state.put"))
            .first!.decode(0, as: Date.self)
    }

    /// Encodes and upserts a value.
    @discardableResult
    public func put<T: Encodable>(_ key: String, encoding value: T) throws -> Date { try put(key, try JSONText(encoding: value)) }

    /// Deletes `key`; a missing key is not an error. Returns whether it existed.
    @discardableResult
    public func delete(_ key: String) throws -> Bool {
        try Self.validateKey(key)
        return try write(SQL("SELECT \(ident: store.schema.name).state_delete(\(tenant), \(key))").named("state.delete"))
            .first!.decode(0, as: Bool.self)
    }

    /// Health probe: put, get and delete of a reserved key. Throws what failed.
    public func probe() throws {
        let marker = JSONText("{\"probe\":\"\(UUID().uuidString)\"}")
        try put(Self.probeKey, marker)
        if !dryRun {
            guard try get(Self.probeKey)?.text.contains(marker.text.dropFirst(10).prefix(36)) == true else {
                throw StoreError(.server, "state probe read back something else")
            }
        }
        try delete(Self.probeKey)
    }

    private func write(_ sql: SQL) throws -> QueryResult {
        guard dryRun else { return try store.pool.query(sql) }
        return try store.pool.withConnection { c in
            try c.query("BEGIN")
            defer { _ = try? c.query("ROLLBACK") }
            return try c.query(sql)
        }
    }
}

extension Store {
    /// The bookmark store of `tenant`.
    public func state(tenant: String, dryRun: Bool = false) throws -> StateStore {
        try StateStore(store: self, tenant: tenant, dryRun: dryRun)
    }
}
