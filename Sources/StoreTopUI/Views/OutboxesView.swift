import Foundation
import StoreMetrics

/// 6 Outboxes: per tenant and kind, the backlog, its growth and what is safe to prune.
enum OutboxesView {
    struct Row: Sendable {
        let o: Snapshot.Outbox
        /// Age of the oldest row (nil when unknown).
        let age: Double?
        let growth: Double?
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
    ]

    @Sendable static func name(_ r: Row) -> String { "\(r.o.tenant)/\(r.o.kind)" }

    static func table(_ snap: Snapshot, _ d: Derived?, tenant: String?, store: String = "storeaccess") -> Table {
        let rows = snap.outboxes.filter { tenant == nil || $0.tenant == tenant }.map { o in
            Row(
                o: o, age: o.oldestAt.map { snap.clock.timeIntervalSince($0) },
                growth: d?.outboxGrowth[Derived.OutboxKey(tenant: o.tenant, kind: o.kind)])
        }
        let foreign = ForeignRows.stores(snap, tenant: tenant).flatMap { f in
            f.outboxes.map { ForeignLine(row: $0, id: .foreignOutbox(store: f.label, tenant: $0.tenant, kind: $0.kind), store: f.label) }
        }
        let own = rows.map { TableRow(columns, $0, id: .outbox(tenant: $0.o.tenant, kind: $0.o.kind)) }
        return StoreColumn.merge(columns, own: own, ownStore: store, foreign: foreign, cells: ForeignRows.outboxes)
    }
}
