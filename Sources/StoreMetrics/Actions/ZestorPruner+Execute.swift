import Foundation
import StoreAccess

extension ZestorPruner {
    /// What an executing prune has committed so far.
    struct Run {
        let auditID: Int64
        /// Batches scan the index from after this id (the last one deleted, or just before the plan's first).
        var after: Int64
        var deleted = 0, batches = 0, lockTimeouts = 0
        var first: Int64?, last: Int64?
    }

    /// Deletes what `plan` covers in batches of `batchSize` (one transaction each, under `lockTimeout`), calling
    /// `progress` after every batch (false stops after it). Checks the privileges and the listeners again first (time
    /// has passed since the plan), creates the audit table when missing, writes the `running` row, and closes it
    /// `done`, `cancelled` or `failed` (an error is rethrown after that). Whatever stops the process, the row counts
    /// exactly what committed: a crash between batches leaves it `running` with those counts.
    func execute(
        _ c: Connection, _ plan: ZestorPrunePlan, batchSize: Int, lockTimeout: Duration, progress: (PruneProgress) -> Bool
    ) throws -> ZestorPruneReport {
        guard batchSize >= 1 && batchSize <= 100_000 else { throw StoreError(.invalidArgument, "batch size must be 1…100000") }
        guard plan.schema == schema.name, plan.nsID == nsID, plan.kind == kind, plan.auditSchema == audit.name else {
            throw StoreError(.invalidArgument, "the plan is of another outbox")
        }
        let checked = try privileges(c)
        if let why = checked.missing { throw StoreError(.insufficientPrivilege, "cannot prune: \(why)") }
        let (listeners, _) = try self.listeners(c)
        if let why = ZestorPrunePlan.refusal(ZestorPrunePlan.blocking(listeners, olderThan: plan.olderThan), olderThan: plan.olderThan) {
            throw StoreError(.conflict, "prune refused: \(why)")
        }
        if !checked.auditTable { try createAudit(c) }
        let t0 = ContinuousClock.now
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase  // as the audit's SQL readers spell columns
        let json = String(decoding: try encoder.encode(listeners), as: UTF8.self)
        let id: Int64 = try c.query(ZestorPruneStatements.begin(audit, plan, listeners: json)).first!.decode("id")
        var run = Run(auditID: id, after: (plan.firstID ?? 1) - 1)
        let cancelled: Bool
        do {
            cancelled = try runBatches(c, plan, &run, batchSize: batchSize, lockTimeout: lockTimeout, progress: progress)
        } catch {
            let message = (error as? StoreError)?.description ?? String(describing: error)
            _ = try? c.query(ZestorPruneStatements.end(audit, auditID: id, status: "failed", error: message))
            throw error
        }
        try c.query(ZestorPruneStatements.end(audit, auditID: id, status: cancelled ? "cancelled" : "done", error: nil))
        return ZestorPruneReport(
            plan: plan, deleted: run.deleted, batches: run.batches, firstID: run.first, lastID: run.last, duration: t0.duration(to: .now),
            cancelled: cancelled, lockTimeouts: run.lockTimeouts, auditID: id)
    }

    /// Creates the audit table; a prune that created it at the same moment is not an error.
    func createAudit(_ c: Connection) throws {
        do { try c.query(ZestorPruneStatements.createAudit(audit)) } catch let e as StoreError where e.has(.uniqueViolation) {}
    }

    /// Runs batches until one deletes nothing (false) or `progress` stops (true). A lock timeout retries the batch.
    private func runBatches(
        _ c: Connection, _ plan: ZestorPrunePlan, _ run: inout Run, batchSize: Int, lockTimeout: Duration,
        progress: (PruneProgress) -> Bool
    ) throws -> Bool {
        guard plan.lastID != nil else { return false }
        while true {
            let row: Row
            do {
                row = try c.transaction { c in
                    try c.query(ZestorPruneStatements.lockTimeout(lockTimeout))
                    let batch = ZestorPruneStatements.batch(schema, audit, plan, auditID: run.auditID, after: run.after, limit: batchSize)
                    guard let r = try c.query(batch).first else {
                        throw StoreError(
                            .notFound, "audit row \(run.auditID) of \(audit).\(ZestorPruneStatements.auditTable) is gone: the batch was rolled back")
                    }
                    return r
                }
            } catch let e as StoreError where e.has(.lockNotAvailable) {
                run.lockTimeouts += 1
                if run.lockTimeouts > 50 { throw e }
                Thread.sleep(forTimeInterval: 0.05)
                continue
            }
            let n: Int = try row.decode("deleted")
            if n == 0 { return false }
            run.batches += 1
            run.deleted += n
            if run.first == nil { run.first = try row.decodeOptional("first_id") }
            run.last = try row.decodeOptional("last_id")
            run.after = run.last ?? run.after
            if !progress(PruneProgress(deleted: run.deleted, planned: plan.rows, batches: run.batches, lastID: run.last)) { return true }
        }
    }
}
