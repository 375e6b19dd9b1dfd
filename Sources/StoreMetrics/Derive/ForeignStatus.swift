import Foundation

/// The status of a foreign consumer (issue 18), with the reason. eventcore 2 records when a subscription last
/// checkpointed, so its status is right on the first snapshot. factstr records neither a time nor an owner for a
/// cursor: a stall shows only once storetop has seen the position stand still (`lastMoved`, carried between
/// snapshots), and WHY says so.
enum ForeignStatus {
    /// A consumer with work whose progress has stood still this long is STALLED.
    static let stallAfter: TimeInterval = 60
    /// A consumer whose first unhandled event is older than this is LAGGING.
    static let lagAfter: TimeInterval = 30

    /// A consumer's own figures: the first config threshold matching `<kind>:<schema>`, its name and no tenant
    /// (foreign consumers have none) over the constants above. `lagEvents`, when a threshold sets it, is needed too.
    struct Limits: Equatable {
        var stallAfter = ForeignStatus.stallAfter, lagAfter = ForeignStatus.lagAfter
        var lagEvents: Int64 = 1

        init(_ thresholds: [ConsumerThreshold] = [], store: String = "", consumer: String = "") {
            guard let t = thresholds.first(where: { $0.matches(store: store, tenant: "", consumer: consumer) }) else { return }
            (stallAfter, lagAfter, lagEvents) = (t.stallAfter ?? stallAfter, t.lagSeconds ?? lagAfter, t.lagEvents ?? lagEvents)
        }
    }

    /// Sets status and why of every consumer of `store`. `lastMoved[name]` is when storetop first saw the cursor at
    /// its current position (factstr); `watchedSince` when storetop started watching this store.
    static func assign(
        _ store: inout Snapshot.ForeignStore, lastMoved: [String: Date], watchedSince: Date, now: Date, thresholds: [ConsumerThreshold] = []
    ) {
        for i in store.consumers.indices {
            let c = store.consumers[i]
            let limits = Limits(thresholds, store: "\(store.kind.rawValue):\(store.schema)", consumer: c.name)
            let (status, why) =
                store.kind == .factstr
                ? factstr(c, still: lastMoved[c.name].map { now.timeIntervalSince($0) }, watched: now.timeIntervalSince(watchedSince), limits)
                : recorded(c, limits)
            store.consumers[i].status = status
            store.consumers[i].why = why
        }
    }

    static func lag(_ c: Snapshot.ForeignStore.Consumer) -> String {
        "\(c.lagCapped ? "≥" : "")\(c.lagEvents ?? 0) events to handle"
            + (c.oldestUnhandledAgeSeconds.map { ", the oldest \(Format.duration($0)) old" } ?? "")
    }

    static func recorded(_ c: Snapshot.ForeignStore.Consumer, _ l: Limits = Limits()) -> (String, String) {
        guard (c.lagEvents ?? 0) > 0 else { return ("OK", "caught up") }
        if let since = c.sinceCheckpointSeconds, since >= l.stallAfter {
            let leader = c.leaderConnected == false ? "; no process holds its leader lock" : ""
            return ("STALLED", "no checkpoint for \(Format.duration(since)) with \(lag(c))\(leader)")
        }
        if let age = c.oldestUnhandledAgeSeconds, age >= l.lagAfter, (c.lagEvents ?? 0) >= l.lagEvents { return ("LAGGING", lag(c)) }
        return ("OK", lag(c))
    }

    static func factstr(
        _ c: Snapshot.ForeignStore.Consumer, still: TimeInterval?, watched: TimeInterval, _ l: Limits = Limits()
    ) -> (String, String) {
        guard (c.lagEvents ?? 0) > 0 else { return ("OK", "caught up") }
        let unrecorded = "factstr records no progress time or owner for a cursor"
        if let still, still >= l.stallAfter {
            return ("STALLED", "position unchanged for \(Format.duration(still)) as storetop watched, with \(lag(c)) (\(unrecorded))")
        }
        if let age = c.oldestUnhandledAgeSeconds, age >= l.lagAfter, (c.lagEvents ?? 0) >= l.lagEvents {
            return (
                "LAGGING",
                "\(lag(c)); a stall shows after \(Format.duration(l.stallAfter)) of watching (\(unrecorded); watched \(Format.duration(watched)))"
            )
        }
        return ("OK", lag(c))
    }
}
