import ArgumentParser
import FlyingFox
import FlyingSocks
import Foundation
import StoreAccess
import StoreMetrics

/// `storetop metrics --listen 127.0.0.1:9187`: a Prometheus endpoint at /metrics (docs/metrics.md).
struct MetricsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "metrics", abstract: "Serve Prometheus metrics at /metrics.")

    @OptionGroup var connection: ConnectionOptions

    @Option(help: "Address to listen on, IPv4 host:port.")
    var listen: String = "127.0.0.1:9187"

    @Flag(help: "Print one exposition to stdout and exit (no server).")
    var once = false

    func parsedListen() throws -> (String, UInt16) {
        let parts = listen.split(separator: ":")
        guard parts.count == 2, let port = UInt16(parts[1]), port > 0, parts[0].split(separator: ".").count == 4 else {
            throw ValidationError("--listen must be an IPv4 host:port, like 127.0.0.1:9187")
        }
        return (String(parts[0]), port)
    }

    func validate() throws { _ = try parsedListen() }

    func run() async throws {
        let dsn = try connection.resolved()
        let collector = try reportingErrors { try Collector(dsn: dsn, schema: connection.schema) }
        let scraper = Scraper(collector: collector)
        if once {
            print(try reportingErrors { try scraper.scrape() })
            return
        }
        let (host, port) = try parsedListen()
        let server = HTTPServer(address: try sockaddr_in.inet(ip4: host, port: port))
        await server.appendRoute("GET /metrics") { _ in
            do {
                let text = try await scraper.scrapeOffThread()
                return HTTPResponse(statusCode: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"], body: Data(text.utf8))
            } catch {
                return HTTPResponse(statusCode: .serviceUnavailable, body: Data("storetop: \(error)\n".utf8))
            }
        }
        await server.appendRoute("GET /") { _ in
            HTTPResponse(statusCode: .ok, body: Data("storetop metrics: see /metrics\n".utf8))
        }
        warn("storetop: serving metrics on http://\(host):\(port)/metrics for \(try ConnectionString(dsn))")
        try await server.run()
    }
}

/// Collects on scrape, keeping a short history so rates and statuses are filled in.
final class Scraper: @unchecked Sendable {
    let collector: Collector
    private let lock = NSLock()
    private var history = History()

    init(collector: Collector) { self.collector = collector }

    func scrape() throws -> String {
        let s = try collector.snapshot()
        lock.lock()
        let d = history.add(s)
        lock.unlock()
        return PrometheusExport.render(s, derived: d)
    }

    /// Runs the blocking scrape on its own thread, never on the cooperative pool.
    func scrapeOffThread() async throws -> String {
        try await withCheckedThrowingContinuation { cont in
            Thread.detachNewThread { [self] in cont.resume(with: Result { try scrape() }) }
        }
    }
}
