import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// The Prometheus endpoint of `storetop metrics --listen`, on SwiftNIO's HTTP/1 parser with the limits of
/// `MetricsServerConfiguration`: bounded request heads (431), deadlines for slow and idle clients, a cap on open
/// connections (503), GET and HEAD only (405), `/metrics`, `/probe?target=NAME`, `/-/healthy` and `/`. One event-loop thread serves every
/// connection; the responder runs off it, so a scrape in progress never stops the endpoint from answering others.
public final class MetricsServer: Sendable {
    private let configuration: MetricsServerConfiguration
    private let responder: MetricsResponder
    private let group: MultiThreadedEventLoopGroup
    private let counts = Mutex(Counts())
    private let channel = Mutex<Channel?>(nil)

    /// A server that will answer with `responder` once started.
    public init(configuration: MetricsServerConfiguration, responder: @escaping MetricsResponder) {
        self.configuration = configuration
        self.responder = responder
        self.group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    }

    /// Binds the address and starts accepting. Returns the bound host and port (the port the kernel chose for 0).
    /// Throws `MetricsServerError` with what is wrong; nothing is served before it returns.
    @discardableResult
    public func start() async throws -> (host: String, port: Int) {
        let address = try Self.socketAddress(configuration.host, configuration.port)
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture { try self.configure(channel) }
            }
        let bound: Channel
        do {
            bound = try await bootstrap.bind(to: address).get()
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            throw MetricsServerError.addressInUse(Self.show(configuration.host, configuration.port))
        } catch let error as IOError where error.errnoCode == EADDRNOTAVAIL {
            throw MetricsServerError.invalidAddress(Self.show(configuration.host, configuration.port))
        } catch {
            throw MetricsServerError.bindFailed(Self.show(configuration.host, configuration.port), reason: "\(error)")
        }
        channel.withLock { $0 = bound }
        return (configuration.host, bound.localAddress?.port ?? configuration.port)
    }

    /// Waits until the server is shut down.
    public func run() async throws {
        guard let bound = channel.withLock({ $0 }) else { return }
        try await bound.closeFuture.get()
    }

    /// Stops accepting, closes the listening socket and ends the event loop.
    public func shutdown() async {
        if let bound = channel.withLock({ $0 }) { try? await bound.close() }
        try? await group.shutdownGracefully()
    }

    /// Connections open now (for tests and the exporter's own metrics).
    public var openConnections: Int { counts.withLock { $0.open } }

    /// Connections admitted since start (under the cap), and those answered 503 over it.
    public var connectionTotals: (admitted: Int, refused: Int) { counts.withLock { ($0.admitted, $0.refused) } }

    private struct Counts {
        var open = 0
        var admitted = 0
        var refused = 0
    }

    private func configure(_ channel: Channel) throws {
        let admitted = counts.withLock { n -> Bool in
            guard n.open < configuration.maxConnections else {
                n.refused += 1
                return false
            }
            n.open += 1
            n.admitted += 1
            return true
        }
        let sync = channel.pipeline.syncOperations
        guard admitted else {
            try sync.addHandler(Refuse())
            return
        }
        channel.closeFuture.whenComplete { [self] _ in counts.withLock { $0.open -= 1 } }
        var limits = NIOHTTPDecoderLimitConfiguration()
        limits.maxHeaderFieldCount = configuration.maxHeaderCount
        limits.maxHeaderFieldSize = configuration.maxRequestBytes
        limits.maxHeaderListSize = configuration.maxRequestBytes
        let guardHandler = RequestGuard(configuration: configuration)
        try sync.addHandler(guardHandler)
        try sync.addHandler(HTTPResponseEncoder())
        try sync.addHandler(ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .dropBytes, limitConfiguration: limits)))
        try sync.addHandler(MetricsHTTPHandler(guardHandler: guardHandler, responder: responder))
    }

    static func socketAddress(_ host: String, _ port: Int) throws -> SocketAddress {
        guard (0...65535).contains(port) else { throw MetricsServerError.invalidAddress(show(host, port)) }
        do {
            return try SocketAddress(ipAddress: host, port: port)
        } catch {
            throw MetricsServerError.invalidAddress(show(host, port))
        }
    }

    /// `host:port`, with an IPv6 host in brackets.
    public static func show(_ host: String, _ port: Int) -> String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// Answers a connection over the cap with 503 and closes it, without reading its request.
private final class Refuse: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    func channelActive(context: ChannelHandlerContext) {
        let text = RawResponse.text(status: 503, body: "too many connections\n", keepAlive: false)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(channel.allocator.buffer(string: text))).whenComplete { _ in
            channel.close(promise: nil)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}
}
