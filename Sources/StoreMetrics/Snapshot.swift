import Foundation

/// One reading of a live store database: immutable, taken by `Collector.snapshot()`. Figures that are estimates
/// say so in their name (`…Estimate`). Rates and statuses are not here: they come from two or more snapshots
/// (`Derivation`).
public struct Snapshot: Sendable, Codable, Equatable {
    public var takenAt: Date
    public var server: Server?
    public var sessions: Sessions?
    public var pools: [Pool]
    public var streams: Streams?
    public var cursors: [Cursor]
    public var outboxes: [Outbox]
    public var bookmarks: [Bookmark]
    public var tenants: [String]
    /// Panels that could not be read, and why (privilege, timeout, missing schema).
    public var errors: [PanelError]
    /// Statements the snapshot ran, and the time the server spent on them (ms, measured by the collector).
    public var statements: Int
    public var collectMilliseconds: Double

    public init(takenAt: Date) {
        self.takenAt = takenAt
        pools = []; cursors = []; outboxes = []; bookmarks = []; tenants = []; errors = []
        statements = 0; collectMilliseconds = 0
    }

    public struct PanelError: Sendable, Codable, Equatable {
        public var panel: String
        public var reason: String
        /// True when the panel is switched off for good (privilege), false for a one-off (timeout).
        public var disabled: Bool
    }

    public struct Server: Sendable, Codable, Equatable {
        public var version: String
        public var startedAt: Date
        public var connections: Int
        public var maxConnections: Int
        /// Committed + rolled back transactions in this database since stats reset (a counter; rate in Derivation).
        public var transactions: Int64
        public var databaseBytes: Int64
        public var database: String
        public var isStandby: Bool
        public var replicas: [Replica]
        public var now: Date
    }

    public struct Replica: Sendable, Codable, Equatable {
        public var name: String
        public var address: String?
        public var state: String
        public var replayLagSeconds: Double?
    }

    public struct Sessions: Sendable, Codable, Equatable {
        public var groups: [SessionGroup]
        public var backends: [Backend]
        /// The backend holding the oldest snapshot back (xmin horizon), if any.
        public var xminHolder: Backend?
        /// Backends that hold event or outbox delivery back (in-flight appends), with what they hold.
        public var deliveryBlockers: [DeliveryBlocker]
    }

    /// Sessions of one application_name group: a StoreAccess service/store/tenant, or "other clients".
    public struct SessionGroup: Sendable, Codable, Equatable {
        public var service: String
        public var store: String
        public var tenant: String?
        /// Not a StoreAccess session (psql, pgbench, other libraries): `service` holds the raw name.
        public var other: Bool
        public var total: Int
        public var active: Int
        public var idle: Int
        public var idleInTransaction: Int
        public var waiting: Int
        public var longestQuerySeconds: Double?
        public var oldestTransactionSeconds: Double?
        public var longestIdleInTransactionSeconds: Double?
    }

    public struct Backend: Sendable, Codable, Equatable {
        public var pid: Int32
        public var applicationName: String
        public var user: String?
        public var state: String
        public var waitEventType: String?
        public var waitEvent: String?
        public var queryStart: Date?
        public var transactionStart: Date?
        public var stateChange: Date?
        public var xminAge: Int64?
        public var blockedBy: [Int32]
        public var query: String
    }

    public struct DeliveryBlocker: Sendable, Codable, Equatable {
        /// `events` or `outbox`.
        public var log: String
        public var pid: Int32
        public var registeredAfter: Int64
        public var applicationName: String?
        public var state: String?
        public var transactionSeconds: Double?
    }

    public struct Pool: Sendable, Codable, Equatable {
        public var host: String
        public var pid: Int32
        public var startedAt: Date
        public var applicationName: String
        public var service: String
        public var store: String
        public var tenant: String
        public var intervalMilliseconds: Int
        public var reportAgeSeconds: Double
        public var size: Int
        public var idle: Int
        public var inUse: Int
        public var waiting: Int
        public var maxSize: Int
        public var peakInUse: Int
        public var acquisitionsTotal: Int64
        public var timeoutsTotal: Int64
        public var connectionErrorsTotal: Int64
        public var acquireMeanMilliseconds: Double
        public var acquireP99Milliseconds: Double
        /// The report missed three intervals: the process died, hangs or cannot reach the database.
        public var stale: Bool
        public var utilization: Double { maxSize == 0 ? 0 : Double(inUse) / Double(maxSize) }
    }

    public struct Streams: Sendable, Codable, Equatable {
        /// Highest allocated global position.
        public var headPosition: Int64
        /// Highest position readers may deliver now (below it nothing can still commit).
        public var safePosition: Int64
        public var lastWriteAt: Date?
        public var tenants: [TenantHead]
        public var mostActive: [StreamHead]
    }

    public struct TenantHead: Sendable, Codable, Equatable {
        public var tenant: String
        public var headPosition: Int64
        /// Events of the tenant (sum of its stream versions; exact).
        public var events: Int64
        public var streams: Int
        public var lastWriteAt: Date?
    }

    public struct StreamHead: Sendable, Codable, Equatable {
        public var tenant: String
        public var stream: String
        public var version: Int64
        public var headPosition: Int64
        public var updatedAt: Date
    }

    public struct Cursor: Sendable, Codable, Equatable {
        public var tenant: String
        public var name: String
        /// `events` or `outbox`.
        public var source: String
        /// For outbox watchers: the kind.
        public var kind: String?
        public var position: Int64
        public var head: Int64
        /// head − position (positions, not matching events).
        public var lagEvents: Int64
        /// Age of the oldest event or outbox row the consumer has not handled (0 when caught up).
        public var lagSeconds: Double
        public var ownerApplication: String?
        public var ownerHost: String?
        public var ownerPid: Int32?
        public var ownerBackendPid: Int32?
        /// Is the owner's session still connected (holding the consumer lock)?
        public var ownerConnected: Bool
        public var heartbeatAt: Date?
        public var movedAt: Date?
    }

    public struct Outbox: Sendable, Codable, Equatable {
        public var tenant: String
        public var kind: String
        /// Rows now (appended − pruned; exact).
        public var rows: Int64
        public var headID: Int64
        public var appendedTotal: Int64
        public var oldestAt: Date?
        public var oldestID: Int64?
        /// Position of the slowest registered durable watcher (nil: none).
        public var slowestWatcher: String?
        public var slowestWatcherPosition: Int64?
        public var watchers: Int
        /// Rows a safe prune would delete, estimated from the id range (exact figure: `prune --dry-run`).
        public var safeToPruneEstimate: Int64
    }

    public struct Bookmark: Sendable, Codable, Equatable {
        public var tenant: String
        public var key: String
        public var updatedAt: Date
    }
}
