import ArgumentParser
import Foundation
import StoreAccess
import StoreMetrics

/// `storetop prune --store zestor:SCHEMA --tenant NS --kind K --older-than 7d --audit-schema NAME [--dry-run] [--yes]
/// [--batch N]`: the age-based prune of a zestor outbox, with the same confirmation, batches, signals and exit
/// statuses as StoreAccess's prune, audited in storetop's table in the schema the DBA names.
extension PruneCommand {
    /// Plans, shows the plan (and what would refuse it), confirms and executes.
    func runZestor(_ dsn: String, schema: String) throws {
        let age = try Self.parseDuration(olderThan ?? "")
        try reportingErrors {
            let actions = try Actions(dsn: dsn, readOnly: readOnly || dryRun)
            defer { actions.close() }
            let plan = try actions.planZestorPrune(
                schema: schema, tenant: tenant ?? "", kind: kind ?? "", olderThan: age, auditSchema: auditSchema ?? "")
            print(Self.describe(plan))
            if dryRun { print("dry run: nothing deleted"); return }
            if plan.rows == 0 { print("nothing to delete"); return }
            if readOnly { throw StoreError(.readOnly, "pruning is disabled: storetop runs with --read-only") }
            if let why = plan.missingPrivileges { throw StoreError(.insufficientPrivilege, "cannot prune: \(why)") }
            if let why = plan.refusal { throw StoreError(.conflict, "prune refused: \(why)") }
            guard try confirmed(plan.rows) else { print("cancelled"); return }
            try Self.interruptible { step in
                let r = try actions.executeZestorPrune(plan, batchSize: batch) { step($0.fraction, $0.deleted, $0.planned, $0.batches) }
                return Outcome(
                    deleted: r.deleted, batches: r.batches, firstID: r.firstID, lastID: r.lastID, duration: r.duration,
                    cancelled: r.cancelled, audit: "audit id \(r.auditID) in \(r.auditTable)")
            }
        }
    }

    /// The plan in a few lines: what would go, the outbox, its listeners, and what would refuse the prune.
    static func describe(_ p: ZestorPrunePlan) -> String {
        var s = "prune zestor:\(p.schema) ns \(p.tenant)/\(p.kind) older than \(Format.duration(p.olderThan.seconds)): "
        s += "\(p.rows) of \(p.totalRows) rows"
        if let f = p.firstID, let l = p.lastID { s += " (ids \(f)…\(l))" }
        s += ", written before \(ISO8601DateFormatter().string(from: p.cutoff))"
        if let age = p.oldestAgeSeconds { s += "; oldest row \(Format.duration(age)) old" }
        s += "\nlisteners (LISTEN zestor_events): "
        s +=
            p.listeners.isEmpty
            ? "none"
            : p.listeners.map { "pid \($0.pid) \($0.application.isEmpty ? "-" : $0.application) \($0.state) \(Format.duration($0.idleSeconds))" }
                .joined(separator: ", ")
        if p.hiddenSessions > 0 {
            s += "\nWARNING: \(p.hiddenSessions) sessions of other roles hide their statements from this role (grant pg_monitor): "
            s += "listeners among them could not be checked"
        }
        s += "\naudit: \(p.auditSchema).storetop_foreign_prune_audit"
        if let why = p.refusal { s += "\nREFUSED: \(why)" }
        return s
    }
}
