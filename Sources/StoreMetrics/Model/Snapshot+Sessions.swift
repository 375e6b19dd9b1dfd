import Foundation

/// The sessions panel (`metrics.sessions`, grouped by `SessionGroups`) and the delivery blockers (`metrics.locks`).
extension Snapshot {
    /// Client backends and what they hold.
    public struct Sessions: Sendable, Codable, Equatable {
        /// Backends grouped by application_name, StoreAccess groups first.
        public var groups: [SessionGroup]
        /// Client backends (at most 2000), oldest transaction first; not the collector's own.
        public var backends: [Backend]
        /// The backend holding the oldest snapshot back (xmin horizon), if any.
        public var xminHolder: Backend?
        /// Backends that hold event or outbox delivery back (in-flight appends), with what they hold.
        public var deliveryBlockers: [DeliveryBlocker]
        /// This role sees every session's details (`pg_monitor` or superuser). When false, PostgreSQL hides other
        /// roles' queries, states and times: only this role's own sessions are counted by state.
        public var seesAll: Bool = true
        /// Sessions of every database of the cluster (`--all-databases`); false: the store's database only.
        public var allDatabases: Bool = false
    }

    /// Sessions of one application_name group: a StoreAccess service/store/tenant, or "other clients".
    public struct SessionGroup: Sendable, Codable, Equatable {
        /// The StoreAccess service (for other clients: the raw application_name).
        public var service: String
        /// The StoreAccess store ("" for other clients).
        public var store: String
        /// The tenant the sessions are bound to, if any.
        public var tenant: String?
        /// Not a StoreAccess session (psql, pgbench, other libraries): `service` holds the raw name, except for a
        /// library storetop recognizes by its names (`library`).
        public var other: Bool
        /// The other library whose sessions these are, parsed from their `application_name` (`axon`: service
        /// `axon`, store, tenant = namespace); nil for StoreAccess's sessions and unrecognized clients.
        public var library: String? = nil
        /// Sessions in the group.
        public var total: Int
        /// Sessions running a statement.
        public var active: Int
        /// Idle sessions.
        public var idle: Int
        /// Sessions idle inside a transaction (aborted ones too).
        public var idleInTransaction: Int
        /// Sessions waiting on a lock.
        public var waiting: Int
        /// The longest running statement of an active session.
        public var longestQuerySeconds: Double?
        /// The oldest open transaction.
        public var oldestTransactionSeconds: Double?
        /// The longest time a session has been idle in a transaction.
        public var longestIdleInTransactionSeconds: Double?
    }

    /// One client backend (`pg_stat_activity`).
    public struct Backend: Sendable, Codable, Equatable {
        /// The backend's process id.
        public var pid: Int32
        /// Its application_name ("" when unset).
        public var applicationName: String
        /// Its role.
        public var user: String?
        /// `active`, `idle`, `idle in transaction`, …
        public var state: String
        /// What it waits on (`Lock`, `Client`, …).
        public var waitEventType: String?
        /// The wait event.
        public var waitEvent: String?
        /// When its current or last statement started.
        public var queryStart: Date?
        /// When its transaction started.
        public var transactionStart: Date?
        /// When its state last changed.
        public var stateChange: Date?
        /// Age in transactions of the snapshot it holds.
        public var xminAge: Int64?
        /// The backends it waits for (when waiting on a lock).
        public var blockedBy: [Int32]
        /// Its current or last statement (at most 300 characters).
        public var query: String
        /// The database it is connected to.
        public var database: String? = nil
        /// pg_stat_activity.query_id of its current or last statement (nil: `compute_query_id` off, or not known).
        public var queryId: Int64? = nil
    }

    /// A backend holding event or outbox delivery back: an append registered and not yet committed.
    public struct DeliveryBlocker: Sendable, Codable, Equatable {
        /// `events` or `outbox`.
        public var log: String
        /// The backend's process id.
        public var pid: Int32
        /// The head position it registered after: readers deliver up to this position.
        public var registeredAfter: Int64
        /// Its application_name (nil when not among the backends read).
        public var applicationName: String?
        /// Its state.
        public var state: String?
        /// How long its transaction has been open.
        public var transactionSeconds: Double?
    }
}
