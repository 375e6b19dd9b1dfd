import NIOCore
import NIOHTTP1

/// What the endpoint serves: `GET`/`HEAD` only, no request body, one request at a time per connection.
public enum MetricsRoute: Sendable, Equatable {
    /// `/metrics`: the exposition (the responder runs the scrape).
    case metrics
    /// `/-/healthy`: the process is up (no database access).
    case healthy
    /// `/`: a short page naming the other two.
    case index
    /// `/probe?target=NAME`: the exposition of one named target (the multi-target exporter pattern). The name is
    /// percent-decoded, non-empty, and free of control and invisible characters; whether it names a target is the
    /// responder's to say (404 when it does not).
    case probe(target: String)
}

/// The responder the server calls for each route: it answers through the callback, from any thread, as late as a
/// scrape takes. No Swift-concurrency thread is needed, so a process whose cooperative pool is busy still answers.
public typealias MetricsResponder = @Sendable (MetricsRoute, _ reply: @escaping @Sendable (MetricsResponse) -> Void) -> Void

/// Turns decoded requests into responses. Anything but GET or HEAD is 405; a request with a body is 413; an unknown
/// path is 404; a decoder error is 431 (header limits) or 400 (malformed); a pipelined request while one is in
/// flight closes the connection (Prometheus and curl never pipeline).
final class MetricsHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let guardHandler: RequestGuard
    private let responder: MetricsResponder
    private var request: (head: HTTPRequestHead, refusal: MetricsResponse?)?
    private var inFlight = false

    init(guardHandler: RequestGuard, responder: @escaping MetricsResponder) {
        self.guardHandler = guardHandler
        self.responder = responder
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            guard !inFlight, request == nil else {
                context.close(promise: nil)
                return
            }
            guardHandler.headReceived()
            request = (head, Self.refusal(for: head))
        case .body:
            if let r = request, r.refusal == nil { request = (r.head, MetricsResponse(status: 413, body: "this endpoint takes no request body\n")) }
        case .end:
            guard let (head, refusal) = request else { return }
            request = nil
            if let refusal {
                respond(context, head: head, response: refusal, keepAlive: false)
            } else {
                serve(context, head: head)
            }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        // The encoder may be mid-message after a decoder error: the guard writes raw bytes below it and closes.
        let overflow = (error as? HTTPParserError) == .headerOverflow
        guardHandler.reject(status: overflow ? 431 : 400, reason: overflow ? "request headers too large" : "malformed request")
    }

    /// The answer for a request that is refused before anything runs, or nil when it is served.
    static func refusal(for head: HTTPRequestHead) -> MetricsResponse? {
        guard head.method == .GET || head.method == .HEAD else {
            return MetricsResponse(status: 405, body: "only GET and HEAD are allowed\n")
        }
        if let length = head.headers.first(name: "content-length"), length != "0" {
            return MetricsResponse(status: 413, body: "this endpoint takes no request body\n")
        }
        if head.headers.contains(name: "transfer-encoding") {
            return MetricsResponse(status: 413, body: "this endpoint takes no request body\n")
        }
        if case .refuse(let response) = MetricsRoute.match(head.uri) { return response }
        return nil
    }

    /// The route of a request target, or nil when it is refused (`MetricsRoute.match` says why).
    static func route(_ uri: String) -> MetricsRoute? {
        if case .serve(let route) = MetricsRoute.match(uri) { return route }
        return nil
    }

    private func serve(_ context: ChannelHandlerContext, head: HTTPRequestHead) {
        guard let route = Self.route(head.uri) else { return }
        inFlight = true
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        let loop = context.eventLoop
        responder(route) { response in
            loop.execute {
                let (me, context) = bound.value
                me.inFlight = false
                me.respond(context, head: head, response: response, keepAlive: head.isKeepAlive)
            }
        }
    }

    private func respond(_ context: ChannelHandlerContext, head: HTTPRequestHead, response: MetricsResponse, keepAlive: Bool) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: response.contentType)
        headers.add(name: "Content-Length", value: String(response.body.utf8.count))
        headers.add(name: "Connection", value: keepAlive ? "keep-alive" : "close")
        if response.status == 405 { headers.add(name: "Allow", value: "GET, HEAD") }
        let status = HTTPResponseStatus(statusCode: response.status)
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))), promise: nil)
        if head.method != .HEAD {
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: response.body)))), promise: nil)
        }
        let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if keepAlive {
            guardHandler.responseSent()
        } else {
            let channel = context.channel
            done.whenComplete { _ in channel.close(promise: nil) }
        }
    }
}
