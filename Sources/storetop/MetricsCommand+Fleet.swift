import ArgumentParser
import Foundation
import MetricsServer
import SafeText
import StoreMetrics
import Synchronization

extension MetricsCommand {
    /// Serves several targets: `/metrics` with a `target` label on every sample, `/probe?target=NAME` for one.
    func runFleet(_ targets: [Target]) async throws {
        let fleet = try reportingErrors { try FleetScraper(targets) }
        defer { fleet.close() }
        if once {
            let text = Mutex<String?>(nil)
            let done = DispatchSemaphore(value: 0)
            fleet.respondAll { r in
                text.withLock { $0 = r.body }
                done.signal()
            }
            done.wait()
            print(text.withLock { $0 } ?? "", terminator: "")
            return
        }
        let (host, port) = try Self.parseListen(listen)
        var config = MetricsServerConfiguration(host: host, port: port)
        config.maxConnections = maxConnections
        let server = MetricsServer(configuration: config) { route, reply in
            switch route {
            case .healthy: reply(MetricsResponse(status: 200, body: "storetop metrics: up (\(targets.count) targets)\n"))
            case .index: reply(MetricsResponse(status: 200, body: "storetop metrics: see /metrics, or /probe?target=NAME\n"))
            case .metrics: fleet.respondAll(reply)
            case .probe(let name): fleet.probe(name, reply)
            }
        }
        try await serve(
            server, host: host, port: port, what: "\(targets.count) targets: " + targets.map { DisplayText.sanitize($0.name) }.joined(separator: ", ")
        )
    }
}
