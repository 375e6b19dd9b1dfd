import Foundation

extension KVStore {
    /// Entries of `kind` whose value, read as JSON, contains `document` (jsonb `@>`, zestor's list predicates):
    /// every key of an object document is in the value with a containing value, every element of an array
    /// document is in the value's array, a scalar equals. `{"status": "open"}` lists the values whose `status` is
    /// `"open"`; `{"tags": ["a"]}` those whose `tags` include `"a"`. In key order, at most `limit`, keys starting
    /// with `prefix`. A value that is not UTF-8 JSON (another codec) never matches. `document` must be JSON
    /// (`.invalidArgument` otherwise, before anything is sent).
    ///
    /// Cost: the KV value is bytea (the codec's bytes), not jsonb, so this is not index-backed as shipped: it
    /// reads every row of the tenant's kind (a primary-key range) and parses each value as JSON
    /// (`kv_value_jsonb`), O(rows of the kind) per call. An operator can make it index-backed with the
    /// expression index docs/sql.md shows, at the price of a JSON parse and a GIN update on every write of
    /// the kv table.
    public func list(_ kind: String, containing document: JSONText, prefix: String = "", limit: Int = 10_000) throws
        -> [KVEntry<Codec.Value>]
    {
        try begin(kind)
        try EventStore.checkLimit(limit)
        try Self.checkDocument(document)
        return try store.pool.query(
            SQL(
                """
                SELECT key, value, version, updated_at FROM \(ident: schema).kv WHERE tenant = \(tenant) AND kind = \(kind) \
                AND left(key, \(prefix.unicodeScalars.count)) = \(prefix) AND \(ident: schema).kv_value_jsonb(value) @> \(document)::jsonb \
                ORDER BY key LIMIT \(limit)
                """
            ).named("kv.list_containing")
        ).rows.map { r in
            KVEntry(
                key: try r.decode(0), value: try codec.decode(try r.decode(1, as: ByteA.self).bytes),
                version: try r.decode(2), updatedAt: try r.decode(3))
        }
    }

    /// Entries of `kind` whose value contains `document` encoded as JSON (sorted keys), e.g. a partial value or a
    /// dictionary: `list("orders", containing: ["status": "open"])`. See `list(_:containing:prefix:limit:)`.
    public func list<D: Encodable>(
        _ kind: String, containingEncoded document: D, prefix: String = "",
        limit: Int = 10_000
    ) throws -> [KVEntry<Codec.Value>] {
        try list(kind, containing: try JSONText(encoding: document), prefix: prefix, limit: limit)
    }

    /// Keys of `kind` whose value contains `document`, in order. See `list(_:containing:prefix:limit:)`.
    public func keys(_ kind: String, containing document: JSONText, prefix: String = "") throws -> [String] {
        try begin(kind)
        try Self.checkDocument(document)
        return try store.pool.query(
            SQL(
                """
                SELECT key FROM \(ident: schema).kv WHERE tenant = \(tenant) AND kind = \(kind) \
                AND left(key, \(prefix.unicodeScalars.count)) = \(prefix) AND \(ident: schema).kv_value_jsonb(value) @> \(document)::jsonb ORDER BY key
                """
            ).named("kv.keys_containing")
        ).rows.map { try $0.decode(0) }
    }

    /// `.invalidArgument` unless `document` is JSON.
    static func checkDocument(_ document: JSONText) throws {
        guard (try? JSONSerialization.jsonObject(with: Data(document.text.utf8), options: [.fragmentsAllowed])) != nil else {
            throw StoreError(.invalidArgument, "the document to match is not JSON: \(Identifier.show(document.text))")
        }
    }
}
