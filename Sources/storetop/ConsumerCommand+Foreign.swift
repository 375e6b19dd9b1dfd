import ArgumentParser
import Foundation
import SafeText
import StoreAccess
import StoreMetrics

/// `--store KIND:SCHEMA` on rewind, skip and reset: a consumer of another library's store (docs/operations.md,
/// "Foreign consumers"): factstr's durable cursors and eventcore 2's subscription versions. Same preview, confirm and
/// one-transaction move that refuses when the cursor moved since the preview; the audit goes to
/// `<--audit-schema>.storetop_foreign_actions_audit` (never into the library's own schema).
struct ForeignMoveOptions: ParsableArguments {
    @Option(help: "A consumer of another library's store: factstr:SCHEMA or eventcore:SCHEMA (name it by its cursor name).")
    var store: String?
    @Option(help: "With --store: the schema of storetop's own audit table for foreign actions.") var auditSchema: String?

    /// The foreign consumer, or nil for StoreAccess's own.
    func ref(_ name: String, tenant: String?) throws -> ForeignConsumerRef? {
        guard let store else { return nil }
        guard tenant == nil else { throw ValidationError("--tenant is for StoreAccess's consumers; \(store)'s have none") }
        let parts = store.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, let kind = Snapshot.ForeignStore.Kind(rawValue: parts[0]), [.factstr, .eventcore].contains(kind) else {
            throw ValidationError("--store takes factstr:SCHEMA or eventcore:SCHEMA (got \(store)): only their cursors can be moved")
        }
        guard auditSchema != nil else { throw ValidationError("--store needs --audit-schema NAME: the schema of storetop's audit table") }
        return ForeignConsumerRef(kind: kind, schema: parts[1], name: name)
    }
}

extension ConsumerMoveCommand {
    /// Moves a foreign consumer: preview, refusals, confirm, execute, its audit row.
    func runForeign(_ actions: Actions, _ ref: ForeignConsumerRef, _ move: ConsumerMove, auditSchema: String) throws {
        let p = try actions.previewForeignMove(ref, move)
        print(ConsumerText.foreign(p))
        if options.readOnly { throw StoreError(.readOnly, "\(move.action) is disabled: storetop runs with --read-only") }
        if let why = p.missingPrivileges { throw StoreError(.insufficientPrivilege, "\(move.action) refused: \(why)") }
        if let why = p.refusal { throw StoreError(.consumerBusy, "\(move.action) refused: \(why)") }
        if let why = p.forceRequired, !force { throw StoreError(.consumerBusy, "\(move.action) refused without --force: \(why)") }
        if p.from == p.to { return print("nothing to move: the position stays \(p.from)") }
        guard try options.confirmed(move.action, preview: ConsumerText.foreign(p)) else { return print("cancelled") }
        let r = try actions.executeForeignMove(p, reason: options.reason, force: force, auditSchema: auditSchema)
        let c = "\(ref.kind.rawValue):\(Self.safe(ref.schema)) \(Self.safe(ref.name))"
        print("\(move.action) \(c): done, position \(p.from) → \(p.to), \(p.events) events; audit id \(r.auditID) in \(Self.safe(r.auditTable))")
    }

    static func safe(_ s: String) -> String { DisplayText.sanitize(s) }
}

extension ConsumerText {
    /// A foreign move's preview, worded as StoreAccess's: positions, its own events, first and last, refusals.
    static func foreign(_ p: ForeignMovePreview) -> String {
        let c = "\(p.consumer.kind.rawValue):\(safe(p.consumer.schema)) \(safe(p.consumer.name))"
        var lines = ["\(p.move.action) \(c): position \(p.from) → \(p.to) (head \(p.head))"]
        lines.append("events of its own \(p.redeliver ? "delivered again" : "skipped (never delivered to it)"): \(p.events)")
        if let f = p.first { lines.append("first: \(safe(f.position)) \(safe(f.type)) at \(time(f.recordedAt))") }
        if let l = p.last, l != p.first { lines.append("last:  \(safe(l.position)) \(safe(l.type)) at \(time(l.recordedAt))") }
        if let why = p.forceRequired { lines.append("needs --force: \(safe(why))") }
        if let why = p.refusal { lines.append("REFUSED: \(safe(why))") }
        if let why = p.missingPrivileges { lines.append("REFUSED: \(safe(why))") }
        return lines.joined(separator: "\n")
    }
}
