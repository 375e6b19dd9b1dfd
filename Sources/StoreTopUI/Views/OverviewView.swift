import StoreMetrics

/// 1 Overview: one row per tenant, aggregating every panel.
enum OverviewView {
    struct Row: Sendable {
        let t: TenantSummary
        /// The tenant's append rate over the last refreshes.
        let trend: [Double]
        /// Events of this tenant are committed but held back (above the deliverable position) by a blocker.
        var held = false
        /// The worst lag is a lower bound (its count stopped at the cap).
        var capped = false
    }

    static let columns: [ColumnSpec<Row>] = [
        .init("TENANT", 10, flex: true, role: { $0.held ? .warning : .accent }, sort: { .text($0.t.tenant) }) {
            $0.t.tenant + ($0.held ? " held" : "")
        },
        .init("SESS", 5, right: true, priority: 4, sort: { .num(Double($0.t.sessions)) }) { "\($0.t.sessions)" },
        .init("POOLS", 5, right: true, priority: 2, sort: { .num(Double($0.t.pools)) }) { "\($0.t.pools)" },
        .init("EVENTS", 8, right: true, priority: 3, sort: { .num(Double($0.t.events)) }) { Format.count($0.t.events) },
        .init("APPEND/S", 9, right: true, priority: 7, sort: { .num($0.t.appendRate ?? 0) }) { Views.rate($0.t.appendRate) },
        .init("TREND", 12, priority: 1, role: { _ in .sparkline }, sort: { .num($0.trend.last ?? 0) }) { Views.sparkline($0.trend, 12) },
        .init("WORST LAG", 9, right: true, priority: 8, role: lagRole, sort: { .num(Double($0.t.worstLagEvents)) }) {
            Views.worstLag($0.t, capped: $0.capped)
        },
        .init("LAG TIME", 8, right: true, priority: 8, role: lagRole, sort: { .num($0.t.worstLagSeconds) }) {
            $0.t.worstLagEvents > 0 ? Format.duration($0.t.worstLagSeconds) : "-"
        },
        .init("STATUS", 8, priority: 9, role: { Views.statusRole($0.t.worstStatus) }, sort: { .num(Double(Views.severity($0.t.worstStatus))) }) {
            $0.t.worstStatus.rawValue.uppercased()
        },
        .init("CONSUMER", 14, priority: 4, sort: { .text($0.t.worstConsumer ?? "") }) { $0.t.worstConsumer ?? "-" },
        .init("PARKED", 6, right: true, priority: 5, role: { $0.t.parked > 0 ? .critical : .dim }, sort: { .num(Double($0.t.parked)) }) {
            $0.t.parked > 0 ? Format.count($0.t.parked) : "-"
        },
        .init("OUTBOX", 7, right: true, priority: 6, sort: { .num(Double($0.t.outboxRows)) }) { Format.count($0.t.outboxRows) },
        .init(
            "OLDEST", 7, right: true, priority: 4, role: { Views.ageRole($0.t.oldestOutboxAge, 3600, 86400) },
            sort: { .num($0.t.oldestOutboxAge ?? -1) }
        ) {
            $0.t.oldestOutboxAge.map(Format.duration) ?? "-"
        },
    ]

    @Sendable static func lagRole(_ r: Row) -> Role { Views.lagRole(r.t.worstLagSeconds, r.t.worstLagEvents) }

    static func rows(_ snap: Snapshot, _ d: Derived?) -> [Row] {
        let blocked = !(snap.sessions?.deliveryBlockers ?? []).isEmpty
        let waiting = Set((snap.streams?.tenants ?? []).filter { $0.waitingEvents > 0 }.map(\.tenant))
        return TenantSummary.rows(for: snap, derived: d).map {
            Row(
                t: $0, trend: d?.tenantAppendRateHistory[$0.tenant] ?? [], held: blocked && waiting.contains($0.tenant),
                capped: Views.worstCapped(snap, $0))
        }
    }

    static func table(_ snap: Snapshot, _ d: Derived?, tenant: String?, store: String = "storeaccess") -> Table {
        let rows = rows(snap, d).filter { tenant == nil || $0.t.tenant == tenant }
        let foreign = ForeignRows.stores(snap, tenant: tenant).map { ForeignLine(row: $0, id: .foreign($0.label), store: $0.label) }
        let own = rows.map { TableRow(columns, $0, id: .tenant($0.t.tenant)) }
        return StoreColumn.merge(columns, own: own, ownStore: store, foreign: foreign, cells: ForeignRows.overview)
    }
}
