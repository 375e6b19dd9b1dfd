import ArgumentParser
import Foundation
import StoreMetrics

/// `storetop export-bench`: renders the Prometheus exposition and the JSON document of made-up snapshots with
/// 100, 1,000 and 10,000 consumers (half as many tenants, a tenth as many outboxes) and prints the median time of
/// each. Used by scripts/bench-exports (issue 16: exposition is linear; 10k consumers render in well under 1 s).
struct ExportBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export-bench", abstract: "Time the exposition and JSON renderers (benchmark).", shouldDisplay: false)

    @Option(help: "Runs per size (the median is printed).")
    var runs: Int = 7

    func run() throws {
        for n in [100, 1000, 10_000] {
            var h = History()
            _ = h.add(try Self.snapshot(consumers: n, at: 0))
            let s = try Self.snapshot(consumers: n, at: 1)
            let d = h.add(s)
            var prom: [Double] = [], json: [Double] = []
            var bytes = (0, 0)
            for _ in 0..<max(1, runs) {
                let t0 = ContinuousClock.now
                let text = PrometheusExport.render(s, derived: d)
                let t1 = ContinuousClock.now
                let doc = try JSONExport.encode(s, derived: d)
                let t2 = ContinuousClock.now
                prom.append(t0.duration(to: t1).seconds * 1000)
                json.append(t1.duration(to: t2).seconds * 1000)
                bytes = (text.utf8.count, doc.utf8.count)
            }
            prom.sort()
            json.sort()
            print(
                String(
                    format: "consumers=%d exposition_ms_median=%.1f exposition_bytes=%d json_ms_median=%.1f json_bytes=%d", n,
                    prom[prom.count / 2], bytes.0, json[json.count / 2], bytes.1))
        }
    }

    /// A snapshot of `consumers` consumers over consumers/2 tenants, `at` seconds after a fixed instant (built as the
    /// document `Snapshot`'s Codable reads, since its initialisers are the collector's).
    static func snapshot(consumers n: Int, at t: Double) throws -> Snapshot {
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
