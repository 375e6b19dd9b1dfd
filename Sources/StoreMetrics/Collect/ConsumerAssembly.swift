import Foundation

/// The consumers and outboxes of a snapshot, assembled from their rows, the heads, the locks and the probe
/// answers (no I/O).
enum ConsumerAssembly {
    /// One consumer: its lag in its own rows (`lag`, counted by `LagPanel`; without it, 0 when the position gap is 0
    /// and otherwise not known), the
    /// position gap against its tenant's head (events) or its outbox's head, its lag in seconds from the age of its
    /// first unhandled row (answered), and whether its owner holds its lock.
    static func cursor(
        _ r: CursorRow, heads: [String: Int64], boxes: [OutboxKey: OutboxRow], held: Set<Int64>,
        answers: ProbeAnswers, lag: ConsumerLag?, headsKnown: Bool = true, now: Date
    ) -> Snapshot.Cursor {
        let head: Int64 =
            r.source == "events"
            ? max(heads[r.tenant] ?? 0, 0)
            : r.kind.flatMap { boxes[OutboxKey(tenant: r.tenant, kind: $0)]?.head } ?? 0
        let gap = max(0, head - r.position)
        // without a count, a gap of 0 still says there is nothing to handle, when the head it was taken from was read
        let events = lag?.lag ?? (gap == 0 && headsKnown ? 0 : nil)
        let next = events ?? gap > 0 ? answers.next[r.key] : nil
        var c = Snapshot.Cursor(
            tenant: r.tenant, name: r.name, source: r.source, kind: r.kind,
            position: r.position, head: head, lagEvents: events, lagCapped: lag?.capped ?? false, lagPositions: gap,
            filter: r.filter, waitingAboveSafe: lag?.waiting ?? false, handledSincePrevious: lag?.handled,
            lagSeconds: next.map { max(0, now.timeIntervalSince($0.at)) } ?? 0,
            ownerApplication: r.ownerApplication, ownerHost: r.ownerHost, ownerPid: r.ownerPid,
            ownerBackendPid: r.ownerBackendPid, ownerConnected: held.contains(r.lockKey),
            heartbeatAt: r.heartbeatAt, movedAt: r.movedAt, createdAt: r.createdAt)
        let o = r.ops
        (c.pausedAt, c.pausedBy, c.pauseReason, c.pauseAcknowledged) = (o.pausedAt, o.pausedBy, o.pauseReason, o.pauseAcknowledged)
        (c.onFailure, c.maxAttempts, c.failingPosition, c.failingError) = (o.onFailure, o.maxAttempts, o.failingPosition, o.failingError)
        (c.failingAttempts, c.failingSince, c.parked, c.parkedReplaying) = (o.failingAttempts, o.failingSince, o.parked, o.parkedReplaying)
        return c
    }

    /// One outbox from its head row, its oldest row (answered) and its watchers (from the cursors).
    /// - Parameter watchers: its registered watchers; nil when the cursors panel failed (nothing counts as safe).
    static func outbox(_ b: OutboxRow, watchers: [Snapshot.Cursor]?, answers: ProbeAnswers) -> Snapshot.Outbox {
        let rows = b.rows, head = b.head
        let oldest = rows > 0 ? answers.oldest[b.key] : nil
        let slowest = watchers?.min { ($0.position, $0.name) < ($1.position, $1.name) }
        var safe: Int64 = rows
        if watchers == nil {
            safe = 0
        } else if watchers?.isEmpty == false {
            if let s = slowest?.position, let o = oldest?.id {
                // Rows up to the slowest watcher, in proportion to the id range (ids are not dense after prunes).
                safe = s < o ? 0 : head > o ? min(rows, Int64((Double(s - o + 1) / Double(head - o + 1) * Double(rows)).rounded())) : rows
            } else {
                safe = 0
            }
        }
        return Snapshot.Outbox(
            tenant: b.tenant, kind: b.kind, rows: rows, headID: head, appendedTotal: b.appended,
            oldestAt: oldest?.at, oldestID: oldest?.id, slowestWatcher: slowest?.name,
            slowestWatcherPosition: slowest?.position, watchers: watchers?.count ?? 0,
            safeToPruneEstimate: rows == 0 ? 0 : safe, lastPruneAt: b.lastPrune?.at,
            lastPruneStatus: b.lastPrune?.status, lastPruneRows: b.lastPrune?.rows)
    }
}

extension ConsumerAssembly {
    /// Fills the snapshot's consumers (sorted by tenant and name) and outboxes. Without the cursors panel the
    /// outboxes have no watcher positions, so nothing counts as safe to prune, and the snapshot says so.
    static func assemble(
        into snapshot: inout Snapshot, rows: [CursorRow]?, outRows: [OutboxRow]?, boxes: [OutboxKey: OutboxRow],
        heads: [String: Int64], held: Set<Int64>, answers: ProbeAnswers, lags: [CursorKey: ConsumerLag]?,
        headsKnown: (events: Bool, outbox: Bool) = (true, true), now: Date
    ) {
        if let rows {
            snapshot.cursors = rows.map {
                cursor(
                    $0, heads: heads, boxes: boxes, held: held, answers: answers, lag: lags?[$0.key],
                    headsKnown: $0.source == "events" ? headsKnown.events : headsKnown.outbox, now: now)
            }
            .sorted { ($0.tenant, $0.name) < ($1.tenant, $1.name) }
        }
        guard let outRows else { return }
        let watchers =
            rows == nil
            ? nil
            : Dictionary(grouping: snapshot.cursors.filter { $0.source == "outbox" }) {
                OutboxKey(tenant: $0.tenant, kind: $0.kind ?? "")
            }
        snapshot.outboxes = outRows.map { b in outbox(b, watchers: watchers.map { $0[b.key] ?? [] }, answers: answers) }
        if rows == nil {
            snapshot.errors.append(
                .init(
                    panel: OutboxesPanel.name, reason: "outboxes: watcher positions unknown (the cursors panel failed): safe-to-prune shown as 0",
                    disabled: false))
        }
    }
}

/// A consumer's lag as `LagPanel` counted it: rows of its own still to handle (a lower bound when `capped`), and
/// whether rows of its own wait above the deliverable position.
struct ConsumerLag: Sendable, Equatable {
    var lag: Int64
    var capped: Bool
    var waiting: Bool
    /// Rows of its own it handled since the previous snapshot; nil when the lag was counted afresh.
    var handled: Int64? = nil
}
