import Foundation
import StoreMetrics

/// Builds each view's table from the model, and the formatting the views share. Views only format: every
/// figure comes from the snapshot and its derivations.
enum Views {
    static func table(_ view: View, _ m: Model, _ s: UIState) -> Table {
        guard let snap = m.snapshot else { return Table(columns: [Column(title: "", width: 10, flex: true)], rows: []) }
        let d = m.derived
        switch view {
        case .overview: return OverviewView.table(snap, d, tenant: s.tenant)
        case .sessions: return SessionsView.table(snap, tenant: s.tenant, expanded: s.expandedGroups)
        case .pools: return PoolsView.table(snap, tenant: s.tenant)
        case .streams: return StreamsView.table(snap, d, tenant: s.tenant)
        case .consumers: return ConsumersView.table(snap, d, tenant: s.tenant)
        case .outboxes: return OutboxesView.table(snap, d, tenant: s.tenant)
        case .bookmarks: return BookmarksView.table(snap, tenant: s.tenant)
        }
    }

    static func rate(_ r: Double?) -> String { r.map { $0 >= 100 ? String(format: "%.0f", $0) : String(format: "%.1f", $0) } ?? "-" }

    static let blocks: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    /// The last `width` values as block characters scaled to their maximum.
    static func sparkline(_ values: [Double], _ width: Int) -> String {
        let v = values.suffix(width)
        guard let mx = v.max(), mx > 0 else { return String(repeating: "▁", count: v.count) }
        return String(v.map { blocks[min(7, Int(($0 / mx) * 7.0 + 0.5))] })
    }

    static func bar(_ f: Double, _ w: Int) -> String {
        let n = max(0, min(w, Int((f * Double(w)).rounded())))
        return String(repeating: "█", count: n) + String(repeating: "░", count: w - n)
    }

    static func severity(_ s: LagStatus) -> Int { TenantSummary.severity[s] ?? 0 }

    static func statusRole(_ s: LagStatus) -> Role {
        switch s {
        case .ok: return .ok
        case .lagging, .rewound: return .warning
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
