import Foundation
import StoreAccess

/// The consumers of a snapshot: which ones it keeps, their lag counts within the refresh's budget, the probes,
/// and their assembly with the outboxes.
extension Collector {
    /// Plans the probes, sends them when needed, keeps the answers, and assembles consumers and outboxes.
    func collectConsumers(
        _ c: Connection, _ run: inout PanelRun, _ state: inout CollectState, rows: [CursorRow]?,
        outRows: [OutboxRow]?, heads: [String: Int64], headsKnown: Bool, locks: LockView?, now: Date
    ) throws {
        let safeEvents = locks?.safe("events") ?? .max, safeOutbox = locks?.safe("outbox") ?? .max
        let boxes = Dictionary((outRows ?? []).map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        var plan = ProbePlanner(carried: state.answers, arrivals: state.arrivals)
            .plan(cursors: rows ?? [], outboxes: outRows ?? [], boxes: boxes, heads: heads, safeEvents: safeEvents)
        if !plan.isEmpty {
            _ = try run(ProbesPanel.name) {
                try ProbesPanel.read(c, schema.name, &plan, boxes: boxes, safeEvents: safeEvents, safeOutbox: safeOutbox)
            }
        }
        state.answers = plan.known
        let lags = try countLags(c, &run, &state, rows: rows ?? [], boxes: boxes, heads: heads, locks: locks)
        ConsumerAssembly.assemble(
            into: &run.snapshot, rows: rows, outRows: outRows, boxes: boxes, heads: heads,
            held: locks?.consumerLocks ?? [], answers: plan.known, lags: lags,
            headsKnown: (headsKnown, outRows != nil), now: run.snapshot.server?.now ?? now)
    }

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

    /// The consumers a snapshot keeps when there are more than `CursorsPanel.shown`: every one a person has to act
    /// on whatever its lag (paused, failing handler, parked events), then the widest position gaps (its tenant's
    /// deliverable event head, or its outbox's head, minus its position: known for every consumer without a count,
    /// and an upper bound of its lag), ties by tenant and name (`CursorsPanel.Rank`). Notes the cut in `run`.
    func keptConsumers(_ read: CursorsPanel.Rows?, heads: [String: Int64], outboxes: [OutboxRow], _ run: inout PanelRun) -> [CursorRow]? {
        guard let read else { return nil }
        let boxes = Dictionary(outboxes.map { ($0.key, $0.head) }, uniquingKeysWith: max)
        // a partial selection over the carried rows (copying and sorting all 50,000 was 15 % of a refresh's CPU)
        let rows = read.kept(CursorsPanel.shown, heads: heads, outboxes: boxes)
        if read.count > CursorsPanel.shown {
            let all = read.count > CursorsPanel.limit ? "more than \(Format.count(Int64(CursorsPanel.limit)))" : Format.count(Int64(read.count))
            run.note(
                CursorsPanel.name,
                "cursors: \(all) durable consumers; showing the \(Format.count(Int64(CursorsPanel.shown))) furthest behind by position "
                    + "(and every paused, failing or parking one), with lag and status for those only")
        }
        return rows
    }

    /// `keptConsumers` of a list of rows whose parked counts are set (tests).
    static func shownConsumers(_ rows: [CursorRow], heads: [String: Int64], outboxes: [OutboxRow]) -> [CursorRow] {
        guard rows.count > CursorsPanel.shown else { return rows }
        let boxes = Dictionary(outboxes.map { ($0.key, $0.head) }, uniquingKeysWith: max)
        let parkedAt = Set(rows.indices.filter { rows[$0].ops.parked > 0 })
        return CursorsPanel.Rank(heads: heads, outboxes: boxes).first(CursorsPanel.shown, of: rows, parkedAt: parkedAt).map { rows[$0] }
    }
}
