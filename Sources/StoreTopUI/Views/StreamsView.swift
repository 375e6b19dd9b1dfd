import Foundation
import StoreMetrics

/// 4 Streams: per tenant, the event log's head, size and append rate.
enum StreamsView {
    struct Row: Sendable {
        let t: Snapshot.TenantHead
        let rate: Double?
        let trend: [Double]
        let now: Date
    }

    static let columns: [ColumnSpec<Row>] = [
        .init("TENANT", 14, flex: true, role: { _ in .accent }, sort: { .text($0.t.tenant) }) { $0.t.tenant },
        .init("HEAD POS", 9, right: true, sort: { .num(Double($0.t.headPosition)) }) { "\($0.t.headPosition)" },
        .init("EVENTS", 8, right: true, sort: { .num(Double($0.t.events)) }) { Format.count($0.t.events) },
        .init("STREAMS", 7, right: true, priority: 4, sort: { .num(Double($0.t.streams)) }) { "\($0.t.streams)" },
        .init("APPEND/S", 9, right: true, sort: { .num($0.rate ?? 0) }) { Views.rate($0.rate) },
        .init("RATE (last 20)", 20, priority: 2, role: { _ in .sparkline }, sort: { .num($0.trend.last ?? 0) }) { Views.sparkline($0.trend, 20) },
        .init("LAST WRITE", 11, right: true, priority: 3, sort: { r in .num(r.t.lastWriteAt.map { -r.now.timeIntervalSince($0) } ?? -1e12) }) { r in
            // a write stamped a moment after the snapshot (clocks of two sessions) is "just now", never "- ago"
            r.t.lastWriteAt.map { Format.duration(max(0, r.now.timeIntervalSince($0))) + " ago" } ?? "-"
        },
    ]

    static func table(_ snap: Snapshot, _ d: Derived?, tenant: String?, store: String = "storeaccess") -> Table {
        let rows = (snap.streams?.tenants ?? []).filter { tenant == nil || $0.tenant == tenant }.map {
            Row(t: $0, rate: d?.tenantAppendRate[$0.tenant], trend: d?.tenantAppendRateHistory[$0.tenant] ?? [], now: snap.clock)
        }
        let foreign = ForeignRows.stores(snap, tenant: tenant).filter { $0.head != nil }.map {
            ForeignLine(row: ForeignRows.At(value: $0, now: snap.clock), id: .foreign($0.label), store: $0.label)
        }
        let own = rows.map { TableRow(columns, $0, id: .tenantHead($0.t.tenant)) }
        return StoreColumn.merge(columns, own: own, ownStore: store, foreign: foreign, cells: ForeignRows.streams)
    }
}
