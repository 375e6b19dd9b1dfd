import Foundation
import StoreAccess

extension Collector {
    /// Each consumer's rows still to handle (`LagPlanner`, `LagPanel`), carried to the next snapshot. A consumer
    /// missing from the result has no count this snapshot (the count failed, or `LagPanel.budget` ran out before
    /// its ranges): it shows "lag not counted", and `errors` says why or how many.
    func countLags(
        _ c: Connection, _ run: inout PanelRun, _ state: inout CollectState, rows: [CursorRow], boxes: [OutboxKey: OutboxRow],
        heads: [String: Int64], locks: LockView?
    ) throws -> [CursorKey: ConsumerLag]? {
        let waiting = Set(run.snapshot.streams?.tenants.filter { $0.waitingEvents > 0 }.map(\.tenant) ?? [])
        let bounds = LagPlanner.Bounds(
            safeEvents: locks?.safe("events") ?? .max, headEvents: locks?.eventsHead ?? 0, safeOutbox: locks?.safe("outbox") ?? .max,
            headOutbox: locks?.outboxHead ?? 0, tenantHeads: heads, waitingTenants: waiting)
        let plan = LagPlanner(carried: state.lag, cap: LagPlanner.cap(consumers: rows.count)).plan(rows, boxes: boxes, bounds: bounds)
        let previous = state.lag
        state.lag = [:]
        guard !plan.entries.isEmpty else { return nil }
        // everything carried: no statement at all
        let counts: [Int64?]? =
            plan.ranges.isEmpty
            ? []
            : try run(LagPanel.name) { n in
                try LagPanel.read(
                    c, schema.name, plan.ranges, order: plan.countOrder, budget: lagBudget, chunkRanges: lagChunkRanges, statements: &n)
            }
        guard let counts else {
            // the count failed: what was counted before is kept for the next snapshot, shown as not counted now
            state.lag = previous
            return nil
        }
        let (lags, carry) = plan.resolve(counts)
        state.lag = carry
        let missing = plan.entries.count - lags.count
        if missing > 0 {
            run.note(
                LagPanel.name,
                "lag: \(missing) of \(plan.entries.count) consumers not counted yet (the refresh's \(Format.duration(lagBudget?.seconds ?? 0)) "
                    + "counting budget ran out; later refreshes go on where this one stopped): shown as not counted")
        }
        return lags
    }

    /// Bookmarks, tenants and (schema version 9) parked events: bounded lists read as they are.
    func collectLists(_ c: Connection, _ run: inout PanelRun, schemaVersion: Int?) throws {
        let name = schema.name
        run.snapshot.bookmarks = try run(BookmarksPanel.name) { try BookmarksPanel.read(c, name) } ?? []
        run.snapshot.tenants = try run(TenantsPanel.name) { try TenantsPanel.read(c, name) } ?? []
        // the consumers' statement counted every consumer's parked events: the list is read only when there are some
        // (or that count is unknown), so a quiet refresh of a store without parked events sends no statement more
        guard (schemaVersion ?? StoreSchema.currentVersion) >= 9 else { return }
        let cursorsFailed = run.snapshot.errors.contains { $0.panel == CursorsPanel.name }
        guard cursorsFailed || run.snapshot.cursors.contains(where: { $0.parked > 0 }) else {
            run.snapshot.parked = []
            return
        }
        run.snapshot.parked = try run(ParkedPanel.name) { try ParkedPanel.read(c, name) }
    }

    /// pg_stat_statements' top entries (nil without the extension, and no error), read at most every
    /// `statementsInterval`: in between the last read is carried (same `readAt`, so `History` adds no growth).
    func collectStatements(_ c: Connection, _ run: inout PanelRun, _ carry: inout StatementsPanel.Carry?) throws {
        if let carry, carry.at.duration(to: .now) < statementsInterval {
            run.snapshot.statementStatistics = carry.read
            return
        }
        let read = try run(StatementsPanel.name) { n in try StatementsPanel.read(c, all: allDatabases, statements: &n) }
        run.snapshot.statementStatistics = read ?? nil
        carry = read.map { (read: $0, at: .now) }
    }

    /// Tries every switched-off panel again at the next snapshot (the dashboard's `r`).
    public func retryDisabledPanels() { disabled.retryAll() }

    /// Groups backends by parsed application_name (`SessionGroups.group`; kept for existing callers).
    static func group(_ backends: [Snapshot.Backend], blockers: [Snapshot.DeliveryBlocker], now: Date) -> Snapshot.Sessions {
        SessionGroups.group(backends, blockers: blockers, now: now)
    }
}

extension StorePanel {
    /// The note for a store whose schema is newer than this storetop knows, or nil.
    static func newer(_ version: Int?) -> String? {
        guard let v = version, v > StoreSchema.currentVersion else { return nil }
        return "store: schema version \(v) is newer than this storetop knows (\(StoreSchema.currentVersion)): "
            + "figures are read where the tables are compatible; upgrade storetop"
    }
}

extension Collector {
    /// The consumers a snapshot keeps when there are more than `CursorsPanel.shown`: every one a person has to act
    /// on whatever its lag (paused, failing handler, parked events), then the widest position gaps (its tenant's
    /// deliverable event head, or its outbox's head, minus its position: known for every consumer without a count,
    /// and an upper bound of its lag), ties by tenant and name.
    static func shownConsumers(_ rows: [CursorRow], heads: [String: Int64], outboxes: [OutboxRow]) -> [CursorRow] {
        let boxes = Dictionary(outboxes.map { ($0.key, $0.head) }, uniquingKeysWith: max)
        func gap(_ r: CursorRow) -> Int64 {
            let head = r.source == "events" ? heads[r.tenant] ?? 0 : r.kind.flatMap { boxes[OutboxKey(tenant: r.tenant, kind: $0)] } ?? 0
            return max(0, head - r.position)
        }
        let ranked = rows.map { r -> (operated: Bool, gap: Int64, row: CursorRow) in
            (r.ops.pausedAt != nil || r.ops.failingError != nil || r.ops.parked > 0, gap(r), r)
        }
        let kept = ranked.sorted {
            if $0.operated != $1.operated { return $0.operated }
            if $0.gap != $1.gap { return $0.gap > $1.gap }
            return ($0.row.tenant, $0.row.name) < ($1.row.tenant, $1.row.name)
        }
        return kept.prefix(CursorsPanel.shown).map(\.row)
    }
}
