import Foundation

/// Percentiles of rates in bounded memory: a day at 1 s is 86,400 rates per tenant, too many to keep for a thousand
/// tenants. Zero is counted exactly, other rates in logarithmic buckets 1% wide (a percentile is the geometric middle
/// of its bucket, so within 0.5%); the greatest is kept exactly.
public struct RateHistogram: Sendable, Equatable {
    /// Rates counted.
    public private(set) var count = 0
    /// The greatest rate, and the moment it was measured.
    public private(set) var max = 0.0, maxAt: Date?
    private var zeros = 0
    private var buckets: [Int: Int] = [:]
    private static let base = log(1.01)

    /// An empty histogram.
    public init() {}

    /// Counts `rate` (negative, NaN and infinite rates are not rates: skipped), measured at `at`.
    public mutating func add(_ rate: Double, at: Date) {
        guard rate.isFinite, rate >= 0 else { return }
        count += 1
        if rate > max || maxAt == nil { (max, maxAt) = (rate, at) }
        if rate == 0 {
            zeros += 1
        } else {
            buckets[Int((log(rate) / Self.base).rounded(.down)), default: 0] += 1
        }
    }

    /// The `p`-th quantile (0…1) by nearest rank; 0 when empty.
    public func quantile(_ p: Double) -> Double {
        guard count > 0 else { return 0 }
        let rank = Swift.max(1, Int((p * Double(count)).rounded(.up)))
        if rank <= zeros { return 0 }
        var seen = zeros
        for b in buckets.keys.sorted() {
            seen += buckets[b]!
            // the bucket's geometric middle, never above the greatest rate counted
            if seen >= rank { return Swift.min(max, exp((Double(b) + 0.5) * Self.base)) }
        }
        return max
    }
}
