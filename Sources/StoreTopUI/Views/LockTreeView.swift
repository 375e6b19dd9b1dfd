import Foundation
import StoreMetrics

/// Sessions, `L`: the blocking chains as a tree from each root blocker (`LockTree`, from `pg_blocking_pids`),
/// each line with its waiters, state, wait, how long it has waited, its transaction's age, its group and query.
/// Roots sort (most waiters first by default); the lines under a root keep the tree's order.
enum LockTreeView {
    struct Row: Sendable {
        let node: LockTree.Node
        let group: String
        let now: Date

        var transaction: Double? { node.backend?.transactionStart.map { max(0, now.timeIntervalSince($0)) } }
    }

    static let columns: [ColumnSpec<Row>] = [
        ColumnSpec("PID (BLOCKER › WAITERS)", 24, role: role, sort: { .num(Double($0.node.pid)) }) { tree($0.node) },
        ColumnSpec(
            "WAITERS", 8, right: true, descending: true, role: { $0.node.waiters > 0 ? .critical : .normal }, sort: { .num(Double($0.node.waiters)) }
        ) {
            $0.node.waiters > 0 ? "\($0.node.waiters)" : ""
        },
        ColumnSpec("STATE", 8, sort: { .text($0.node.backend?.state ?? "") }) { $0.node.backend.map(BackendsView.state) ?? "?" },
        ColumnSpec("WAIT", 16, priority: 4, sort: { .text($0.node.backend.map(BackendsView.wait) ?? "") }) {
            $0.node.backend.map(BackendsView.wait) ?? "-"
        },
        ColumnSpec(
            "WAITED", 7, right: true, descending: true, role: { Views.ageRole($0.node.waitSeconds, 5, 60) }, sort: { .num($0.node.waitSeconds ?? -1) }
        ) { $0.node.waitSeconds.map(Format.duration) ?? "-" },
        ColumnSpec(
            "TX AGE", 8, right: true, priority: 3, descending: true, role: { Views.ageRole($0.transaction, 60, 300) },
            sort: { .num($0.transaction ?? -1) }
        ) { $0.transaction.map(Format.duration) ?? "-" },
        ColumnSpec("GROUP", 20, priority: 2, sort: { .text($0.group) }) { $0.group },
        ColumnSpec("QUERY", 30, flex: true, sort: { .text($0.node.backend?.query ?? "") }) {
            $0.node.backend.map { BackendsView.oneLine($0.query) } ?? "(not a client backend of this database, or past the sessions read)"
        },
    ]

    /// The tree column: a root's pid, then each waiter indented under what it waits for.
    static func tree(_ n: LockTree.Node) -> String {
        let mark = n.cycle ? "  (cycle: a deadlock not yet broken)" : ""
        guard n.depth > 0 else { return "\(n.pid)\(mark)" }
        return String(repeating: "  ", count: n.depth - 1) + "└ \(n.pid)" + mark
    }

    @Sendable static func role(_ r: Row) -> Role { r.node.depth == 0 ? .critical : (r.node.cycle ? .warning : .normal) }

    /// The column the view sorts by first (WAITERS: the root with the most waiters first).
    static let defaultSort = 1

    static func table(_ snap: Snapshot, tenant: String?) -> Table {
        let tree = LockTree(snap.sessions, now: snap.clock)
        guard !tree.isEmpty else {
            let text = snap.sessions == nil ? "sessions were not read (see errors)" : "no backend waits on a lock held by another"
            return Table(columns: columns.map(\.column), rows: [note(text)])
        }
        var names: [String: String] = [:]
        for g in snap.sessions?.groups ?? [] { names[g.key] = SessionsView.name(g) }
        let tenantKeys = tenant.map { t in Set((snap.sessions?.groups ?? []).filter { $0.tenant == t }.map(\.key)) }
        // each root with the lines under it; a drilled-in tenant keeps the chains one of its backends is in
        var roots: [TableRow] = []
        var keep: [Bool] = []
        for n in tree.nodes {
            let key = n.backend.map { Snapshot.SessionGroup.key(ofApplicationName: $0.applicationName) }
            let group = n.backend.map { b in key.flatMap { names[$0] } ?? b.applicationName } ?? "-"
            let r = TableRow(columns, Row(node: n, group: group, now: snap.clock), id: .backend(n.pid))
            let mine = tenantKeys.map { keys in key.map(keys.contains) ?? false } ?? true
            if n.depth == 0 {
                roots.append(r)
                keep.append(mine)
            } else {
                roots[roots.count - 1].children.append(r)
                keep[keep.count - 1] = keep[keep.count - 1] || mine
            }
        }
        roots = zip(roots, keep).filter(\.1).map(\.0)
        return Table(columns, rows: roots)
    }

    /// A line of text in the QUERY column (the table's columns stay those of the tree).
    static func note(_ text: String) -> TableRow {
        let blank = ColumnSpec<String>("", 0, sort: { _ in .num(0) }) { _ in "" }
        let specs = Array(repeating: blank, count: columns.count - 1) + [ColumnSpec("", 0, role: { _ in .dim }, sort: { _ in .num(0) }) { $0 }]
        return TableRow(specs, text, id: .note(text))
    }
}
