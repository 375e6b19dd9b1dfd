import Foundation
import StoreMetrics

/// 2 Sessions: `pg_stat_activity` grouped by service/store/tenant; Enter expands a group into its backends.
enum SessionsView {
    /// A group line, or one of its backends under it.
    enum Row: Sendable {
        case group(Snapshot.SessionGroup, expanded: Bool)
        case backend(Snapshot.Backend, Context)
    }

    /// What a backend line needs besides the backend: the snapshot's instant and the delivery it holds back.
    struct Context: Sendable {
        let now: Date
        let holds: String?
    }

    static let columns: [ColumnSpec<Row>] = [
        spec(
            "SERVICE/STORE/TENANT", 26, flex: true, right: false,
            group: { g, open in ((open ? "▾ " : "▸ ") + name(g), g.other ? .dim : .accent, .text(name(g))) },
            backend: { b, x in
                (
                    "   pid \(b.pid) \(note(b, x))\(b.query.replacingOccurrences(of: "\n", with: " "))",
                    b.blockedBy.isEmpty ? (x.holds != nil ? .warning : .normal) : .critical
                )
            }),
        spec("TOTAL", 5, group: { g, _ in ("\(g.total)", .normal, .num(Double(g.total))) }, backend: { _, _ in ("", .normal) }),
        spec(
            "ACTIVE", 6, group: { g, _ in ("\(g.active)", .normal, .num(Double(g.active))) },
            backend: { b, _ in (b.state == "active" ? "act" : "", .normal) }),
        spec(
            "IDLE", 5, priority: 2, group: { g, _ in ("\(g.idle)", .normal, .num(Double(g.idle))) },
            backend: { b, _ in (b.state == "idle" ? "idle" : "", .normal) }),
        spec(
            "IDLE-TX", 7,
            group: { g, _ in ("\(g.idleInTransaction)", g.idleInTransaction > 0 ? .warning : .normal, .num(Double(g.idleInTransaction))) },
            backend: { b, _ in (b.state.hasPrefix("idle in") ? "idle-tx" : "", .warning) }),
        // only lock waits are "waiting"; Client/Activity/Timeout waits are a session at rest
        spec(
            "WAIT", 5, group: { g, _ in ("\(g.waiting)", g.waiting > 0 ? .critical : .normal, .num(Double(g.waiting))) },
            backend: { b, _ in (b.waitEventType == "Lock" ? "lock" : "", .critical) }),
        spec(
            "LONGEST Q", 9, priority: 3,
            group: { g, _ in
                (g.longestQuerySeconds.map(Format.duration) ?? "-", Views.ageRole(g.longestQuerySeconds, 10, 60), .num(g.longestQuerySeconds ?? -1))
            },
            backend: { b, x in
                ((b.state == "active" ? b.queryStart : b.stateChange).map { Format.duration(x.now.timeIntervalSince($0)) } ?? "-", .normal)
            }),
        spec(
            "OLDEST TX", 9, priority: 6,
            group: { g, _ in
                (
                    g.oldestTransactionSeconds.map(Format.duration) ?? "-", Views.ageRole(g.oldestTransactionSeconds, 60, 300),
                    .num(g.oldestTransactionSeconds ?? -1)
                )
            },
            backend: { b, x in
                (
                    b.transactionStart.map { Format.duration(x.now.timeIntervalSince($0)) } ?? "-",
                    Views.ageRole(b.transactionStart.map { x.now.timeIntervalSince($0) }, 60, 300)
                )
            }),
    ]

    /// A column whose group and backend lines are filled side by side (backends are never sorted).
    static func spec(
        _ title: String, _ width: Int, flex: Bool = false, right: Bool = true, priority: Int = 5,
        group: @escaping @Sendable (Snapshot.SessionGroup, Bool) -> (String, Role, SortKey),
        backend: @escaping @Sendable (Snapshot.Backend, Context) -> (String, Role)
    ) -> ColumnSpec<Row> {
        @Sendable func cell(_ r: Row) -> (String, Role, SortKey) {
            switch r {
            case .group(let g, let open): return group(g, open)
            case .backend(let b, let x): let (t, role) = backend(b, x); return (t, role, .num(0))
            }
        }
        return ColumnSpec(title, width, right: right, flex: flex, priority: priority, role: { cell($0).1 }, sort: { cell($0).2 }) { cell($0).0 }
    }

    @Sendable static func name(_ g: Snapshot.SessionGroup) -> String {
        g.other ? "\(g.service) (other client)" : "\(g.service)/\(g.store)" + (g.tenant.map { "/\($0)" } ?? "")
    }

    @Sendable static func note(_ b: Snapshot.Backend, _ x: Context) -> String {
        var note = b.blockedBy.isEmpty ? "" : "blocked by \(b.blockedBy.map(String.init).joined(separator: ","))  "
        if let log = x.holds { note += "holds \(log) delivery  " }
        return note
    }

    static func table(_ snap: Snapshot, tenant: String?, expanded: Set<String>) -> Table {
        let ss = snap.sessions
        let blockers = Dictionary((ss?.deliveryBlockers ?? []).map { ($0.pid, $0.log) }, uniquingKeysWith: { a, _ in a })
        let rows = (ss?.groups ?? []).filter { tenant == nil || $0.tenant == tenant }.map { g -> TableRow in
            let open = expanded.contains(g.key)
            let children =
                !open
                ? []
                : (ss?.backends ?? []).filter { Snapshot.SessionGroup.key(ofApplicationName: $0.applicationName) == g.key }.map {
                    TableRow(columns, .backend($0, Context(now: snap.takenAt, holds: blockers[$0.pid])), id: .backend($0.pid))
                }
            return TableRow(columns, .group(g, expanded: open), id: .group(g.key), children: children)
        }
        return Table(columns, rows: rows)
    }
}
