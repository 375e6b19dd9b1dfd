import Foundation
import StoreMetrics

/// What `storetop report` says about one target of a recording over an interval (docs/report.md): the post-mortem a
/// DBA paged after the fact reads first. Built by `ReportBuilder` from the snapshots in time order, with the
/// dashboard's own derivations (`History`, `LagRules`), so a status here is the status the dashboard showed.
public struct RecordingReport: Sendable, Codable, Equatable {
    /// The target's name in the recording.
    public var target: String
    /// The first and last snapshot read (nil when none was in the interval).
    public var from: Date?, to: Date?
    /// Snapshots read.
    public var snapshots: Int = 0
    /// Per consumer: its worst lag in rows and in seconds, and when.
    public var consumers: [ConsumerLag] = []
    /// Intervals when a consumer was not OK (STALLED, STOPPED, LAGGING, REWOUND) or its delivery was held back.
    public var stalls: [StatusInterval] = []
    /// Per tenant: events committed per second between consecutive snapshots.
    public var tenants: [TenantRate] = []
    /// Per outbox: rows at the start, the end and their peak, rows appended, prunes done.
    public var outboxes: [OutboxChange] = []
    /// Session peaks, in total and per application group.
    public var sessions = SessionPeaks()
    /// The longest transactions seen (at most `ReportBuilder.transactionsKept`), longest first.
    public var longestTransactions: [Transaction] = []
    /// The oldest xmin horizon seen, with its holder (nil when no backend held one).
    public var xminHorizon: Horizon?
    /// Per StoreAccess pool: its saturation, callers waiting and acquisition timeouts.
    public var pools: [PoolSaturation] = []
    /// When the server could not be read (the recording's gaps).
    public var unreachable: [Unreachable] = []
    /// Server restarts: its start time changed between two snapshots.
    public var restarts: [Restart] = []

    /// An empty report of `target`.
    public init(target: String) { self.target = target }

    /// A consumer's worst lag over the interval.
    public struct ConsumerLag: Sendable, Codable, Equatable {
        /// Its tenant and name.
        public var tenant: String, name: String
        /// `events` or `outbox`.
        public var source: String
        /// The most rows it had to handle, when first seen, and whether the count was capped (a lower bound).
        public var worstLagEvents: Int64, worstLagEventsAt: Date, lagCapped: Bool
        /// The oldest unhandled row's greatest age, and when.
        public var worstLagSeconds: Double, worstLagSecondsAt: Date
        /// The most severe status it had (stopped, stalled, rewound, lagging, ok).
        public var worstStatus: LagStatus
        /// Its status in the last snapshot it was in.
        public var lastStatus: LagStatus
    }

    /// One interval when a consumer had a status other than OK, or rows of its own held back behind an open append.
    public struct StatusInterval: Sendable, Codable, Equatable {
        /// The consumer.
        public var tenant: String, name: String
        /// The dashboard's status (`stalled`, `stopped`, `lagging`, `rewound`), or `held` (delivery held back).
        public var status: String
        /// The first snapshot that showed it; true when that was the first snapshot of the report (it began earlier).
        public var start: Date, fromStart: Bool
        /// The first snapshot that no longer showed it; nil: still so at the end of the report.
        public var end: Date?
        /// The last snapshot that showed it.
        public var lastSeen: Date
        /// Seconds from `start` to `end` (to `lastSeen` when still so at the end).
        public var seconds: Double
        /// The dashboard's reason in the last snapshot that showed it.
        public var reason: String
        /// Who held it back, in the order first seen (at most 10).
        public var heldBy: [Holder]
    }

    /// A backend that held a consumer back.
    public struct Holder: Sendable, Codable, Equatable {
        /// The backend's process id.
        public var pid: Int32
        /// What it held: `consumer lock` (the owner's backend, whose handler did not move), `lock` (a lock the
        /// owner's backend waited for), `delivery` (an open append; "delivery held back by pid N").
        public var holds: String
        /// Its application_name, when known.
        public var application: String?
    }

    /// One tenant's append rate (events committed per second between consecutive snapshots).
    public struct TenantRate: Sendable, Codable, Equatable {
        /// The tenant.
        public var tenant: String
        /// Rates measured (pairs of snapshots).
        public var samples: Int
        /// Median and 99th percentile (within 1%, `RateHistogram`), and the greatest, with when.
        public var p50: Double, p99: Double, max: Double, maxAt: Date?
    }

    /// One outbox's growth and prunes over the interval.
    public struct OutboxChange: Sendable, Codable, Equatable {
        /// Its tenant and kind.
        public var tenant: String, kind: String
        /// Rows in the first and last snapshot, and the most, with when.
        public var rowsFirst: Int64, rowsLast: Int64, rowsMax: Int64, rowsMaxAt: Date
        /// Rows appended (its appended counter's growth).
        public var appended: Int64
        /// Snapshots between which rows were pruned (appended − growth > 0), the rows so removed, and the last time.
        public var prunes: Int, prunedRows: Int64, lastPruneAt: Date?
    }
}
