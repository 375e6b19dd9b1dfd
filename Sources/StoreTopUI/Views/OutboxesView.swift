import Foundation
import StoreMetrics

/// 6 Outboxes: per tenant and kind, the backlog, its growth, what is safe to prune, its retention policy (the config
/// file's rule) and its newest prune.
enum OutboxesView {
    struct Row: Sendable {
        let o: Snapshot.Outbox
        /// Age of the oldest row (nil when unknown).
        let age: Double?
        let growth: Double?
        /// The retention rule's policy text (nil: no rule, or no config file).
        var policy: String? = nil
        /// Seconds since the newest prune ended (or started, while it runs).
        var pruneAge: Double? = nil
    }

    static let columns: [ColumnSpec<Row>] = [
        .init("TENANT/KIND", 18, flex: true, role: { _ in .accent }, sort: { .text(name($0)) }) { name($0) },
        .init("ROWS", 7, right: true, descending: true, role: { $0.o.rows > 100_000 ? .warning : .normal }, sort: { .num(Double($0.o.rows)) }) {
            Format.count($0.o.rows)
        },
        .init("OLDEST", 7, right: true, role: { Views.ageRole($0.o.rows > 0 ? $0.age : nil, 3600, 86400) }, sort: { .num($0.age ?? -1) }) {
            $0.o.rows > 0 ? ($0.age.map(Format.duration) ?? "-") : "-"
        },
        .init("GROWTH/S", 8, right: true, priority: 4, role: { ($0.growth ?? 0) > 0 ? .warning : .normal }, sort: { .num($0.growth ?? 0) }) {
            $0.growth.map { String(format: "%+.1f", $0) } ?? "-"
        },
        .init("SLOWEST WATCHER", 20, priority: 6, role: { $0.o.slowestWatcher == nil ? .dim : .normal }, sort: { .text($0.o.slowestWatcher ?? "") }) {
            r in
            r.o.slowestWatcher.map { "\($0) @\(r.o.slowestWatcherPosition ?? 0)" } ?? "(no watcher)"
        },
        .init("WATCHERS", 8, right: true, priority: 2, sort: { .num(Double($0.o.watchers)) }) { "\($0.o.watchers)" },
        .init("SAFE TO PRUNE", 13, right: true, priority: 7, role: { _ in .ok }, sort: { .num(Double($0.o.safeToPruneEstimate)) }) {
            "~" + Format.count($0.o.safeToPruneEstimate)
        },
        .init("POLICY", 14, priority: 1, role: { $0.policy == nil ? .dim : .normal }, sort: { .text($0.policy ?? "") }) { $0.policy ?? "-" },
        .init("LAST PRUNE", 18, priority: 1, role: { pruneRole($0.o.lastPruneStatus) }, sort: { .num($0.pruneAge ?? .infinity) }) { lastPrune($0) },
    ]

    /// "12m done 1.2k": how long ago the newest prune ended, its status and the rows it deleted.
    @Sendable static func lastPrune(_ r: Row) -> String {
        guard let status = r.o.lastPruneStatus else { return "-" }
        return "\(r.pruneAge.map(Format.duration) ?? "-") \(status) \(Format.count(r.o.lastPruneRows ?? 0))"
    }

    @Sendable static func pruneRole(_ status: String?) -> Role {
        switch status {
        case nil: return .dim
        case "failed"?: return .critical
        case "cancelled"?, "running"?: return .warning
        default: return .normal
        }
    }

    @Sendable static func name(_ r: Row) -> String { "\(r.o.tenant)/\(r.o.kind)" }

    /// - Parameter policy: the retention policy text of a tenant's outbox of a kind (`App.Options.outboxPolicy`).
    static func table(
        _ snap: Snapshot, _ d: Derived?, tenant: String?, store: String = "storeaccess", policy: (@Sendable (String, String) -> String?)? = nil
    ) -> Table {
        let rows = snap.outboxes.filter { tenant == nil || $0.tenant == tenant }.map { o in
            Row(
                o: o, age: o.oldestAt.map { snap.clock.timeIntervalSince($0) },
                growth: d?.outboxGrowth[Derived.OutboxKey(tenant: o.tenant, kind: o.kind)], policy: policy?(o.tenant, o.kind),
                pruneAge: o.lastPruneAt.map { max(0, snap.clock.timeIntervalSince($0)) })
        }
        let foreign = ForeignRows.stores(snap, tenant: tenant).flatMap { f in
            f.outboxes.map { ForeignLine(row: $0, id: .foreignOutbox(store: f.label, tenant: $0.tenant, kind: $0.kind), store: f.label) }
        }
        let own = rows.map { TableRow(columns, $0, id: .outbox(tenant: $0.o.tenant, kind: $0.o.kind)) }
        return StoreColumn.merge(columns, own: own, ownStore: store, foreign: foreign, cells: ForeignRows.outboxes)
    }
}
