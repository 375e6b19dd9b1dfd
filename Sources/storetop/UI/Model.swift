import Foundation
import StoreMetrics

/// What the collector thread hands the UI: the latest data, and the state of the connection.
struct Model: Sendable {
    enum Connection: Equatable, Sendable {
        case connecting
        case connected
        case reconnecting(error: String, retryAt: Date)
    }

    var snapshot: Snapshot?
    var derived: Derived?
    var connection: Connection = .connecting
    /// When the current snapshot arrived (wall clock).
    var receivedAt: Date?
    var server: String = ""
    var permissions: Actions.Permissions?

    /// True when the data on screen is older than two intervals (the connection is down or slow).
    func isStale(now: Date, interval: Double) -> Bool {
        guard let r = receivedAt else { return false }
        return now.timeIntervalSince(r) > max(2 * interval, interval + 2)
    }
}
