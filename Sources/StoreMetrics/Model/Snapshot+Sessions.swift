import Foundation

/// The sessions panel (`metrics.sessions`, grouped by `SessionGroups`) and the delivery blockers (`metrics.locks`).
extension Snapshot {
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
}
