import Foundation
import StoreMetrics

/// Builds a `RecordingReport` from one target's snapshots, added in time order. Pure (no file, no clock: times are
/// the snapshots' own), so it is tested with made-up snapshots. Memory grows with the consumers, tenants, outboxes,
/// pools and incidents seen, never with the number of snapshots: a day at 1 s is one pass.
public struct ReportBuilder: Sendable {
    /// How many of the longest transactions the report keeps.
    public static let transactionsKept = 10
    /// Transactions seen open for less than this are not worth a line (every statement is a transaction).
    public static let shortestTransaction = 1.0
    /// How many holders one interval names.
    static let holdersKept = 10

    /// The dashboard's derivations, run over every snapshot as the live dashboard runs them.
    var history: History
    var report: RecordingReport
    var lags: [CursorKey: RecordingReport.ConsumerLag] = [:]
    var open: [IntervalKey: RecordingReport.StatusInterval] = [:]
    var closed: [RecordingReport.StatusInterval] = []
    var rates: [String: RateHistogram] = [:]
    var outboxes: [OutboxKey: RecordingReport.OutboxChange] = [:]
    var outboxLast: [OutboxKey: (rows: Int64, appended: Int64)] = [:]
    var groups: [GroupKey: RecordingReport.GroupPeak] = [:]
    var transactions: [TransactionKey: RecordingReport.Transaction] = [:]
    /// The shortest of the kept transactions after the last trim: shorter ones cannot rank yet.
    var transactionFloor = -1.0
    var pools: [PoolKey: RecordingReport.PoolSaturation] = [:]
    var poolCounters: [PoolKey: (timeouts: Int64, errors: Int64)] = [:]
    var lastServer: (startedAt: Date, takenAt: Date)?

    /// A builder for `target`, judging consumers by `rules` (the dashboard's, from the same options). `warmUp`: the
    /// snapshot just before the interval, when there is one; it feeds the derivations (rates and statuses of the
    /// first snapshot) but is not reported.
    public init(target: String, rules: LagRules = LagRules(), warmUp: Snapshot? = nil) {
        history = History(rules: rules)
        report = RecordingReport(target: target)
        if let warmUp { _ = history.add(warmUp) }
    }

    /// Adds the next snapshot (later than every one before).
    public mutating func add(_ s: Snapshot) {
        let derived = history.add(s)
        let first = report.snapshots == 0
        report.snapshots += 1
        if first { report.from = s.takenAt }
        report.to = s.takenAt
        let failed = Set(s.errors.map(\.panel))
        // a panel that failed says nothing: its consumers, outboxes or pools did not end
        if !failed.contains("cursors") { consumers(s, derived, first: first) }
        for (tenant, rate) in derived.tenantAppendRate { rates[tenant, default: RateHistogram()].add(rate, at: s.takenAt) }
        if !failed.contains("outboxes") { outboxes(s) }
        if let ss = s.sessions { sessions(ss, s) }
        if !failed.contains("pools") { pools(s) }
        if let server = s.server { restart(server, s) }
    }

    /// The report, with `gaps`: the target's unreachable intervals that overlap the interval reported (a gap at the
    /// end of a recording follows its last snapshot, so the caller chooses them by the interval asked for).
    public func finish(gaps: [RecordingReader.Gap] = []) -> RecordingReport {
        var r = report
        r.consumers = lags.values.sorted { ($0.tenant, $0.name) < ($1.tenant, $1.name) }
        r.stalls = (closed + open.values).sorted { ($0.start, $0.tenant, $0.name, $0.status) < ($1.start, $1.tenant, $1.name, $1.status) }
        r.tenants = rates.keys.sorted().map { t in
            let h = rates[t]!
            return .init(tenant: t, samples: h.count, p50: h.quantile(0.5), p99: h.quantile(0.99), max: h.max, maxAt: h.maxAt)
        }
        r.outboxes = outboxes.values.sorted { ($0.tenant, $0.kind) < ($1.tenant, $1.kind) }
        r.sessions.groups = groups.values.sorted {
            ($0.other ? 1 : 0, $0.service, $0.store, $0.tenant ?? "") < ($1.other ? 1 : 0, $1.service, $1.store, $1.tenant ?? "")
        }
        r.longestTransactions = Self.longest(Array(transactions.values)).filter { $0.seconds >= Self.shortestTransaction }
        r.pools = pools.values.sorted { ($0.service, $0.store, $0.tenant, $0.host) < ($1.service, $1.store, $1.tenant, $1.host) }
        r.unreachable = gaps.map { .init(from: $0.from, to: $0.to, seconds: $0.to.timeIntervalSince($0.from), error: $0.error) }
        for i in r.restarts.indices {
            let (a, b) = (r.restarts[i].lastBefore, r.restarts[i].firstAfter)
            r.restarts[i].afterGap = gaps.contains { $0.to >= a && $0.from <= b }
        }
        return r
    }

    /// The longest `transactionsKept` transactions, longest first.
    static func longest(_ all: [RecordingReport.Transaction]) -> [RecordingReport.Transaction] {
        Array(all.sorted { ($0.seconds, $1.start) > ($1.seconds, $0.start) }.prefix(transactionsKept))
    }

    /// A consumer's interval of one kind: its status, or its delivery held back (both can be open at once).
    struct IntervalKey: Hashable, Sendable {
        let consumer: CursorKey
        let held: Bool
    }

    /// An application group (`Snapshot.SessionGroup`).
    struct GroupKey: Hashable, Sendable {
        let service: String, store: String, tenant: String?, other: Bool
    }

    /// One transaction: its backend and start.
    struct TransactionKey: Hashable, Sendable {
        let pid: Int32, start: Date
    }

    /// A pool: service, store, tenant and host (a restarted process continues its row).
    struct PoolKey: Hashable, Sendable {
        let service: String, store: String, tenant: String, host: String
    }
}
