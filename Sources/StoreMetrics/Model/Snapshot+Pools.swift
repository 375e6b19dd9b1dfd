import Foundation

/// The pools panel (`metrics.pools`): what each StoreAccess pool reported about itself.
extension Snapshot {
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
}
