import Foundation

/// Command-state snapshots of one tenant (eventcore 2): a state a command built from some streams, saved with the
/// version of each stream it saw, so the next command loads it and replays only what came after. Writes go through
/// `snapshot_save` / `snapshot_delete`; a load (`snapshot_load`) also says which of those streams moved since.
public final class SnapshotStore: Sendable {
    public let store: Store
    public let tenant: String

    public init(store: Store, tenant: String) throws {
        self.store = store
        self.tenant = try Names.tenant(tenant)
    }

    /// Saves `state`, built from the streams in `versions` at those versions. A save never regresses: it changes
    /// nothing and returns false when the stored snapshot saw a later version of one of its streams, or a stream
    /// the new one does not name (eventcore: a stale snapshot must not overwrite a newer one). Throws
    /// `.invalidName` for a bad name or stream, `.invalidArgument` for a negative version.
    @discardableResult
    public func save(_ name: String, state: JSONText, versions: [String: Int64]) throws -> Bool {
        _ = try Names.snapshot(name)
        for (stream, version) in versions {
            _ = try Names.stream(stream)
            guard version >= 0 else { throw StoreError(.invalidArgument, "the version of stream \(Identifier.show(stream)) must be ≥ 0") }
        }
        let json = JSONText("{" + versions.sorted { $0.key < $1.key }.map { jsonString($0.key) + ":\($0.value)" }.joined(separator: ",") + "}")
        let sql = SQL("SELECT \(ident: store.schema.name).snapshot_save(\(tenant), \(name), \(state), \(json))").named("snapshots.save")
        return try store.pool.query(sql).first!.decode(0, as: Bool.self)
    }

    /// The snapshot called `name`, with the streams that moved since it was built; nil when there is none.
    public func load(_ name: String) throws -> CommandSnapshot? {
        _ = try Names.snapshot(name)
        let sql = SQL("SELECT state, versions, saved_at, moved FROM \(ident: store.schema.name).snapshot_load(\(tenant), \(name))")
        guard let r = try store.pool.query(sql.named("snapshots.load")).first else { return nil }
        return CommandSnapshot(
            name: name, state: try r.decode(0), versions: try Self.versions(try r.decode(1)), savedAt: try r.decode(2),
            moved: try Self.versions(try r.decode(3)))
    }

    /// Deletes the snapshot; true when there was one.
    @discardableResult
    public func delete(_ name: String) throws -> Bool {
        _ = try Names.snapshot(name)
        let sql = SQL("SELECT \(ident: store.schema.name).snapshot_delete(\(tenant), \(name))").named("snapshots.delete")
        return try store.pool.query(sql).first!.decode(0, as: Bool.self)
    }

    static func versions(_ json: JSONText) throws -> [String: Int64] {
        do { return try json.decode([String: Int64].self) } catch {
            throw StoreError(.decoding, "stream versions of a snapshot are not {\"stream\": version}: \(json.text.prefix(80))")
        }
    }
}

/// A command-state snapshot as loaded.
public struct CommandSnapshot: Sendable, Equatable {
    public let name: String
    public let state: JSONText
    /// The version of each stream the state was built from.
    public let versions: [String: Int64]
    public let savedAt: Date
    /// The streams of `versions` whose version is not the one the state saw: their versions now (0: no events).
    public let moved: [String: Int64]
    /// True when no stream the state was built from has moved: it is the state now.
    public var isCurrent: Bool { moved.isEmpty }
}

extension Store {
    /// The command-state snapshots of `tenant`.
    public func snapshots(tenant: String) throws -> SnapshotStore { try SnapshotStore(store: self, tenant: tenant) }
}
