import Foundation
import StoreMetrics
import Synchronization

/// Performs the effects the reducer returns. Refresh effects go to the refresh loop; database actions run off
/// the UI thread (`spawn`, a new thread by default) and post their results back as updates the loop applies
/// on its next tick.
public final class EffectRunner: @unchecked Sendable {
    /// A change to the UI state or the model, posted by an action when it finishes.
    public typealias Update = @Sendable (inout UIState, inout Model) -> Void

    let refresh: any RefreshControl
    let actions: (any ActionService)?
    let spawn: @Sendable (@escaping @Sendable () -> Void) -> Void
    private let lock = NSLock()
    private var updates: [Update] = []
    private let pruneCancel = Mutex<Bool>(false)
    /// The prune in flight, if any: the process waits for it (after its current batch) before it exits.
    private let pruneInFlight = DispatchGroup()

    /// A runner for `refresh` and `actions` (nil: no actions, e.g. a recording).
    public init(
        refresh: any RefreshControl, actions: (any ActionService)?,
        spawn: @escaping @Sendable (@escaping @Sendable () -> Void) -> Void = { body in Thread.detachNewThread(body) }
    ) {
        self.refresh = refresh
        self.actions = actions
        self.spawn = spawn
    }

    /// Updates posted since the last call.
    public func drain() -> [Update] {
        lock.lock()
        defer { lock.unlock() }
        let out = updates
        updates.removeAll()
        return out
    }

    func post(_ u: @escaping Update) {
        lock.lock()
        updates.append(u)
        lock.unlock()
    }

    func postDialog(_ d: Dialog) { post { s, _ in s.dialog = d } }

    /// Checks the role's privileges once, off the UI and refresh threads; a failure leaves them unknown.
    public func checkPermissions() {
        guard let actions else { return }
        spawn { [self] in
            if let p = try? actions.permissions() { post { _, m in m.permissions = p } }
        }
    }

    /// Performs one effect (`.quit` is the loop's own business).
    public func perform(_ e: Effect) {
        switch e {
        case .quit: break
        case .refreshNow: refresh.refreshNow()
        case .intervalChanged(let i): refresh.setInterval(i)
        case .pausedChanged(let on): refresh.setPaused(on)
        case .planPrune(let target, let choice): planPrune(target, choice)
        case .executePrune(let plan): executePrune(plan)
        case .cancelPrune: pruneCancel.withLock { $0 = true }
        case .signal(let pid, let terminate): signal(pid, terminate)
        case .seek: break  // the loop reads its archive itself
        case .proposeOp(let target, let op): proposeOp(target, op)
        case .executeOp(let p, let force): executeOp(p, force: force)
        case .inspect(let pid): inspect(pid)
        case .explain(let pid): explain(pid)
        }
    }

    func planPrune(_ target: PruneTarget, _ choice: PruneChoice) {
        guard let actions else { return }
        spawn { [self] in
            do {
                let plan = try actions.planPrune(target, choice: choice)
                post { s, _ in if case .planning = s.dialog { s.dialog = .pruneConfirm(plan: plan, yes: false) } }
            } catch {
                postDialog(.message(title: "Cannot plan the prune", text: Collector.shortError(error)))
            }
        }
    }

    /// Whether a prune is still running.
    public var pruneRunning: Bool { pruneInFlight.wait(timeout: .now()) == .timedOut }

    /// Before the process exits: asks a running prune to stop after its current batch (its audit row then says
    /// cancelled with what committed) and waits for it, at most `timeout`. Returns false when it is still running.
    @discardableResult
    public func stopActions(timeout: Duration = .seconds(30)) -> Bool {
        pruneCancel.withLock { $0 = true }
        let ms = Int(timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
        return pruneInFlight.wait(timeout: .now() + .milliseconds(ms)) == .success
    }

    func executePrune(_ plan: PruneProposal) {
        guard let actions else { return }
        pruneCancel.withLock { $0 = false }
        pruneInFlight.enter()
        spawn { [self] in
            defer { pruneInFlight.leave() }
            do {
                let r = try actions.executePrune(plan) { deleted, planned in
                    post { s, _ in
                        if case .pruneProgress(_, _, let c) = s.dialog {
                            s.dialog = .pruneProgress(deleted: deleted, planned: planned, cancelling: c)
                        }
                    }
                    return !pruneCancel.withLock { $0 }
                }
                let text =
                    "\(r.cancelled ? "Cancelled after" : "Deleted") \(r.deleted) rows of \(PruneTarget(store: plan.store, tenant: plan.tenant, kind: plan.kind).name) in \(r.batches) batches, \(String(format: "%.0f", r.milliseconds)) ms. Audit row \(r.auditID) in \(r.auditTable)."
                postDialog(.message(title: r.cancelled ? "Prune cancelled" : "Prune done", text: text))
            } catch {
                postDialog(.message(title: "Prune failed", text: Collector.shortError(error)))
            }
            refresh.refreshNow()
        }
    }

    func signal(_ pid: Int32, _ terminate: Bool) {
        guard let actions else { return }
        spawn { [self] in
            do {
                let ok = terminate ? try actions.terminateBackend(pid) : try actions.cancelBackend(pid)
                post { s, _ in s.status = ok ? "\(terminate ? "terminated" : "cancelled") backend \(pid)" : "backend \(pid) is gone" }
            } catch {
                postDialog(.message(title: terminate ? "Cannot terminate" : "Cannot cancel", text: Collector.shortError(error)))
            }
            refresh.refreshNow()
        }
    }
}
