import Foundation
import StoreAccess

/// Consumer operations (issue 21, docs/operations.md): move a consumer (rewind, skip, reset) after a preview, pause
/// and resume it, list, replay and discard its parked events, read the actions audit. Each wraps StoreAccess's
/// `ConsumerAdmin` on the store of `Actions`. What only reads (previews, lists, the audit) is allowed in read-only
/// mode, as a prune's plan is; what changes something refuses there (`.readOnly`) and without the privileges
/// (`.insufficientPrivilege`, saying which are missing), before any statement that writes.
extension Actions {
    /// StoreAccess's consumer operations on this store, for reads too (`consumerAdmin()` refuses in read-only mode;
    /// previews and lists change nothing, so they are allowed there, as a prune's plan is).
    func consumerReader() throws -> ConsumerAdmin { ConsumerAdmin(store: try openStore()) }

    /// Refuses a change to consumers in read-only mode, without the privileges, or before schema version 9.
    func mayOperateConsumers(_ what: String) throws {
        if readOnly { throw StoreError(.readOnly, "\(what) is disabled: storetop runs with --read-only") }
        if let why = try permissions().consumers { throw StoreError(.insufficientPrivilege, "cannot \(what): \(why)") }
    }

    /// What moving `consumer` would do: its position now and after, the exact events delivered again or skipped,
    /// the first and last of them, whether it runs and why executing would refuse now. Changes nothing.
    public func previewMove(_ consumer: ConsumerRef, _ move: ConsumerMove) throws -> MovePreview {
        try consumerReader().preview(consumer, move)
    }

    /// Moves the consumer as `preview` showed, in one transaction that refuses when its position moved since
    /// (`.conflict`) or while it runs unpaused without `force` (`.consumerBusy`); the audit row records `reason`.
    public func executeMove(_ preview: MovePreview, reason: String, force: Bool = false) throws -> ActionRecord {
        try mayOperateConsumers(preview.move.action)
        return try consumerReader().execute(preview, reason: reason, force: force)
    }

    /// Asks the consumer's loop to pause after its current handler (it keeps its lock and heartbeats "paused").
    public func pauseConsumer(_ consumer: ConsumerRef, reason: String) throws -> ActionRecord {
        try mayOperateConsumers("pause")
        return try consumerReader().pause(consumer, reason: reason)
    }

    /// Lets a paused consumer go on.
    public func resumeConsumer(_ consumer: ConsumerRef, reason: String) throws -> ActionRecord {
        try mayOperateConsumers("resume")
        return try consumerReader().resume(consumer, reason: reason)
    }

    /// Parked events, of one tenant and consumer when given (at most `limit`). Changes nothing.
    public func parkedEvents(tenant: String? = nil, consumer: String? = nil, limit: Int = 500) throws -> [ParkedEvent] {
        try consumerReader().parked(tenant: tenant, consumer: consumer, limit: limit)
    }

    /// What replaying or discarding the consumer's parked events at `positions` (nil: all) would touch. Changes
    /// nothing.
    public func previewParked(_ consumer: ConsumerRef, positions: [Int64]?) throws -> ParkedPreview {
        try consumerReader().previewParked(consumer, positions: positions)
    }

    /// Asks for the previewed parked events to be delivered again, to that consumer only (audited).
    public func replayParked(_ preview: ParkedPreview, reason: String) throws -> ActionRecord {
        try mayOperateConsumers("replay")
        return try consumerReader().replay(preview, reason: reason)
    }

    /// Deletes the previewed parked events (audited: the audit row keeps the record).
    public func discardParked(_ preview: ParkedPreview, reason: String) throws -> ActionRecord {
        try mayOperateConsumers("discard")
        return try consumerReader().discard(preview, reason: reason)
    }

    /// The newest rows of the actions audit (prunes, moves, pauses, replays, discards). Changes nothing.
    public func actionsAudit(limit: Int = 100) throws -> [ActionRecord] { try consumerReader().audit(limit: limit) }
}

extension Actions {
    /// The schema version whose migration brings consumer operations (actions audit, pause, parked events).
    public static let consumerOperationsVersion = 9

    /// Why `user` may not operate consumers in `schema` at `version` (nil: it may).
    static func consumersRefusal(user: String, schema: Identifier, version: Int?, allowed: Bool?) -> String? {
        if let version, version < consumerOperationsVersion {
            return "schema version \(version) has no consumer operations; migrate to \(consumerOperationsVersion)"
        }
        guard allowed != true else { return nil }
        return "role \(user) lacks UPDATE on \(schema).cursors, INSERT on actions_audit (and USAGE on its sequence) or UPDATE/DELETE on parked "
            + "(operating consumers needs the store owner's role)"
    }

    /// The permissions of a store this storetop cannot open because its schema is older than the library's: every
    /// action that needs the store says so, consumer operations name the version that brings them. Nil when the
    /// schema is missing altogether (the caller rethrows).
    func olderSchemaPermissions(_ error: StoreError) throws -> Permissions? {
        let c = try Connection(try ConnectionString(dsn))
        defer { c.close() }
        guard let version = try schema.installedVersion(on: c), version < StoreSchema.currentVersion else { return nil }
        var p = Permissions(prune: error.message, signal: nil)
        p.consumers =
            version < Self.consumerOperationsVersion
            ? Self.consumersRefusal(user: "", schema: schema.name, version: version, allowed: nil) : error.message
        if readOnly { (p.prune, p.signal, p.consumers) = ("read-only mode", "read-only mode", "read-only mode") }
        return p
    }
}
