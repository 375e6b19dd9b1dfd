import Foundation
import StoreAccess
import StoreMetrics
import StoreTopUI

/// The dashboard's actions over `StoreMetrics.Actions`: turns the UI's prune choice into a StoreAccess
/// `PruneMode`, and a `PrunePlan` into the proposal the confirm dialog shows (the plan rides along as payload).
struct LiveActions: ActionService {
    let actions: Actions
    /// Where a zestor prune keeps its audit (`--audit-schema`); nil: zestor prunes are refused, saying so.
    var auditSchema: String? = nil
    /// Backend detail and EXPLAIN (its connection opens on first use).
    var inspector: BackendInspector? = nil

    func permissions() throws -> Actions.Permissions { try actions.permissions() }

    func planPrune(tenant: String, kind: String, choice: PruneChoice) throws -> PruneProposal {
        let mode: PruneMode = choice.forcedOlderThanSeconds.map { .forced(olderThan: .seconds($0)) } ?? .safe(retention: nil)
        let p = try actions.planPrune(tenant: tenant, kind: kind, mode: mode)
        func watchers(_ w: [WatcherPosition]) -> [PruneProposal.Watcher] { w.map { .init(name: $0.name, position: $0.position) } }
        return PruneProposal(
            tenant: p.tenant, kind: p.kind, modeName: p.mode.name, olderThan: p.olderThan, rows: p.rows, totalRows: p.totalRows,
            firstID: p.firstID, lastID: p.lastID, watchers: watchers(p.watchers), missedWatchers: watchers(p.missedWatchers), payload: p)
    }

    func executePrune(_ proposal: PruneProposal, progress: (Int, Int) -> Bool) throws -> PruneOutcome {
        if let zestor = proposal.payload as? ZestorPrunePlan { return try executeZestor(zestor, progress: progress) }
        guard let plan = proposal.payload as? PrunePlan else { throw StoreError(.invalidArgument, "the prune was not planned by this dashboard") }
        // a quit signal stops the prune after its current batch; the audit row says cancelled
        let r = try actions.executePrune(plan) { quitSignal.load(ordering: .relaxed) == 0 && progress($0.deleted, $0.planned) }
        return PruneOutcome(
            deleted: r.deleted, batches: r.batches, milliseconds: r.duration.seconds * 1000, cancelled: r.cancelled, auditID: r.auditID)
    }

    func inspectBackend(_ pid: Int32) throws -> BackendDetail? {
        guard let inspector else { throw StoreError(.invalidArgument, "backend detail is not available here") }
        return try inspector.detail(pid: pid)
    }

    func explainBackend(_ pid: Int32) throws -> ExplainOutcome {
        guard let inspector else { return .refused("EXPLAIN is not available here") }
        return try inspector.explain(pid: pid)
    }

    func cancelBackend(_ pid: Int32) throws -> Bool { try actions.cancelBackend(pid) }
    func terminateBackend(_ pid: Int32) throws -> Bool { try actions.terminateBackend(pid) }
}

extension LiveActions {
    /// A zestor outbox (`zestor:<schema>`), by age only, audited in `auditSchema`; the plan's refusal (a listener
    /// idle longer than the age, a missing privilege) rides along for the dialog to show.
    func planPrune(_ target: PruneTarget, choice: PruneChoice) throws -> PruneProposal {
        guard let store = target.store else { return try planPrune(tenant: target.tenant, kind: target.kind, choice: choice) }
        guard store.hasPrefix("zestor:") else { throw StoreError(.invalidArgument, "storetop prunes no outbox of \(store)") }
        guard let auditSchema else {
            throw StoreError(
                .invalidArgument,
                "a zestor prune keeps its audit in a schema you name: start storetop with --audit-schema NAME (docs/pruning.md)")
        }
        guard let age = choice.forcedOlderThanSeconds else { throw StoreError(.invalidArgument, "zestor outboxes are pruned by age only") }
        let p = try actions.planZestorPrune(
            schema: String(store.dropFirst("zestor:".count)), tenant: target.tenant, kind: target.kind, olderThan: .seconds(age),
            auditSchema: auditSchema)
        var proposal = PruneProposal(
            tenant: p.tenant, kind: p.kind, modeName: "by age", olderThan: p.cutoff, rows: p.rows, totalRows: p.totalRows, firstID: p.firstID,
            lastID: p.lastID, watchers: [], missedWatchers: [], payload: p)
        (proposal.store, proposal.refusal) = (store, p.refusal)
        let listeners = p.listeners.map { "pid \($0.pid) \($0.application) \($0.state) \(Format.duration($0.idleSeconds))" }
        proposal.notes = ["Listeners: " + (listeners.isEmpty ? "none" : listeners.joined(separator: ", "))]
        if p.hiddenSessions > 0 { proposal.notes.append("\(p.hiddenSessions) sessions of other roles not checked (grant pg_monitor)") }
        proposal.notes.append("Audit: \(p.auditTable)")
        return proposal
    }

    func executeZestor(_ plan: ZestorPrunePlan, progress: (Int, Int) -> Bool) throws -> PruneOutcome {
        let r = try actions.executeZestorPrune(plan) { quitSignal.load(ordering: .relaxed) == 0 && progress($0.deleted, $0.planned) }
        var o = PruneOutcome(
            deleted: r.deleted, batches: r.batches, milliseconds: r.duration.seconds * 1000, cancelled: r.cancelled, auditID: r.auditID)
        o.auditTable = r.auditTable
        return o
    }
}
