import Foundation
import StoreMetrics

/// 5 Consumers: every durable consumer (event subscription or outbox watcher), its lag and status.
enum ConsumersView {
    struct Row: Sendable {
        let c: Snapshot.Cursor
        let h: Derived.CursorHealth?
        let status: LagStatus
    }

    static let columns: [ColumnSpec<Row>] = [
        .init("TENANT/CONSUMER", 22, role: { _ in .accent }, sort: { .text(name($0)) }) { name($0) },
        .init("SOURCE", 12, priority: 3, sort: { .text($0.c.source) }) { $0.c.source + ($0.c.kind.map { ":\($0)" } ?? "") },
        .init("POSITION", 8, right: true, priority: 2, sort: { .num(Double($0.c.position)) }) { "\($0.c.position)" },
        .init("LAG", 7, right: true, descending: true, role: lagRole, sort: { .num(Double($0.c.lagEvents ?? -1)) }) {
            Views.lag($0.c)
        },
        .init("LAG TIME", 8, right: true, descending: true, role: lagRole, sort: { .num($0.c.lagSeconds) }) {
            $0.c.lagEvents != 0 ? Format.duration($0.c.lagSeconds) : "-"
        },
        .init("RATE/S", 7, right: true, priority: 4, sort: { .num($0.h?.consumeRate ?? 0) }) {
            $0.h?.consumeRate.map { String(format: "%.1f", $0) } ?? "-"
        },
        .init("CATCH-UP", 8, right: true, priority: 4, sort: { .num($0.h?.catchUpSeconds ?? 1e12) }) {
            $0.h?.catchUpSeconds.map { $0 == 0 ? "-" : Format.duration($0) } ?? ($0.c.lagEvents != 0 && $0.status != .ok ? "never" : "-")
        },
        .init("PARKED", 6, right: true, priority: 5, role: { $0.c.parked > 0 ? .critical : .dim }, sort: { .num(Double($0.c.parked)) }) {
            $0.c.parked > 0 ? Format.count($0.c.parked) : "-"
        },
        .init("STATUS", 8, priority: 9, descending: true, role: { Views.statusRole($0.status) }, sort: { .num(Double(Views.severity($0.status))) }) {
            $0.status.rawValue.uppercased()
        },
        .init(
            "WHY", 20, flex: true, priority: 6, role: { $0.status == .ok ? .dim : Views.statusRole($0.status) }, sort: { .text($0.h?.reason ?? "") }
        ) {
            $0.h?.reason ?? ""
        },
    ]

    @Sendable static func name(_ r: Row) -> String { "\(r.c.tenant)/\(r.c.name)" }
    @Sendable static func lagRole(_ r: Row) -> Role { Views.lagRole(r.c.lagSeconds, r.c.lagEvents ?? 1) }

    static func rows(_ snap: Snapshot, _ d: Derived?) -> [Row] {
        snap.cursors.map { c in
            let h = d?.cursors[Derived.CursorKey(tenant: c.tenant, name: c.name)]
            return Row(c: c, h: h, status: h?.status ?? (c.lagEvents != 0 && !c.ownerConnected ? .stopped : .ok))
        }
    }

    static func table(_ snap: Snapshot, _ d: Derived?, tenant: String?, store: String = "storeaccess") -> Table {
        let rows = rows(snap, d).filter { tenant == nil || $0.c.tenant == tenant }
        let foreign = ForeignRows.stores(snap, tenant: tenant).flatMap { f in
            f.consumers.map { ForeignLine(row: $0, id: .foreignConsumer(store: f.label, name: $0.name), store: f.label) }
        }
        let own = rows.map { TableRow(columns, $0, id: .cursor($0.c.tenant, $0.c.name)) }
        return StoreColumn.merge(columns, own: own, ownStore: store, foreign: foreign, cells: ForeignRows.consumers)
    }
}
