import Foundation

/// Answers about first unhandled rows and oldest outbox rows that hold until a consumer moves or an outbox is
/// pruned: carried from one snapshot to the next, completed by probes.
struct ProbeAnswers: Sendable, Equatable {
    /// The first unhandled row of a consumer: valid while the consumer stays at `position` (and, for an outbox
    /// watcher, while the outbox's pruned count stays `pruned`).
    struct Next: Sendable, Equatable { let position: Int64; let pruned: Int64; let at: Date }
    /// The oldest row of an outbox: valid while its pruned count stays `pruned`.
    struct Oldest: Sendable, Equatable { let pruned: Int64; let at: Date; let id: Int64 }

    var next: [CursorKey: Next] = [:]
    var oldest: [OutboxKey: Oldest] = [:]
}

/// What a snapshot knows without asking and what it must probe (`ProbesPanel`).
struct ProbePlan: Sendable {
    /// What is known now: answers that still hold, records the consumers made, first new events.
    var known = ProbeAnswers()
    /// Event consumers to probe: first event of the tenant (matching the consumer's filter) after the position.
    var events: [(tenant: String, name: String, position: Int64, filter: LagFilter)] = []
    /// Outbox watchers to probe: first row of the tenant's kind after the position.
    var watchers: [(tenant: String, name: String, kind: String, position: Int64)] = []
    /// Outboxes whose oldest row to probe.
    var outboxes: [(tenant: String, kind: String)] = []
    /// The position (and pruned count) each probed consumer was asked at.
    var asked: [CursorKey: (position: Int64, pruned: Int64)] = [:]
    /// Nothing to probe.
    var isEmpty: Bool { events.isEmpty && watchers.isEmpty && outboxes.isEmpty }

    /// One answer of the probe statement: `e` (event consumer), `w` (outbox watcher) or `o` (oldest outbox row).
    struct Answer: Sendable, Equatable {
        let type: String, tenant: String, name: String?, kind: String?, at: Date?, id: Int64?
    }

    /// Takes the probe's answers into `known`; a row with no time (nothing found) answers nothing.
    mutating func take(_ answers: [Answer], boxes: [OutboxKey: OutboxRow]) {
        // a consumer filtered by several types gets one answer per type: the first row (lowest position) is its own
        var taken: Set<CursorKey> = []
        for a in answers.sorted(by: { ($0.id ?? .max) < ($1.id ?? .max) }) {
            guard let at = a.at else { continue }
            if a.type == "o" {
                let key = OutboxKey(tenant: a.tenant, kind: a.kind ?? "")
                known.oldest[key] = .init(pruned: boxes[key]?.pruned ?? 0, at: at, id: a.id ?? 0)
            } else if let name = a.name, let q = asked[CursorKey(tenant: a.tenant, name: name)],
                taken.insert(CursorKey(tenant: a.tenant, name: name)).inserted
            {
                known.next[CursorKey(tenant: a.tenant, name: name)] = .init(position: q.position, pruned: q.pruned, at: at)
            }
        }
    }
}

/// Plans the probes of one snapshot, without I/O: takes the answers carried from the previous snapshot where they
/// still hold, what the consumers recorded when they moved (schema v4), and the first events that arrived since
/// the previous snapshot; lists the rest for one probe statement.
struct ProbePlanner: Sendable {
    /// Answers carried from the previous snapshot.
    var carried: ProbeAnswers
    /// What arrived since the previous snapshot (from the streams panel).
    var arrivals: Arrivals

    /// The plan for these consumers and outboxes. `heads`: each tenant's event head; `safeEvents`: the events'
    /// safe position (only settled positions count).
    func plan(
        cursors: [CursorRow], outboxes: [OutboxRow], boxes: [OutboxKey: OutboxRow], heads: [String: Int64],
        safeEvents: Int64
    ) -> ProbePlan {
        var plan = ProbePlan()
        for r in cursors {
            if r.source == "events" {
                planEvents(r, settledHead: min(heads[r.tenant] ?? 0, safeEvents), into: &plan)
            } else {
                planWatcher(r, boxes: boxes, into: &plan)
            }
        }
        for b in outboxes where b.rows > 0 {
            if let o = carried.oldest[b.key], o.pruned == b.pruned { plan.known.oldest[b.key] = o } else { plan.outboxes.append((b.tenant, b.kind)) }
        }
        return plan
    }

    /// An event consumer behind its tenant's settled head. A filtered consumer's first unhandled event is its
    /// filter's: neither the record (made for the tenant's events) nor the tenant's first new event tells it, so it
    /// is carried while the consumer stays put, else probed with the filter.
    func planEvents(_ r: CursorRow, settledHead: Int64, into plan: inout ProbePlan) {
        let pos = r.position
        guard pos < settledHead else { return }
        let filter = r.lagFilter
        if filter != .all {
            if let n = carried.next[r.key], n.position == pos { plan.known.next[r.key] = n; return }
            plan.events.append((r.tenant, r.name, pos, filter))
            plan.asked[r.key] = (pos, 0)
            return
        }
        // Recorded by the consumer when it moved: its first unhandled event, settled then, so exact now.
        if r.recordCurrent, r.nextPosition != nil, let at = r.nextAt { plan.known.next[r.key] = .init(position: pos, pruned: 0, at: at); return }
        if r.recordCurrent, r.nextPosition == nil, let checked = r.nextChecked {
            // Nothing unhandled up to `checked` when it moved: the first unhandled event is the tenant's first
            // after `upto`; none settled yet means no lag, and the events that arrived since the previous
            // snapshot give it when nothing of the tenant lay between `upto` and them.
            let upto = max(pos, checked)
            if upto >= settledHead { return }
            if arrivals.valid, (arrivals.previousHeads[r.tenant] ?? 0) <= upto, let f = arrivals.first[r.tenant], f.position > upto {
                plan.known.next[r.key] = .init(position: pos, pruned: 0, at: f.at)
                return
            }
        }
        if let n = carried.next[r.key], n.position == pos { plan.known.next[r.key] = n; return }
        if arrivals.valid, let prev = arrivals.previousHeads[r.tenant], pos >= prev, let f = arrivals.first[r.tenant], pos < f.position {
            plan.known.next[r.key] = .init(position: pos, pruned: 0, at: f.at)
            return
        }
        plan.events.append((r.tenant, r.name, pos, .all))
        plan.asked[r.key] = (pos, 0)
    }

    /// An outbox watcher behind its outbox's head.
    func planWatcher(_ r: CursorRow, boxes: [OutboxKey: OutboxRow], into plan: inout ProbePlan) {
        let pos = r.position
        guard let kind = r.kind, let box = boxes[OutboxKey(tenant: r.tenant, kind: kind)], pos < box.head else { return }
        // Recorded when it moved; void once the outbox was pruned since (the row may be gone).
        if r.recordCurrent, r.nextPruned == box.pruned, r.nextPosition != nil, let at = r.nextAt {
            plan.known.next[r.key] = .init(position: pos, pruned: box.pruned, at: at)
            return
        }
        // Nothing unhandled up to `checked` when it moved (a prune since only removes rows).
        if r.recordCurrent, r.nextPosition == nil, let checked = r.nextChecked, max(pos, checked) >= box.head { return }
        if let n = carried.next[r.key], n.position == pos, n.pruned == box.pruned { plan.known.next[r.key] = n; return }
        plan.watchers.append((r.tenant, r.name, kind, pos))
        plan.asked[r.key] = (pos, box.pruned)
    }
}
