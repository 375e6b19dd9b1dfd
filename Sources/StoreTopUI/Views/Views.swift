import Foundation
import StoreMetrics

/// Builds each view's table from the model, and the formatting the views share. Views only format: every
/// figure comes from the snapshot and its derivations.
enum Views {
    static func table(_ view: View, _ m: Model, _ s: UIState) -> Table {
        guard let snap = m.snapshot else { return Table(columns: [Column(title: "", width: 10, flex: true)], rows: []) }
        let d = m.derived
        let own = StoreColumn.own(m)
        switch view {
        case .overview: return OverviewView.table(snap, d, tenant: s.tenant, store: own)
        case .sessions: return sessions(snap, d, s)
        case .pools: return PoolsView.table(snap, tenant: s.tenant)
        case .streams: return StreamsView.table(snap, d, tenant: s.tenant, store: own)
        case .consumers: return ConsumersView.table(snap, d, tenant: s.tenant, store: own)
        case .outboxes: return OutboxesView.table(snap, d, tenant: s.tenant, store: own, policy: m.outboxPolicy)
        case .bookmarks: return BookmarksView.table(snap, tenant: s.tenant, store: own)
        case .replication: return ReplicationView.table(snap)
        case .parked: return ParkedView.table(snap, tenant: s.tenant)
        }
    }

    /// The Sessions view in its mode (`a`, `L`, `w`, `Q`).
    static func sessions(_ snap: Snapshot, _ d: Derived?, _ s: UIState) -> Table {
        switch s.sessionsMode {
        case .groups: return SessionsView.table(snap, tenant: s.tenant, expanded: s.expandedGroups)
        case .backends: return BackendsView.table(snap, tenant: s.tenant)
        case .locks: return LockTreeView.table(snap, tenant: s.tenant)
        case .waits: return WaitEventsView.table(snap, d, tenant: s.tenant)
        case .queries: return TopQueriesView.table(snap, d, tenant: s.tenant)
        }
    }

    static func rate(_ r: Double?) -> String { r.map { $0 >= 100 ? String(format: "%.0f", $0) : String(format: "%.1f", $0) } ?? "-" }

    /// A count of events; "≥100k" when the count stopped at its cap (a lower bound).
    static func events(_ n: Int64, capped: Bool) -> String {
        let t = Format.count(n)
        return capped ? "≥" + t.replacingOccurrences(of: ".0k", with: "k").replacingOccurrences(of: ".0M", with: "M") : t
    }

    /// A consumer's LAG cell: its count ("≥10k" when capped), or "?" when this snapshot did not count it.
    static func lag(_ c: Snapshot.Cursor) -> String { c.lagEvents.map { events($0, capped: c.lagCapped) } ?? "?" }

    /// A tenant's WORST LAG cell: the largest counted lag, followed by "?" when some of its consumers were not
    /// counted this snapshot (the largest may be among those); "?" alone when none was.
    static func worstLag(_ t: TenantSummary, capped: Bool) -> String {
        guard t.lagsNotCounted > 0 else { return events(t.worstLagEvents, capped: capped) }
        return t.worstLagEvents == 0 ? "?" : events(t.worstLagEvents, capped: capped) + "?"
    }

    /// Is a tenant summary's worst lag a lower bound (capped)?
    static func worstCapped(_ snap: Snapshot, _ t: TenantSummary) -> Bool { t.worstLagCapped }

    static let blocks: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    /// The last `width` values as block characters scaled to their window's min..max (a flat line when they
    /// are all equal: low at zero, mid-height otherwise), so a small change of a large rate still shows.
    static func sparkline(_ values: [Double], _ width: Int) -> String {
        let v = values.suffix(width)
        guard let mx = v.max(), let mn = v.min() else { return "" }
        if mx == mn { return String(repeating: mx > 0 ? "▄" : "▁", count: v.count) }
        return String(v.map { blocks[min(7, max(0, Int((($0 - mn) / (mx - mn)) * 7.0 + 0.5)))] })
    }

    static func bar(_ f: Double, _ w: Int) -> String {
        let n = max(0, min(w, Int((f * Double(w)).rounded())))
        return String(repeating: "█", count: n) + String(repeating: "░", count: w - n)
    }

    static func severity(_ s: LagStatus) -> Int { TenantSummary.severity[s] ?? 0 }

    static func statusRole(_ s: LagStatus) -> Role {
        switch s {
        case .ok: return .ok
        case .lagging, .rewound, .paused: return .warning
        case .stalled, .stopped: return .critical
        }
    }

    static func lagRole(_ seconds: Double, _ events: Int64) -> Role {
        if events == 0 { return .ok }
        return seconds >= 600 ? .critical : (seconds >= 60 ? .warning : .normal)
    }

    static func ageRole(_ age: Double?, _ warn: Double, _ crit: Double) -> Role {
        guard let a = age else { return .normal }
        return a >= crit ? .critical : (a >= warn ? .warning : .normal)
    }
}
