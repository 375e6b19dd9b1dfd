import Foundation

/// The pools panel (`metrics.pools`): what each StoreAccess pool reported about itself.
extension Snapshot {
    /// A StoreAccess pool as it last reported itself (`pool_reports`).
    public struct Pool: Sendable, Codable, Equatable {
        /// The reporting process's host.
        public var host: String
        /// The reporting process's id.
        public var pid: Int32
        /// When the pool started.
        public var startedAt: Date
        /// Its connections' application_name.
        public var applicationName: String
        /// Its service.
        public var service: String
        /// Its store.
        public var store: String
        /// Its tenant ("" for a pool not bound to one).
        public var tenant: String
        /// How often it reports.
        public var intervalMilliseconds: Int
        /// Age of its last report (server clock).
        public var reportAgeSeconds: Double
        /// Connections open.
        public var size: Int
        /// Connections idle in the pool.
        public var idle: Int
        /// Connections lent out.
        public var inUse: Int
        /// Callers waiting for a connection.
        public var waiting: Int
        /// Its maximum size.
        public var maxSize: Int
        /// The most connections in use since the previous report.
        public var peakInUse: Int
        /// Acquisitions since it started (a counter).
        public var acquisitionsTotal: Int64
        /// Acquisitions that timed out (a counter).
        public var timeoutsTotal: Int64
        /// Failed connection attempts (a counter).
        public var connectionErrorsTotal: Int64
        /// Mean acquisition time.
        public var acquireMeanMilliseconds: Double
        /// 99th percentile acquisition time.
        public var acquireP99Milliseconds: Double
        /// The report missed three intervals: the process died, hangs or cannot reach the database.
        public var stale: Bool
        /// In use / maximum (0 for a pool of no size).
        public var utilization: Double { maxSize == 0 ? 0 : Double(inUse) / Double(maxSize) }
    }
}
