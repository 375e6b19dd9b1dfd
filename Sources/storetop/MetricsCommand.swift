import ArgumentParser
import Foundation
import MetricsServer
import SafeText
import StoreAccess
import StoreMetrics

/// `storetop metrics --listen 127.0.0.1:9187`: a Prometheus endpoint at /metrics (docs/metrics.md).
struct MetricsCommand: AsyncParsableCommand, ConnectionCommand {
    static let configuration = CommandConfiguration(commandName: "metrics", abstract: "Serve Prometheus metrics at /metrics.")

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var status: StatusOptions

    @Option(help: "Address to listen on: IPv4 host:port or [IPv6]:port.")
    var listen: String = "127.0.0.1:9187"

    @Option(help: "Most connections served at once (one more gets 503).")
    var maxConnections: Int = 32

    @Flag(help: "Print one exposition to stdout and exit (no server).")
    var once = false

    /// `host:port` or `[v6]:port` → host and port, or a usage error naming what is wrong.
    static func parseListen(_ text: String) throws -> (String, Int) {
        let shown = DisplayText.sanitize(text)
        var host = Substring(text)
        var port = Substring("")
        if host.hasPrefix("["), let close = host.firstIndex(of: "]") {
            port = host[host.index(after: close)...].drop { $0 == ":" }
            host = host[host.index(after: host.startIndex)..<close]
        } else if let colon = host.lastIndex(of: ":") {
            port = host[host.index(after: colon)...]
            host = host[..<colon]
        }
        // a host with controls, spaces or invisible characters is no address (and would be echoed raw by the server)
        guard let p = Int(port), (1...65535).contains(p), !host.isEmpty, DisplayText.sanitize(String(host)) == host, !host.contains(" ") else {
            throw ValidationError("invalid address \(shown): --listen takes host:port (like 127.0.0.1:9187) or [::1]:9187")
        }
        return (String(host), p)
    }

    func validate() throws {
        _ = try Self.parseListen(listen)
        guard maxConnections >= 1 else { throw ValidationError("--max-connections must be at least 1") }
    }

    func run() async throws {
        let targets = try connection.targets(status)
        if targets.count > 1 { return try await runFleet(targets) }
        let target = targets[0], dsn = target.dsn
        let collector = try reportingErrors { try target.collector() }
        let scraper = Scraper(collector: collector, history: target.history())
        if once {
            print(try reportingErrors { try scraper.scrape() }, terminator: "")
            return
        }
        let (host, port) = try Self.parseListen(listen)
        var config = MetricsServerConfiguration(host: host, port: port)
        config.maxConnections = maxConnections
        let name = target.name
        let server = MetricsServer(configuration: config) { route, reply in
            // one target answers /probe under its own name too
            if case .probe(let n) = route, n == name { return scraper.respond(.metrics, reply) }
            scraper.respond(route, reply)
        }
        try await serve(server, host: host, port: port, what: DisplayText.sanitize(ConnectionString.mask(dsn)))
    }

    /// Starts `server` (a bad or busy address is a one-line error and its exit status), says where, and serves.
    func serve(_ server: MetricsServer, host: String, port: Int, what: String) async throws {
        do {
            try await server.start()
        } catch let e as MetricsServerError {
            warn("storetop: \(DisplayText.sanitize(e.description))")
            throw ExitCode(e == .invalidAddress(MetricsServer.show(host, port)) ? ExitStatus.usage : ExitStatus.unavailable)
        }
        warn("storetop: serving metrics on http://\(MetricsServer.show(host, port))/metrics for \(what)")
        try await server.run()
    }
}

/// Collects on scrape, keeping a short history so rates and statuses are filled in. Concurrent scrapes share one
/// snapshot in flight.
final class Scraper: @unchecked Sendable {
    let collector: Collector
    private let lock = NSLock()
    private var history: History
    private lazy var shared = SharedScrape<String> { [unowned self] in try self.scrape() }
    private lazy var sharedRead = SharedScrape<(Snapshot, Derived)> { [unowned self] in try self.read() }

    init(collector: Collector, history: History = History()) {
        self.collector = collector
        self.history = history
    }

    func scrape() throws -> String {
        let (s, d) = try read()
        return PrometheusExport.render(s, derived: d)
    }

    /// A snapshot and what the history derives with it.
    func read() throws -> (Snapshot, Derived) {
        let s = try collector.snapshot()
        lock.lock()
        defer { lock.unlock() }
        return (s, history.add(s))
    }

    /// The reading in flight, or a new one (the fleet's `/metrics`).
    func sharedReading() -> SharedScrape<(Snapshot, Derived)> {
        lock.lock()
        defer { lock.unlock() }
        return sharedRead
    }

    /// The endpoint's answer for `route`, through `reply` (the scrape runs on its own thread).
    func respond(_ route: MetricsRoute, _ reply: @escaping @Sendable (MetricsResponse) -> Void) {
        switch route {
        case .healthy: reply(MetricsResponse(status: 200, body: "storetop metrics: up\n"))
        case .index: reply(MetricsResponse(status: 200, body: "storetop metrics: see /metrics\n"))
        // a name that is not this target's (the single-target server answers its own name before this)
        case .probe: reply(MetricsResponse(status: 404, body: "storetop: unknown target\n"))
        case .metrics:
            sharedScrape().value { result in
                switch result {
                case .success(let text): reply(MetricsResponse(status: 200, body: text, contentType: "text/plain; version=0.0.4; charset=utf-8"))
                case .failure(let error):
                    reply(MetricsResponse(status: 503, body: "storetop: \(DisplayText.sanitize(Collector.shortError(error)))\n"))
                }
            }
        }
    }

    private func sharedScrape() -> SharedScrape<String> {
        lock.lock()
        defer { lock.unlock() }
        return shared
    }
}
