import Foundation
import MetricsServer
import SafeText
import StoreMetrics
import Synchronization

/// The exporter of several targets: `/metrics` reads every target at once (each on its own scraper's thread, so
/// a slow or lost server delays only its own samples, bounded by its collector's timeouts) and writes one
/// exposition with a `target` label; `/probe?target=NAME` is one target's exposition, for the multi-target
/// exporter pattern (docs/prometheus.md).
final class FleetScraper: Sendable {
    /// Each target's name and scraper, in the order given.
    let scrapers: [(name: String, scraper: Scraper)]

    init(_ targets: [Target]) throws {
        scrapers = try targets.map { t in (t.name, Scraper(collector: try t.collector(), history: t.history())) }
    }

    /// Every target's exposition, merged (`PrometheusExport.render(targets:)`), through `reply`.
    func respondAll(_ reply: @escaping @Sendable (MetricsResponse) -> Void) {
        let total = scrapers.count
        let results = Mutex([(name: String, snapshot: Snapshot?, derived: Derived?)?](repeating: nil, count: total))
        let left = Mutex(total)
        for (i, s) in scrapers.enumerated() {
            s.scraper.sharedReading().value { result in
                let r = try? result.get()
                results.withLock { $0[i] = (s.name, r?.0, r?.1) }
                guard
                    left.withLock({ n -> Bool in
                        n -= 1
                        return n == 0
                    })
                else { return }
                let text = PrometheusExport.render(targets: results.withLock { $0.compactMap { $0 } })
                reply(MetricsResponse(status: 200, body: text, contentType: "text/plain; version=0.0.4; charset=utf-8"))
            }
        }
    }

    /// One target's exposition (without a `target` label: Prometheus' relabelling names it), or 404.
    func probe(_ name: String, _ reply: @escaping @Sendable (MetricsResponse) -> Void) {
        guard let s = scrapers.first(where: { $0.name == name }) else {
            return reply(MetricsResponse(status: 404, body: "storetop: unknown target \(DisplayText.sanitize(name))\n"))
        }
        s.scraper.respond(.metrics, reply)
    }

    /// Closes every collector.
    func close() { for s in scrapers { s.scraper.collector.close() } }
}
