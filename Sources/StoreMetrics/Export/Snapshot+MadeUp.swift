import Foundation

extension Snapshot {
    /// `storetop export-bench`'s made-up snapshot (also `JSONBytesEncoderTests`'): `consumers` consumers over consumers/2 tenants, `at` seconds after a fixed instant (built as the
    /// document `Snapshot`'s Codable reads, since its initialisers are the collector's).
    public static func madeUp(consumers n: Int, at t: Double) throws -> Snapshot {
        let now = 820_000_000 + t  // seconds since 2001 (Codable's default date form)
        let tenants = max(1, n / 2)
        let heads: [[String: Any]] = (0..<tenants).map {
            [
                "tenant": "tenant-\($0)", "headPosition": 1_000_000, "events": 1000 + $0 + Int(t) * 10, "streams": 10, "lastWriteAt": now,
                "waitingEvents": 0,
            ]
        }
        let cursors: [[String: Any]] = (0..<n).map { i in
            let lag = i % 500
            return [
                "tenant": "tenant-\(i % tenants)", "name": "consumer-\(i)", "source": "events", "position": 1_000_000 - lag,
                "head": 1_000_000, "lagEvents": lag, "lagCapped": false, "lagPositions": lag, "waitingAboveSafe": false,
                "lagSeconds": Double(i % 60), "ownerApplication": "st:svc/consumer/t", "ownerHost": "host-1", "ownerPid": 100,
                "ownerBackendPid": 1000 + i % 100, "ownerConnected": i % 7 != 0, "heartbeatAt": now, "movedAt": now - Double(i % 30),
                "createdAt": now - 3600,
            ]
        }
        let outboxes: [[String: Any]] = (0..<max(1, n / 10)).map {
            [
                "tenant": "tenant-\($0 % tenants)", "kind": "items", "rows": 100, "headID": 1000, "appendedTotal": 1000,
                "oldestAt": now - 60, "oldestID": 900, "watchers": 0, "safeToPruneEstimate": 0,
            ]
        }
        let doc: [String: Any] = [
            "takenAt": now, "pools": [], "cursors": cursors, "outboxes": outboxes, "bookmarks": [], "tenants": [], "errors": [],
            "statements": 0, "collectMilliseconds": 0,
            "streams": ["headPosition": 1_000_000, "safePosition": 1_000_000, "lastWriteAt": now, "tenants": heads, "mostActive": []],
        ]
        return try JSONDecoder().decode(Snapshot.self, from: try JSONSerialization.data(withJSONObject: doc))
    }
}
