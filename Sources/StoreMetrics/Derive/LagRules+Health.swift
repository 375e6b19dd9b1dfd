import Foundation

extension LagRules {
    /// The status of one consumer from its samples in the window (oldest first), per the rules in `LagStatus`:
    /// rewound → stopped → stalled → lagging → ok. `stillSince`: the earliest snapshot since which the position
    /// has not changed. The reason names the backend holding delivery back when one does.
    func health(_ c: Snapshot.Cursor, samples: [(Date, Snapshot.Cursor)], snapshot: Snapshot, stillSince: Date? = nil) -> Derived.CursorHealth {
        var consume: Double?, headRate: Double?
        if let first = samples.first, let last = samples.last, last.0 > first.0 {
            let dt = last.0.timeIntervalSince(first.0)
            consume = Double(last.1.position - first.1.position) / dt
            headRate = Double(last.1.head - first.1.head) / dt
        }
        var catchUp: Double?
        if c.lagEvents == 0 { catchUp = 0 } else if let cr = consume, let hr = headRate, cr > hr { catchUp = Double(c.lagEvents) / (cr - hr) }
        func h(_ s: LagStatus, _ why: String) -> Derived.CursorHealth {
            .init(status: s, reason: why, consumeRate: consume.map { max(0, $0) }, catchUpSeconds: catchUp)
        }
        // 1. rewound: a step backwards inside the window
        for (a, b) in zip(samples, samples.dropFirst()) where b.1.position < a.1.position {
            return h(.rewound, "position moved back from \(a.1.position) to \(b.1.position)")
        }
        let held = heldBack(c, snapshot: snapshot)
        if c.lagEvents == 0 { return h(.ok, c.ownerConnected ? "caught up" : "caught up; not running") }
        // 2. stopped: behind and nobody runs it
        if !c.ownerConnected {
            let since = c.heartbeatAt.map { "last heartbeat \(Format.duration(snapshot.takenAt.timeIntervalSince($0))) ago" } ?? "never ran"
            return h(.stopped, "not running, \(c.lagEvents) behind; \(since)")
        }
        // 3. stalled: connected, not moving over the whole window, for long enough
        if let first = samples.first, samples.count >= 2, samples.allSatisfy({ $0.1.position == first.1.position }) {
            // movedAt is when it last recorded progress; a consumer that never did is still since the history began
            let still = snapshot.takenAt.timeIntervalSince(c.movedAt ?? stillSince ?? first.0)
            if still >= stallAfter {
                return h(.stalled, held.isEmpty ? "no progress for \(Format.duration(still)) while \(c.lagEvents) behind" : held)
            }
        }
        // 4. lagging: lag grew at every step of the window
        let lags = samples.map { $0.1.lagEvents }
        if lags.count >= 2, zip(lags, lags.dropFirst()).allSatisfy({ $1 >= $0 }), lags.last! > lags.first! {
            return h(.lagging, held.isEmpty ? "falling behind: lag \(lags.first!) → \(lags.last!)" : held)
        }
        return h(.ok, held.isEmpty ? "catching up" : held)
    }

    /// "delivery held back by pid …" when an in-flight writer, not the consumer, is why it is behind; else "".
    func heldBack(_ c: Snapshot.Cursor, snapshot: Snapshot) -> String {
        guard c.lagEvents > 0 else { return "" }
        var blocker: Snapshot.DeliveryBlocker?
        if let st = snapshot.streams, c.source == "events", c.position >= st.safePosition {
            blocker = snapshot.sessions?.deliveryBlockers.first(where: { $0.log == "events" })
        } else if c.source == "outbox", let b = snapshot.sessions?.deliveryBlockers.first(where: { $0.log == "outbox" }),
            c.position >= b.registeredAfter
        {
            blocker = b
        }
        guard let b = blocker else { return "" }
        return "delivery held back by pid \(b.pid)" + (b.transactionSeconds.map { " (transaction open \(Format.duration($0)))" } ?? "")
    }
}
