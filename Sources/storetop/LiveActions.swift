import Foundation
import StoreAccess
import StoreMetrics
import StoreTopUI

/// The dashboard's actions over `StoreMetrics.Actions`: turns the UI's prune choice into a StoreAccess
/// `PruneMode`, and a `PrunePlan` into the proposal the confirm dialog shows (the plan rides along as payload).
struct LiveActions: ActionService {
    let actions: Actions

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
        guard let plan = proposal.payload as? PrunePlan else { throw StoreError(.invalidArgument, "the prune was not planned by this dashboard") }
        // a quit signal stops the prune after its current batch; the audit row says cancelled
        let r = try actions.executePrune(plan) { quitSignal.load(ordering: .relaxed) == 0 && progress($0.deleted, $0.planned) }
        return PruneOutcome(
            deleted: r.deleted, batches: r.batches, milliseconds: r.duration.seconds * 1000, cancelled: r.cancelled, auditID: r.auditID)
    }

    func cancelBackend(_ pid: Int32) throws -> Bool { try actions.cancelBackend(pid) }
    func terminateBackend(_ pid: Int32) throws -> Bool { try actions.terminateBackend(pid) }
}
