import Foundation

/// What the sessions of one group wait on: now, and on average over the refreshes of the last minute.
public struct WaitEventSummary: Sendable, Equatable {
    /// The session group's key (`Snapshot.SessionGroup.key`).
    public var group: String
    /// The group's service (other clients: their application_name).
    public var service: String
    /// The group's store ("" for other clients).
    public var store: String
    /// The group's tenant.
    public var tenant: String?
    /// Not a StoreAccess group.
    public var other: Bool
    /// The wait event type (`Lock`, `LWLock`, `IO`, `Client`, `Timeout`, …), or `CPU` for an active backend that waits
    /// on nothing.
    public var type: String
    /// The wait event (`transactionid`, `PgSleep`, `ClientRead`, …); `CPU` for an active backend that waits on nothing.
    public var event: String
    /// Backends of the group in this wait in the latest snapshot.
    public var now: Int
    /// The mean number of such backends over the refreshes of the last minute (the latest included).
    public var minuteAverage: Double
    /// How many refreshes that mean is over.
    public var samples: Int

    /// The row's identity: group, type and event.
    public var key: String { "\(group)|\(type):\(event)" }
}

/// Counting backends by wait event: every client backend that is not idle (active, idle in a transaction, …)
/// counts once, under its `wait_event_type:wait_event`, or `CPU:CPU` when it is active and waits on nothing. Idle
/// sessions are left out (they all wait for their client, `Client:ClientRead`, and say nothing about load).
enum WaitEvents {
    /// A group and a wait event.
    struct Key: Hashable, Sendable {
        var group: String
        var type: String
        var event: String
    }

    /// The backends of `s` per group and wait event (nil when the sessions panel failed).
    static func counts(_ s: Snapshot) -> [Key: Int]? {
        guard let ss = s.sessions else { return nil }
        var out: [Key: Int] = [:]
        for (group, backends) in ss.backendsByGroup(database: s.server?.database) {
            for b in backends {
                guard let (type, event) = wait(b) else { continue }
                out[Key(group: group, type: type, event: event), default: 0] += 1
            }
        }
        return out
    }

    /// The wait a backend counts under, or nil for an idle one.
    static func wait(_ b: Snapshot.Backend) -> (String, String)? {
        guard b.state != "idle" else { return nil }
        if let t = b.waitEventType { return (t, b.waitEvent ?? "") }
        return b.state == "active" ? ("CPU", "CPU") : nil
    }

    /// The summaries of the latest sample, with the mean over every sample (each a refresh of the last minute); a
    /// wait seen in the minute but not now is listed with `now` 0. Most backends now first.
    static func summarize(_ samples: [[Key: Int]], groups: [String: Snapshot.SessionGroup]) -> [WaitEventSummary] {
        guard let latest = samples.last else { return [] }
        var sums: [Key: Int] = [:]
        for sample in samples { for (k, n) in sample { sums[k, default: 0] += n } }
        return sums.map { k, sum in
            let g = groups[k.group]
            return WaitEventSummary(
                group: k.group, service: g?.service ?? k.group, store: g?.store ?? "", tenant: g?.tenant, other: g?.other ?? true,
                type: k.type, event: k.event, now: latest[k] ?? 0, minuteAverage: Double(sum) / Double(samples.count),
                samples: samples.count)
        }.sorted { ($0.now, $0.minuteAverage, $1.key) > ($1.now, $1.minuteAverage, $0.key) }
    }
}
