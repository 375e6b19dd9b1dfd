import Foundation
import StoreMetrics

/// 2 Sessions: `pg_stat_activity` grouped by service/store/tenant; Enter expands a group into its backends.
enum SessionsView {
    /// A group line, or one of its backends under it.
    enum Row: Sendable {
        case group(Snapshot.SessionGroup, expanded: Bool, marks: String)
        case backend(Snapshot.Backend, Context)
    }

    /// What a backend line needs besides the backend: the snapshot's instant, the delivery it holds back, the
    /// backends waiting on its locks, and whether it holds the xmin horizon.
    struct Context: Sendable {
        let now: Date
        let holds: String?
        var blocks: [Int32] = []
        var horizon = false

        var marked: Bool { holds != nil || !blocks.isEmpty || horizon }
    }

    static let columns: [ColumnSpec<Row>] = [
        spec(
            "SERVICE/STORE/TENANT", 26, flex: true, right: false,
            group: { g, open, marks in
                // other clients sort after the store groups
                (
                    (open ? "▾ " : "▸ ") + name(g) + marks, marks.isEmpty ? (unnamed(g) ? .dim : .accent) : .warning,
                    .text((g.other ? "~" : "") + name(g))
                )
            },
            backend: { b, x in
                (
                    "   pid \(b.pid) \(note(b, x))\(b.query.replacingOccurrences(of: "\n", with: " "))",
                    b.blockedBy.isEmpty ? (x.marked ? .warning : .normal) : .critical
                )
            }),
        spec("TOTAL", 5, group: { g, _, _ in ("\(g.total)", .normal, .num(Double(g.total))) }, backend: { _, _ in ("", .normal) }),
        spec(
            "ACTIVE", 6, group: { g, _, _ in ("\(g.active)", .normal, .num(Double(g.active))) },
            backend: { b, _ in (b.state == "active" ? "act" : "", .normal) }),
        spec(
            "IDLE", 5, priority: 2, group: { g, _, _ in ("\(g.idle)", .normal, .num(Double(g.idle))) },
            backend: { b, _ in (b.state == "idle" ? "idle" : "", .normal) }),
        spec(
            "IDLE-TX", 7,
            group: { g, _, _ in ("\(g.idleInTransaction)", g.idleInTransaction > 0 ? .warning : .normal, .num(Double(g.idleInTransaction))) },
            backend: { b, _ in (b.state.hasPrefix("idle in") ? "idle-tx" : "", .warning) }),
        // only lock waits are "waiting"; Client/Activity/Timeout waits are a session at rest
        spec(
            "WAIT", 5, group: { g, _, _ in ("\(g.waiting)", g.waiting > 0 ? .critical : .normal, .num(Double(g.waiting))) },
            backend: { b, _ in (b.waitEventType == "Lock" ? "lock" : "", .critical) }),
        spec(
            "LONGEST Q", 9, priority: 3,
            group: { g, _, _ in
                (g.longestQuerySeconds.map(Format.duration) ?? "-", Views.ageRole(g.longestQuerySeconds, 10, 60), .num(g.longestQuerySeconds ?? -1))
            },
            backend: { b, x in
                ((b.state == "active" ? b.queryStart : b.stateChange).map { Format.duration(x.now.timeIntervalSince($0)) } ?? "-", .normal)
            }),
        spec(
            "OLDEST TX", 9, priority: 6,
            group: { g, _, _ in
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
        group: @escaping @Sendable (Snapshot.SessionGroup, Bool, String) -> (String, Role, SortKey),
        backend: @escaping @Sendable (Snapshot.Backend, Context) -> (String, Role)
    ) -> ColumnSpec<Row> {
        @Sendable func cell(_ r: Row) -> (String, Role, SortKey) {
            switch r {
            case .group(let g, let open, let marks): return group(g, open, marks)
            case .backend(let b, let x): let (t, role) = backend(b, x); return (t, role, .num(0))
            }
        }
        return ColumnSpec(title, width, right: right, flex: flex, priority: priority, role: { cell($0).1 }, sort: { cell($0).2 }) { cell($0).0 }
    }

    /// `service/store/tenant` for StoreAccess's groups and a recognized library's (`axon/shop/acme`), the raw
    /// application_name for other clients.
    @Sendable static func name(_ g: Snapshot.SessionGroup) -> String {
        unnamed(g) ? "\(g.service) (other client)" : "\(g.service)/\(g.store)" + (g.tenant.map { "/\($0)" } ?? "")
    }

    /// A client whose application_name storetop does not parse.
    @Sendable static func unnamed(_ g: Snapshot.SessionGroup) -> Bool { g.other && g.library == nil }

    @Sendable static func note(_ b: Snapshot.Backend, _ x: Context) -> String {
        var note = b.blockedBy.isEmpty ? "" : "blocked by \(b.blockedBy.map(String.init).joined(separator: ","))  "
        if !x.blocks.isEmpty { note += "blocks \(x.blocks.map(String.init).joined(separator: ","))  " }
        if let log = x.holds { note += "holds \(log) delivery  " }
        if x.horizon { note += "holds the xmin horizon  " }
        return note
    }

    static func table(_ snap: Snapshot, tenant: String?, expanded: Set<String>) -> Table {
        let ss = snap.sessions
        let blockers = Dictionary((ss?.deliveryBlockers ?? []).map { ($0.pid, $0.log) }, uniquingKeysWith: { a, _ in a })
        // built once per frame: who waits on whom, and each group's backends (not a scan of every backend per row)
        let waiters = ss?.waitersByBlocker ?? [:]
        let byGroup = ss?.backendsByGroup(database: snap.server?.database) ?? [:]
        func context(_ b: Snapshot.Backend) -> Context {
            Context(now: snap.clock, holds: blockers[b.pid], blocks: waiters[b.pid] ?? [], horizon: ss?.xminHolder?.pid == b.pid)
        }
        let rows = (ss?.groups ?? []).filter { tenant == nil || $0.tenant == tenant }.map { g -> TableRow in
            let open = expanded.contains(g.key)
            let mine = byGroup[g.key] ?? []
            let children = !open ? [] : mine.map { TableRow(columns, .backend($0, context($0)), id: .backend($0.pid)) }
            // a collapsed group says when one of its backends holds a lock others wait on, delivery or the horizon
            let marked = open ? "" : marks(mine.map(context))
            return TableRow(columns, .group(g, expanded: open, marks: marked), id: .group(g.key), children: children)
        }
        return Table(columns, rows: rows)
    }

    static func marks(_ xs: [Context]) -> String {
        var m: [String] = []
        if xs.contains(where: { !$0.blocks.isEmpty }) { m.append("lock") }
        if xs.contains(where: { $0.holds != nil }) { m.append("delivery") }
        if xs.contains(where: \.horizon) { m.append("horizon") }
        return m.isEmpty ? "" : " [" + m.joined(separator: ",") + "]"
    }
}
