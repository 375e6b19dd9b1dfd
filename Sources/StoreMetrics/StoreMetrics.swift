/// StoreMetrics: snapshots of a live store database (filled in by issue 5).
public enum StoreMetricsVersion { public static let version = 1 }
