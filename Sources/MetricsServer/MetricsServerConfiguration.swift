import NIOCore

/// Limits and timeouts of the metrics endpoint. The defaults let Prometheus (and a person with curl) in and keep a
/// hostile client from holding the exporter: a request head is a few hundred bytes, a scrape a few seconds.
public struct MetricsServerConfiguration: Sendable {
    /// The IPv4 or IPv6 address to bind (a literal address, not a host name).
    public var host: String
    /// The TCP port; 0 lets the kernel choose (the bound port is returned by `start()`).
    public var port: Int
    /// The most bytes one request may send (request line and headers; the endpoint takes no body): 431 beyond.
    public var maxRequestBytes: Int = 16 * 1024
    /// The most header fields in one request: 431 beyond.
    public var maxHeaderCount: Int = 64
    /// Time from a connection's first byte (or its previous response) to a complete request head: a client that
    /// sends slower is disconnected (408 when nothing is in flight).
    public var headTimeout: TimeAmount = .seconds(5)
    /// Time a keep-alive connection may stay idle between requests.
    public var idleTimeout: TimeAmount = .seconds(30)
    /// The most connections open at once; one more gets 503 and is closed, so a flood cannot starve the scraper
    /// of file descriptors or memory.
    public var maxConnections: Int = 32

    /// A configuration for `host:port` with the default limits.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }
}

/// One response of the endpoint.
public struct MetricsResponse: Sendable, Equatable {
    /// The HTTP status code.
    public var status: Int
    /// The `Content-Type` header.
    public var contentType: String
    /// The body (sent for GET, only its length for HEAD).
    public var body: String

    /// A response with `status`, `body` and a plain-text content type unless another is given.
    public init(status: Int, body: String, contentType: String = "text/plain; charset=utf-8") {
        self.status = status
        self.body = body
        self.contentType = contentType
    }
}

/// Why the endpoint could not start, in words a user can act on.
public enum MetricsServerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The address is not a literal IPv4/IPv6 address this machine can bind.
    case invalidAddress(String)
    /// Another process listens on the address already.
    case addressInUse(String)
    /// Binding failed for another reason (permission for a port below 1024, …).
    case bindFailed(String, reason: String)

    public var description: String {
        switch self {
        case .invalidAddress(let a): return "invalid address \(a): give a literal IPv4 or IPv6 address and a port, like 127.0.0.1:9187"
        case .addressInUse(let a): return "address in use: another process already listens on \(a)"
        case .bindFailed(let a, let reason): return "cannot listen on \(a): \(reason)"
        }
    }
}
