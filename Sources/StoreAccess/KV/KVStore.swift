import Foundation

/// Turns values into bytes and back. `JSONCodec` is built in; `RawCodec` passes bytes through.
public protocol KVCodec<Value>: Sendable {
    associatedtype Value
    func encode(_ value: Value) throws -> [UInt8]
    func decode(_ bytes: [UInt8]) throws -> Value
}

/// JSON with sorted keys, so equal values give equal bytes (and an unchanged set writes nothing).
public struct JSONCodec<Value: Codable>: KVCodec {
    public init() {}
    public func encode(_ value: Value) throws -> [UInt8] {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return [UInt8](try e.encode(value))
    }
    public func decode(_ bytes: [UInt8]) throws -> Value {
        do { return try JSONDecoder().decode(Value.self, from: Data(bytes)) } catch {
            throw StoreError(.decoding, "value does not decode as \(Value.self): \(error)")
        }
    }
}

/// Bytes as they are.
public struct RawCodec: KVCodec {
    public init() {}
    public func encode(_ value: [UInt8]) -> [UInt8] { value }
    public func decode(_ bytes: [UInt8]) -> [UInt8] { bytes }
}

/// What `set` did.
public enum SetResult: String, Sendable, Equatable {
    case created, updated, unchanged
}

/// One stored entry.
public struct KVEntry<Value>: @unchecked Sendable {
    public let key: String
    public let value: Value
    public let version: Int64
    public let updatedAt: Date
}

/// zestor's store: versioned values by (tenant, kind, key). Every change writes an outbox row (create, update,
/// delete) in the same transaction and notifies watchers; an unchanged value writes nothing.
public final class KVStore<Codec: KVCodec>: @unchecked Sendable {
    public let store: Store
    public let tenant: String
    public let codec: Codec
    var schema: Identifier { store.schema.name }

    public init(store: Store, tenant: String, codec: Codec) throws {
        self.store = store
        self.tenant = try Names.tenant(tenant)
        self.codec = codec
    }

    /// The start of every call: a call from a cancelled task fails with `.cancelled` and sends nothing (zestor
    /// passes a context to every call; a Swift caller's context is its task). Then the kind is validated.
    func begin(_ kind: String) throws {
        if Task.isCancelled { throw StoreError(.cancelled, "the calling task was cancelled: nothing was sent") }
        _ = try Names.kind(kind)
    }

    /// Validates a key: the stores' name rule, at most 512 bytes.
    public static func validateKey(_ key: String) throws { _ = try Names.check(key, what: "key", max: 512) }

    /// The largest value StoreAccess sends: 256 MiB. A value is sent hex-encoded (twice its size) and written
    /// twice in one transaction (the value and its outbox row), well inside PostgreSQL's 1 GB message and field limits.
    public static var maxValueBytes: Int { 256 << 20 }

    /// The value encoded by the codec, refused (before anything is sent) when over `maxValueBytes`.
    func encoded(_ value: Codec.Value, key: String) throws -> ByteA {
        let bytes = try codec.encode(value)
        guard bytes.count <= Self.maxValueBytes else {
            throw StoreError(.invalidArgument, "value of \(key) is \(bytes.count) bytes; the limit is \(Self.maxValueBytes) bytes (256 MiB)")
        }
        return ByteA(bytes)
    }

    /// Sets `key` in `kind`. Returns created / updated / unchanged.
    @discardableResult
    public func set(_ kind: String, _ key: String, _ value: Codec.Value) throws -> SetResult {
        try begin(kind)
        try Self.validateKey(key)
        let bytes = try encoded(value, key: key)
        let r = try store.pool.query(SQL("SELECT result FROM \(ident: schema).kv_set(\(tenant), \(kind), \(key), \(bytes))").named("kv.set"))
        return SetResult(rawValue: try r.first!.decode(0)) ?? .updated
    }

    /// Sets several keys in one transaction, in key order (so concurrent `setMany` calls cannot deadlock).
    @discardableResult
    public func setMany(_ kind: String, _ values: [String: Codec.Value]) throws -> [String: SetResult] {
        try begin(kind)
        for k in values.keys { try Self.validateKey(k) }
        let encoded = try values.keys.sorted().map { ($0, try self.encoded(values[$0]!, key: $0)) }
        return try store.pool.transaction { c in
            var out: [String: SetResult] = [:]
            for (k, v) in encoded {
                let r = try c.query(SQL("SELECT result FROM \(ident: schema).kv_set(\(tenant), \(kind), \(k), \(v))").named("kv.set_many"))
                out[k] = SetResult(rawValue: try r.first!.decode(0)) ?? .updated
            }
            return out
        }
    }

    /// Locked read-modify-write of an existing key: `transform` gets the current value (the row is locked
    /// until commit) and returns the new one. A missing key is `.notFound`.
    @discardableResult
    public func update(_ kind: String, _ key: String, _ transform: (Codec.Value) throws -> Codec.Value) throws -> SetResult {
        try begin(kind)
        try Self.validateKey(key)
        return try store.pool.transaction { c in
            guard
                let row = try c.query(
                    SQL("SELECT value FROM \(ident: schema).kv WHERE tenant = \(tenant) AND kind = \(kind) AND key = \(key) FOR UPDATE").named(
                        "kv.update_lock")
                ).first
            else {
                throw StoreError(.notFound, "no key \(key) in kind \(kind) of tenant \(tenant)")
            }
            let current = try codec.decode(try row.decode(0, as: ByteA.self).bytes)
            let next = try encoded(try transform(current), key: key)
            let r = try c.query(SQL("SELECT result FROM \(ident: schema).kv_set(\(tenant), \(kind), \(key), \(next))").named("kv.update"))
            return SetResult(rawValue: try r.first!.decode(0)) ?? .updated
        }
    }

    /// Deletes `key`; returns the previous value (nil when it did not exist; then nothing is emitted).
    @discardableResult
    public func delete(_ kind: String, _ key: String) throws -> Codec.Value? {
        try begin(kind)
        try Self.validateKey(key)
        guard
            let r = try store.pool.query(SQL("SELECT previous FROM \(ident: schema).kv_delete(\(tenant), \(kind), \(key))").named("kv.delete")).first
        else { return nil }
        return try codec.decode(try r.decode(0, as: ByteA.self).bytes)
    }

    /// The entry for `key`, or nil.
    public func get(_ kind: String, _ key: String) throws -> KVEntry<Codec.Value>? {
        try begin(kind)
        try Self.validateKey(key)
        return try store.pool.query(
            SQL("SELECT key, value, version, updated_at FROM \(ident: schema).kv WHERE tenant = \(tenant) AND kind = \(kind) AND key = \(key)").named(
                "kv.get")
        )
        .rows.map(entry).first
    }

    /// Entries of `kind` whose key starts with `prefix`, in key order.
    public func list(_ kind: String, prefix: String = "", limit: Int = 10_000) throws -> [KVEntry<Codec.Value>] {
        try begin(kind)
        try EventStore.checkLimit(limit)
        return try store.pool.query(
            SQL(
                """
                SELECT key, value, version, updated_at FROM \(ident: schema).kv WHERE tenant = \(tenant) AND kind = \(kind) \
                AND key >= \(prefix) AND left(key, \(prefix.count)) = \(prefix) ORDER BY key LIMIT \(limit)
                """
            ).named("kv.list")
        ).rows.map(entry)
    }

    /// Keys of `kind`, in order.
    public func keys(_ kind: String, prefix: String = "") throws -> [String] {
        try begin(kind)
        return try store.pool.query(
            SQL(
                "SELECT key FROM \(ident: schema).kv WHERE tenant = \(tenant) AND kind = \(kind) AND left(key, \(prefix.count)) = \(prefix) ORDER BY key"
            ).named("kv.keys")
        )
        .rows.map { try $0.decode(0) }
    }

    /// Number of keys in `kind`.
    public func count(_ kind: String) throws -> Int {
        try begin(kind)
        return try store.pool.query(SQL("SELECT count(*) FROM \(ident: schema).kv WHERE tenant = \(tenant) AND kind = \(kind)").named("kv.count"))
            .first!.decode(0)
    }

    /// Every entry of every kind of this tenant: kind → key → value.
    public func dump() throws -> [String: [String: Codec.Value]] {
        var out: [String: [String: Codec.Value]] = [:]
        for r in try store.pool.query(
            SQL("SELECT kind, key, value FROM \(ident: schema).kv WHERE tenant = \(tenant) ORDER BY kind, key").named("kv.dump")
        ).rows {
            out[try r.decode(0), default: [:]][try r.decode(1)] = try codec.decode(try r.decode(2, as: ByteA.self).bytes)
        }
        return out
    }

    private func entry(_ r: Row) throws -> KVEntry<Codec.Value> {
        KVEntry(
            key: try r.decode(0), value: try codec.decode(try r.decode(1, as: ByteA.self).bytes),
            version: try r.decode(2), updatedAt: try r.decode(3))
    }
}

extension Store {
    /// The key-value store of `tenant` with `codec`.
    public func kv<C: KVCodec>(tenant: String, codec: C) throws -> KVStore<C> {
        try KVStore(store: self, tenant: tenant, codec: codec)
    }
}
