import Foundation

/// How to choose outbox rows to delete.
public enum PruneMode: Sendable, Equatable {
    /// Only rows every registered durable watcher of the tenant and kind has passed, optionally also older
    /// than `retention`.
    case safe(retention: Duration?)
    /// Rows older than the given age, whatever the watchers; the plan names the watchers that will miss rows.
    case forced(olderThan: Duration)

    public var name: String {
        switch self {
        case .safe: return "safe";
        case .forced: return "forced"
        }
    }
}

/// A durable watcher and how far it got.
public struct WatcherPosition: Sendable, Equatable, Codable {
    public let name: String
    public let position: Int64
}

/// What a prune would delete. Compute it with `OutboxPruner.plan`, show it, then `execute` it.
public struct PrunePlan: Sendable, Equatable {
    public let tenant: String
    public let kind: String
    public let mode: PruneMode
    /// Rows with id at or below this are candidates.
    public let uptoID: Int64
    /// Candidates must also be older than this (nil: no age condition).
    public let olderThan: Date?
    /// Exact number of rows the plan covers now.
    public let rows: Int
    /// Oldest and newest candidate ids (nil when nothing to delete).
    public let firstID: Int64?
    public let lastID: Int64?
    /// Rows in the outbox of this tenant and kind now.
    public let totalRows: Int
    public let watchers: [WatcherPosition]
    /// Watchers that have not passed rows this prune deletes (forced mode); they will miss those rows.
    public let missedWatchers: [WatcherPosition]
    public let plannedAt: Date
}

/// Progress of an executing prune, reported after every batch (StoreAccess's own, and storetop's zestor prune).
public struct PruneProgress: Sendable, Equatable {
    /// Rows deleted so far (committed).
    public let deleted: Int
    /// Rows the plan counted.
    public let planned: Int
    /// Batches committed.
    public let batches: Int
    /// The last id deleted.
    public let lastID: Int64?
    /// deleted / planned, at most 1.
    public var fraction: Double { planned == 0 ? 1 : min(1, Double(deleted) / Double(planned)) }

    /// Progress after a batch.
    public init(deleted: Int, planned: Int, batches: Int, lastID: Int64?) {
        (self.deleted, self.planned, self.batches, self.lastID) = (deleted, planned, batches, lastID)
    }
}

/// The result of an executed prune (also written to `prune_audit`).
public struct PruneReport: Sendable, Equatable {
    public let plan: PrunePlan
    public let deleted: Int
    public let batches: Int
    public let firstID: Int64?
    public let lastID: Int64?
    public let duration: Duration
    public let cancelled: Bool
    /// Batches retried after a lock timeout.
    public let lockTimeouts: Int
    public let auditID: Int64
}

/// Safe, batched, audited outbox pruning. Never one long transaction: each batch is its own short statement
/// with `lock_timeout`, skipping rows other sessions hold locked.
public struct OutboxPruner: Sendable {
    public let store: Store
    public let tenant: String
    public let kind: String

    public init(store: Store, tenant: String, kind: String) throws {
        self.store = store
        self.tenant = try Names.tenant(tenant)
        self.kind = try Names.kind(kind)
    }

    var schema: Identifier { store.schema.name }

    /// Registered durable watchers of this tenant and kind, slowest first.
    public func watchers() throws -> [WatcherPosition] {
        try store.pool.query(
            SQL(
                """
                SELECT name, position FROM \(ident: schema).cursors WHERE tenant = \(tenant) AND source = 'outbox' \
                AND filter ->> 'kind' = \(kind) ORDER BY position, name
                """
            ).named("prune.watchers")
        ).rows.map { WatcherPosition(name: try $0.decode(0), position: try $0.decode(1)) }
    }

    /// Computes what `mode` would delete now.
    public func plan(_ mode: PruneMode, now: Date = Date()) throws -> PrunePlan {
        let ws = try watchers()
        return try store.pool.withConnection { c in
            let safe = try c.query(SQL("SELECT \(ident: schema).outbox_safe_position()").named("prune.safe_position")).first!.decode(
                0, as: Int64.self)
            var upto = safe
            var cutoff: Date?
            switch mode {
            case .safe(let retention):
                if let slowest = ws.first { upto = min(upto, slowest.position) }
                cutoff = retention.map { now.addingTimeInterval(-$0.seconds) }
            case .forced(let age):
                cutoff = now.addingTimeInterval(-age.seconds)
            }
            let r = try c.query(
                SQL(
                    """
                    SELECT count(*), min(id), max(id) FROM \(ident: schema).outbox WHERE tenant = \(tenant) AND kind = \(kind) \
                    AND id <= \(upto) AND (\(cutoff)::timestamptz IS NULL OR at < \(cutoff))
                    """
                ).named("prune.plan")
            ).first!
            let total = try c.query(
                SQL("SELECT count(*) FROM \(ident: schema).outbox WHERE tenant = \(tenant) AND kind = \(kind)").named("prune.total")
            ).first!.decode(0, as: Int.self)
            if total == 0 { try requireOutbox(c) }
            let last = try r.decodeOptional(2, as: Int64.self)
            let missed = last.map { l in ws.filter { $0.position < l } } ?? []
            return PrunePlan(
                tenant: tenant, kind: kind, mode: mode, uptoID: upto, olderThan: cutoff,
                rows: try r.decode(0), firstID: try r.decodeOptional(1), lastID: last, totalRows: total,
                watchers: ws, missedWatchers: missed, plannedAt: now)
        }
    }

    /// Throws `.notFound` naming what does not exist when this tenant has never written to an outbox of this kind
    /// (a typo must not look like "nothing to delete"). An outbox pruned to empty exists: its head row stays.
    func requireOutbox(_ c: Connection) throws {
        let r = try c.query(
            SQL(
                """
                SELECT EXISTS (SELECT 1 FROM \(ident: schema).outbox_heads WHERE tenant = \(tenant) AND kind = \(kind)) AS box,
                       EXISTS (SELECT 1 FROM \(ident: schema).tenants WHERE tenant = \(tenant))
                       OR EXISTS (SELECT 1 FROM \(ident: schema).outbox_heads WHERE tenant = \(tenant)) AS tenant,
                       (SELECT string_agg(kind, ', ' ORDER BY kind) FROM (SELECT kind FROM \(ident: schema).outbox_heads
                         WHERE tenant = \(tenant) ORDER BY kind LIMIT 10) k) AS kinds
                """
            ).named("prune.exists")
        ).first!
        if try r.decode("box", as: Bool.self) { return }
        guard try r.decode("tenant", as: Bool.self) else {
            throw StoreError(.notFound, "tenant \(tenant) does not exist in schema \(schema) (no outbox, not registered)")
        }
        let kinds = try r.decodeOptional("kinds", as: String.self)
        throw StoreError(
            .notFound, "tenant \(tenant) has no outbox of kind \(kind)" + (kinds.map { " (its kinds: \($0))" } ?? " (it has no outbox)"))
    }

    /// Deletes what `plan` covers in batches of `batchSize`, each under `lockTimeout`, calling `progress` after
    /// every batch (return false to cancel). The audit row is written before the first batch (`running`), updated by
    /// every batch in the batch's own transaction, and closed as `done`, `cancelled` or `failed` (an error is
    /// rethrown after that): whatever stops the process, the row counts exactly what committed. In safe mode the
    /// watcher bound is checked again before every batch, so a watcher registered meanwhile is respected.
    public func execute(
        _ plan: PrunePlan, batchSize: Int = 1000, lockTimeout: Duration = .seconds(1), reason: String = "",
        progress: (PruneProgress) -> Bool = { _ in true }
    ) throws -> PruneReport {
        guard batchSize >= 1 && batchSize <= 100_000 else { throw StoreError(.invalidArgument, "batch size must be 1…100000") }
        let t0 = ContinuousClock.now
        let auditID = try begin(plan, startedAt: Date(), reason: reason)
        var run = PruneRun(auditID: auditID, t0: t0)
        let cancelled: Bool
        do {
            cancelled = try runBatches(plan, &run, batchSize: batchSize, lockTimeout: lockTimeout, progress: progress)
        } catch {
            _ = try? end(run, status: "failed")
            throw error
        }
        try end(run, status: cancelled ? "cancelled" : "done")
        return PruneReport(
            plan: plan, deleted: run.deleted, batches: run.batches, firstID: run.first, lastID: run.last,
            duration: t0.duration(to: .now), cancelled: cancelled, lockTimeouts: run.lockTimeouts, auditID: auditID)
    }

    /// What an executing prune has done so far.
    struct PruneRun {
        let auditID: Int64
        let t0: ContinuousClock.Instant
        var deleted = 0, batches = 0, lockTimeouts = 0
        var first: Int64?, last: Int64?
        var elapsedMilliseconds: Double { t0.duration(to: .now).seconds * 1000 }
    }

    /// Runs batches until none deletes anything (false) or `progress` cancels (true).
    private func runBatches(
        _ plan: PrunePlan, _ run: inout PruneRun, batchSize: Int, lockTimeout: Duration, progress: (PruneProgress) -> Bool
    ) throws -> Bool {
        var upto = plan.uptoID
        while true {
            if case .safe = plan.mode, let slowest = try watchers().first { upto = min(upto, slowest.position) }
            let row: Row
            do {
                row = try store.pool.query(
                    SQL(
                        """
                        SELECT deleted, first_id, last_id FROM \(ident: schema).outbox_prune_step(\(run.auditID), \(tenant), \(kind), \
                        \(upto), \(plan.olderThan), \(batchSize), \(lockTimeout.milliseconds), \(run.elapsedMilliseconds))
                        """
                    ).named("prune.batch")
                ).first!
            } catch let e as StoreError where e.has(.lockNotAvailable) {
                run.lockTimeouts += 1
                if run.lockTimeouts > 50 { throw e }
                Thread.sleep(forTimeInterval: 0.05)
                continue
            }
            let n: Int = try row.decode(0)
            if n == 0 { return false }
            run.batches += 1
            run.deleted += n
            if run.first == nil { run.first = try row.decodeOptional(1) }
            run.last = try row.decodeOptional(2)
            if !progress(PruneProgress(deleted: run.deleted, planned: plan.rows, batches: run.batches, lastID: run.last)) { return true }
        }
    }

    /// Writes the `running` audit row; returns its id.
    /// (`reason`, e.g. the retention rule that asked for the prune, goes into the audit from schema version 9; the
    /// call without one also works on older schemas.)
    private func begin(_ plan: PrunePlan, startedAt: Date, reason: String) throws -> Int64 {
        let missed = JSONText(
            "[" + plan.missedWatchers.map { "{\"name\":\(jsonString($0.name)),\"position\":\($0.position)}" }.joined(separator: ",") + "]")
        let sql: SQL =
            reason.isEmpty
            ? """
            SELECT \(ident: schema).outbox_prune_begin(\(startedAt), \(tenant), \(kind), \(plan.mode.name), \(plan.olderThan), \
            \(plan.uptoID), \(missed))
            """
            : """
            SELECT \(ident: schema).outbox_prune_begin(\(startedAt), \(tenant), \(kind), \(plan.mode.name), \(plan.olderThan), \
            \(plan.uptoID), \(missed), \(reason))
            """
        return try store.pool.query(sql.named("prune.audit_begin")).first!.decode(0, as: Int64.self)
    }

    /// Closes the audit row with `status`.
    private func end(_ run: PruneRun, status: String) throws {
        try store.pool.query(
            SQL("SELECT \(ident: schema).outbox_prune_end(\(run.auditID), \(status), \(run.elapsedMilliseconds))").named("prune.audit_end"))
    }
}

extension Store {
    /// The pruner of one tenant's outbox of one kind.
    public func outboxPruner(tenant: String, kind: String) throws -> OutboxPruner {
        try OutboxPruner(store: self, tenant: tenant, kind: kind)
    }
}
