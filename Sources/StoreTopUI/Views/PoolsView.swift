import Foundation
import StoreMetrics

/// 3 Pools: every application pool that reports itself, with its saturation and acquire times.
enum PoolsView {
    typealias Row = Snapshot.Pool

    static let columns: [ColumnSpec<Row>] = [
        .init("SERVICE/STORE/TENANT", 20, flex: true, role: { _ in .accent }, sort: { .text(name($0)) }) { name($0) },
        .init("HOST:PID", 16, priority: 3, sort: { .text("\($0.host):\($0.pid)") }) { "\($0.host):\($0.pid)" },
        .init("UTILIZATION", 16, role: utilizationRole, sort: { .num($0.utilization) }) {
            Views.bar($0.utilization, 10) + String(format: " %3.0f%%", $0.utilization * 100)
        },
        .init("USE/MAX", 7, right: true, sort: { .num(Double($0.inUse)) }) { "\($0.inUse)/\($0.maxSize)" },
        .init("IDLE", 4, right: true, priority: 2, sort: { .num(Double($0.idle)) }) { "\($0.idle)" },
        .init("WAIT", 4, right: true, priority: 7, role: { $0.waiting > 0 ? .warning : .normal }, sort: { .num(Double($0.waiting)) }) {
            "\($0.waiting)"
        },
        .init("TIMEOUTS", 8, right: true, priority: 6, role: { $0.timeoutsTotal > 0 ? .critical : .normal }, sort: { .num(Double($0.timeoutsTotal)) })
        {
            "\($0.timeoutsTotal)"
        },
        .init(
            "P99 MS", 7, right: true, priority: 4, role: { $0.acquireP99Milliseconds > 100 ? .warning : .normal },
            sort: { .num($0.acquireP99Milliseconds) }
        ) {
            String(format: "%.1f", $0.acquireP99Milliseconds)
        },
        .init("REPORT AGE", 12, priority: 8, role: { $0.stale ? .critical : .normal }, sort: { .num($0.reportAgeSeconds) }) {
            Format.duration($0.reportAgeSeconds) + ($0.stale ? " STALE" : "")
        },
    ]

    @Sendable static func name(_ p: Row) -> String { "\(p.service)/\(p.store)" + (p.tenant.isEmpty ? "" : "/\(p.tenant)") }

    @Sendable static func utilizationRole(_ p: Row) -> Role { p.utilization >= 1 ? .critical : (p.utilization >= 0.8 ? .warning : .meterFill) }

    static func table(_ snap: Snapshot, tenant: String?) -> Table {
        // pools without a tenant serve every tenant: shown only when no tenant is drilled into
        let rows = snap.pools.filter { tenant == nil || (!$0.tenant.isEmpty && $0.tenant == tenant) }
        return Table(
            columns, rows: rows.map { TableRow(columns, $0, id: .pool("\($0.host):\($0.pid):\($0.startedAt.timeIntervalSince1970)"), dim: $0.stale) })
    }
}
