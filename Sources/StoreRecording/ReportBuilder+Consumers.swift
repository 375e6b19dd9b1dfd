import Foundation
import StoreMetrics

extension ReportBuilder {
    /// Worst lags and status intervals of the snapshot's consumers. Statuses and reasons are `History`'s (the
    /// dashboard's `Derived`), never worked out again here; the holders are the snapshot's own facts.
    mutating func consumers(_ s: Snapshot, _ d: Derived, first: Bool) {
        var seen = Set<IntervalKey>()
        for c in s.cursors {
            guard let h = d.cursors[c.key] else { continue }
            lag(c, h.status, at: s.takenAt)
            let statusKey = IntervalKey(consumer: c.key, held: false), heldKey = IntervalKey(consumer: c.key, held: true)
            if h.status != .ok {
                track(statusKey, c, status: h.status.rawValue, reason: h.reason, holders: ownerHolders(c, s), at: s.takenAt, first: first)
                seen.insert(statusKey)
            }
            if c.waitingAboveSafe {
                let holders = deliveryHolders(c, s)
                // the dashboard names the blocker in the reason of a consumer caught up; one behind gets its status's
                let reason = h.reason.contains("held back") ? h.reason : "delivery held back" + (holders.first.map { " by pid \($0.pid)" } ?? "")
                track(heldKey, c, status: "held", reason: reason, holders: holders, at: s.takenAt, first: first)
                seen.insert(heldKey)
            }
        }
        // what is no longer so (or whose consumer is gone) ended at this snapshot
        for (k, var i) in open where !seen.contains(k) {
            i.end = s.takenAt
            i.seconds = s.takenAt.timeIntervalSince(i.start)
            closed.append(i)
            open[k] = nil
        }
    }

    /// The consumer's worst lag so far.
    private mutating func lag(_ c: Snapshot.Cursor, _ status: LagStatus, at: Date) {
        guard var l = lags[c.key] else {
            lags[c.key] = .init(
                tenant: c.tenant, name: c.name, source: c.source, worstLagEvents: c.lagEvents ?? 0, worstLagEventsAt: at, lagCapped: c.lagCapped,
                worstLagSeconds: c.lagSeconds, worstLagSecondsAt: at, worstStatus: status, lastStatus: status)
            return
        }
        // a lag not counted in a snapshot is no figure: it takes no part in the worst
        if let lag = c.lagEvents, lag > l.worstLagEvents { (l.worstLagEvents, l.worstLagEventsAt, l.lagCapped) = (lag, at, c.lagCapped) }
        if c.lagSeconds > l.worstLagSeconds { (l.worstLagSeconds, l.worstLagSecondsAt) = (c.lagSeconds, at) }
        if Self.severity(status) > Self.severity(l.worstStatus) { l.worstStatus = status }
        l.lastStatus = status
        lags[c.key] = l
    }

    /// Opens, continues or replaces (another status) the consumer's interval of `key`'s kind.
    private mutating func track(
        _ key: IntervalKey, _ c: Snapshot.Cursor, status: String, reason: String, holders: [RecordingReport.Holder], at: Date, first: Bool
    ) {
        if var i = open[key], i.status == status {
            i.lastSeen = at
            i.seconds = at.timeIntervalSince(i.start)
            i.reason = reason
            for h in holders {
                // one backend once, named by the first snapshot that knew its application
                if let k = i.heldBy.firstIndex(where: { $0.pid == h.pid && $0.holds == h.holds }) {
                    if i.heldBy[k].application == nil { i.heldBy[k].application = h.application }
                } else if i.heldBy.count < Self.holdersKept {
                    i.heldBy.append(h)
                }
            }
            open[key] = i
            return
        }
        if var old = open[key] {
            old.end = at
            old.seconds = at.timeIntervalSince(old.start)
            closed.append(old)
        }
        open[key] = .init(
            tenant: c.tenant, name: c.name, status: status, start: at, fromStart: first, end: nil, lastSeen: at, seconds: 0, reason: reason,
            heldBy: Array(holders.prefix(Self.holdersKept)))
    }

    /// The backends behind a consumer that is not OK: the one holding its consumer lock (where its handler runs),
    /// and the backends that one waits for on a lock.
    func ownerHolders(_ c: Snapshot.Cursor, _ s: Snapshot) -> [RecordingReport.Holder] {
        guard let pid = c.ownerBackendPid, c.ownerConnected else { return [] }
        let backend = s.sessions?.backends.first { $0.pid == pid }
        var out = [RecordingReport.Holder(pid: pid, holds: "consumer lock", application: c.ownerApplication ?? backend?.applicationName)]
        for b in backend?.blockedBy ?? [] {
            out.append(.init(pid: b, holds: "lock", application: s.sessions?.backends.first { $0.pid == b }?.applicationName))
        }
        return out
    }

    /// The open append that holds the consumer's delivery back: the blocker of its log registered first, the one
    /// the dashboard names ("delivery held back by pid N").
    func deliveryHolders(_ c: Snapshot.Cursor, _ s: Snapshot) -> [RecordingReport.Holder] {
        let log = c.source == "events" ? "events" : "outbox"
        guard let b = s.sessions?.deliveryBlockers.filter({ $0.log == log }).min(by: { $0.registeredAfter < $1.registeredAfter }) else { return [] }
        return [.init(pid: b.pid, holds: "delivery", application: b.applicationName)]
    }

    /// How bad a status is, for a consumer's worst one.
    static func severity(_ s: LagStatus) -> Int {
        switch s {
        case .ok: 0
        case .lagging, .paused: 1
        case .rewound: 2
        case .stalled: 3
        case .stopped: 4
        }
    }
}
