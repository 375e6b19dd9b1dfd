import Foundation

/// What two or more snapshots say that one cannot: rates, statuses, catch-up times, sparkline histories.
/// `History.add` makes one per snapshot; it also carries that snapshot's tenant summary, built once.
public struct Derived: Sendable, Equatable {
    /// A consumer's key (`CursorKey`; the nested name is kept for existing callers).
    public typealias CursorKey = StoreMetrics.CursorKey
    /// An outbox's key (`OutboxKey`; the nested name is kept for existing callers).
    public typealias OutboxKey = StoreMetrics.OutboxKey

    /// A consumer's status over the window, with the reason and its rates.
    public struct CursorHealth: Sendable, Equatable {
        /// The status by the rules of `LagStatus`.
        public var status: LagStatus
        /// Why, in words (e.g. "no progress for 42 s while 1200 behind"; "delivery held back by pid 123").
        public var reason: String
        /// Positions per second handled.
        public var consumeRate: Double?
        /// Seconds to catch up at the current rates (nil: not catching up).
        public var catchUpSeconds: Double?
    }

    /// Global events committed per second: the sum of the tenants' rates (delivered or held back).
    public var appendRate: Double?
    /// Transactions per second in this database.
    public var transactionRate: Double?
    /// Events committed per second, per tenant (delivered or held back behind an open transaction).
    public var tenantAppendRate: [String: Double] = [:]
    /// Recent global append rates, oldest first (for a sparkline).
    public var appendRateHistory: [Double] = []
    /// Recent append rates per tenant, oldest first.
    public var tenantAppendRateHistory: [String: [Double]] = [:]
    /// Each consumer's status in the snapshot this was derived for.
    public var cursors: [CursorKey: CursorHealth] = [:]
    /// Outbox rows per second (growth; negative while pruning).
    public var outboxGrowth: [OutboxKey: Double] = [:]
    /// What the sessions wait on, per group and wait event: now, and the mean over the refreshes of the last minute
    /// (`WaitEvents`); most backends now first.
    public var waits: [WaitEventSummary] = []
    /// The queries that took the most execution time in the last minute (pg_stat_statements' growth between
    /// refreshes, `TopQueries`), with the session groups seen running them; empty without the extension.
    public var topQueries: [TopQuery] = []
    /// The tenant summary of the snapshot this was derived for, built once by `History.add` (see `tenantSummary(for:)`).
    var summary: (takenAt: Date, rows: [TenantSummary])?

    /// An empty derivation (one snapshot says nothing about rates).
    public init() {}

    /// The per-tenant rows of `snapshot` with these derivations: the rows `History.add` built for that snapshot,
    /// or built now when this was derived for another snapshot (or made by hand). Views, the text report and the
    /// JSON export call this every frame instead of `TenantSummary.build`, so the summary is built once per snapshot.
    public func tenantSummary(for snapshot: Snapshot) -> [TenantSummary] {
        if let summary, summary.takenAt == snapshot.takenAt { return summary.rows }
        return TenantSummary.build(snapshot, self)
    }

    /// Equal when every derived figure is (the cached summary follows from them and the snapshot).
    public static func == (a: Derived, b: Derived) -> Bool {
        a.appendRate == b.appendRate && a.transactionRate == b.transactionRate && a.tenantAppendRate == b.tenantAppendRate
            && a.appendRateHistory == b.appendRateHistory && a.tenantAppendRateHistory == b.tenantAppendRateHistory
            && a.cursors == b.cursors && a.outboxGrowth == b.outboxGrowth && a.waits == b.waits && a.topQueries == b.topQueries
    }
}
