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
            _ = h.add(try Snapshot.madeUp(consumers: n, at: 0))
            let s = try Snapshot.madeUp(consumers: n, at: 1)
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
}
