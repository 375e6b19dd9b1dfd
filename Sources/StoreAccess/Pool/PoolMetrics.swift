/// A pool's metrics at one moment. Every figure is really recorded (eventcore's stay zero).
public struct PoolMetrics: Sendable, Equatable, Codable {
    /// Open connections (idle + in use).
    public var size: Int
    public var idle: Int
    public var inUse: Int
    /// Callers waiting for a connection right now.
    public var waiting: Int
    public var maxConnections: Int
    public var minConnections: Int
    /// Highest `inUse` seen since the pool opened.
    public var peakInUse: Int
    public var createdTotal: Int
    public var closedTotal: Int
    /// Successful acquisitions.
    public var acquisitionsTotal: Int
    /// Acquisitions that gave up after `acquireTimeout`.
    public var timeoutsTotal: Int
    /// Failed connection attempts.
    public var connectionErrorsTotal: Int
    /// Mean time to acquire a connection, in milliseconds, since the pool opened.
    public var acquireMeanMilliseconds: Double
    /// 99th percentile acquisition time in milliseconds, since the pool opened.
    public var acquireP99Milliseconds: Double
    /// Maximum acquisition time in milliseconds, since the pool opened.
    public var acquireMaxMilliseconds: Double

    /// inUse / maxConnections, 0…1.
    public var utilization: Double { maxConnections == 0 ? 0 : Double(inUse) / Double(maxConnections) }
}

/// The result of `Pool.healthCheck`.
public struct PoolHealth: Sendable {
    /// True when a round trip succeeded and the schema is present at the library's version.
    public var healthy: Bool
    /// Round trip time of `SELECT 1`.
    public var roundTrip: Duration?
    public var metrics: PoolMetrics
    /// The schema version found (nil when the schema is missing or not checked).
    public var schemaVersion: Int?
    /// What went wrong, if anything (redacted).
    public var problem: String?
}
