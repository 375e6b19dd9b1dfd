import Foundation

extension Snapshot.Cursor {
    /// "1.2k behind", "≥10k behind" (capped), or "lag not counted (≤N by position)" when this snapshot did not count it.
    public var behindText: String {
        guard let lag = lagEvents else { return "lag not counted (≤\(Format.count(lagPositions)) by position)" }
        return "\(lagCapped ? "≥" : "")\(Format.count(lag)) behind"
    }
}

extension LagRules {
    /// The status of one consumer (rules in `LagStatus`): paused → failing handler (stalled) → rewound → caught up →
    /// stopped → stalled → lagging → ok.
    /// `samples`: the consumer in the window's snapshots, oldest first (the current one last). `stillSince`: since
    /// when storetop has seen its position unchanged (used only when the store records no move or creation time).
    func health(_ c: Snapshot.Cursor, samples: [(Date, Snapshot.Cursor)], snapshot: Snapshot, stillSince: Date? = nil) -> Derived.CursorHealth {
        let (consume, catchUp) = rates(c, samples: samples)
        func h(_ s: LagStatus, _ why: String) -> Derived.CursorHealth {
            .init(status: s, reason: why, consumeRate: consume, catchUpSeconds: c.lagEvents == 0 ? 0 : catchUp)
        }
        if let (status, why) = operated(c, snapshot: snapshot) { return h(status, why) }
        for (a, b) in zip(samples, samples.dropFirst()) where b.1.position < a.1.position {
            return h(.rewound, "position moved back from \(a.1.position) to \(b.1.position)")
        }
        let now = snapshot.clock, held = heldBack(c, snapshot: snapshot)
        let behind = c.behindText
        // on a standby the owners' locks and sessions are the primary's, invisible here: a consumer is judged there
        // by what replicates (its moves, heartbeat and first unhandled row), never STOPPED for a lock it cannot see
        let standby = snapshot.server?.isStandby == true
        if c.lagEvents == 0 {
            let base = c.ownerConnected || heartbeatAge(c, snapshot) != nil || standby ? "caught up" : "caught up; not running"
            return h(.ok, held.isEmpty ? base : "\(base); \(held)")
        }
        let beat = heartbeatAge(c, snapshot)
        guard c.ownerConnected || beat != nil || standby else {
            let since = c.heartbeatAt.map { "last heartbeat \(Format.duration(now.timeIntervalSince($0))) ago" } ?? "never ran"
            return h(.stopped, "not running, \(behind); \(since)")
        }
        let onStandby = "; read on a standby: its owner's lock is on the primary"
        let lockless = c.ownerConnected ? "" : beat.map { "; no consumer lock held, heartbeat \(Format.duration($0)) ago" } ?? onStandby
        let last = c.movedAt ?? c.createdAt ?? stillSince
        // work has waited since its first unhandled row was written; it has not moved since `last`
        let sinceMove = last.map { now.timeIntervalSince($0) }
        if let sinceMove, min(sinceMove, c.lagSeconds) >= stallAfter {
            let what =
                c.movedAt == nil
                ? "never moved since it was created \(Format.duration(sinceMove)) ago" : "no progress for \(Format.duration(sinceMove))"
            return h(.stalled, "\(what) while \(behind) (oldest \(Format.duration(c.lagSeconds)))\(lockless)")
        }
        let trend =
            samples.count >= 2
            ? (samples.first!.1.lagEvents).flatMap { a in c.lagEvents.map { "; lag \(Format.count(a)) → \(Format.count($0))" } } ?? "" : ""
        // a lag not counted this snapshot is judged by the age of its oldest unhandled row alone
        if (c.lagEvents.map { $0 >= lagEvents } ?? true) && c.lagSeconds >= lagSeconds {
            return h(.lagging, "\(behind), oldest \(Format.duration(c.lagSeconds))\(trend)\(lockless)")
        }
        return h(.ok, "catching up: \(behind), oldest \(Format.duration(c.lagSeconds))\(lockless)")
    }

    /// For a consumer whose owner holds no consumer lock (driven from SQL): seconds since its heartbeat when that is
    /// within `heartbeatFresh` and the backend it registered from is still connected (when the snapshot lists every
    /// backend); nil otherwise — it is not running.
    func heartbeatAge(_ c: Snapshot.Cursor, _ snapshot: Snapshot) -> TimeInterval? {
        guard let at = c.heartbeatAt else { return nil }
        let age = max(0, snapshot.clock.timeIntervalSince(at))
        guard age <= heartbeatFresh else { return nil }
        if let pid = c.ownerBackendPid, let backends = snapshot.sessions?.backends, backends.count < SessionsPanel.limit,
            !backends.contains(where: { $0.pid == pid })
        {
            return nil
        }
        return age
    }

    /// Rows of its own handled per second over the window, and the seconds to catch up at the window's net rate
    /// (both in the unit of `lagEvents`; nil when unknown or not catching up).
    func rates(_ c: Snapshot.Cursor, samples: [(Date, Snapshot.Cursor)]) -> (Double?, Double?) {
        var handled: Int64 = 0, dt = 0.0
        for (a, b) in zip(samples, samples.dropFirst()) {
            guard let n = b.1.handledSincePrevious, b.0 > a.0 else { continue }
            handled += n
            dt += b.0.timeIntervalSince(a.0)
        }
        let consume = dt > 0 ? Double(handled) / dt : nil
        guard let first = samples.first, let last = samples.last, last.0 > first.0, !c.lagCapped else { return (consume, nil) }
        guard let a = first.1.lagEvents, let b = last.1.lagEvents, let now = c.lagEvents else { return (consume, nil) }
        let net = Double(a - b) / last.0.timeIntervalSince(first.0)
        return (consume, net > 0 ? Double(now) / net : nil)
    }

    /// "delivery held back by pid … (transaction open …)" when rows of the consumer's own wait above the deliverable
    /// position behind an open transaction; else "".
    func heldBack(_ c: Snapshot.Cursor, snapshot: Snapshot) -> String {
        guard c.waitingAboveSafe else { return "" }
        let log = c.source == "events" ? "events" : "outbox"
        guard let b = snapshot.sessions?.deliveryBlockers.filter({ $0.log == log }).min(by: { $0.registeredAfter < $1.registeredAfter }) else {
            return "delivery held back"
        }
        return "delivery held back by pid \(b.pid)" + (b.transactionSeconds.map { " (transaction \(Format.duration($0)))" } ?? "")
    }
}
