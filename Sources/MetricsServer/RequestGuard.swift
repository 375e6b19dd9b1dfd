import NIOCore
import NIOHTTP1

/// The first handler of every connection (before the HTTP decoder): counts the bytes of the request being read and
/// owns the connection's one deadline. A request head over `maxRequestBytes` gets 431 and the connection is
/// closed before the decoder buffers more; a client that does not finish its head within `headTimeout` of its
/// first byte (or of connecting), or stays idle past `idleTimeout` after a response, is disconnected.
final class RequestGuard: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let configuration: MetricsServerConfiguration
    private var bytes = 0
    private var waitingForHead = true
    private var deadline: Scheduled<Void>?
    private var context: ChannelHandlerContext?

    init(configuration: MetricsServerConfiguration) { self.configuration = configuration }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        arm(configuration.headTimeout, status: nil)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        if !waitingForHead {
            // The first byte of the next request on a kept-alive connection: it now has `headTimeout` to finish.
            waitingForHead = true
            arm(configuration.headTimeout, status: 408)
        }
        bytes += buffer.readableBytes
        if bytes > configuration.maxRequestBytes {
            reject(context, status: 431, reason: "request head larger than \(configuration.maxRequestBytes) bytes")
            return
        }
        context.fireChannelRead(data)
    }

    /// The decoder delivered a complete request head: stop the head deadline while the response is made.
    func headReceived() {
        deadline?.cancel()
        deadline = nil
    }

    /// A response went out on a kept-alive connection: count the next request from zero and allow it to idle.
    func responseSent() {
        bytes = 0
        waitingForHead = false
        arm(configuration.idleTimeout, status: nil)
    }

    private func arm(_ timeout: TimeAmount, status: Int?) {
        deadline?.cancel()
        guard let context else { return }
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        deadline = context.eventLoop.scheduleTask(in: timeout) {
            let me = bound.value
            guard let context = me.context else { return }
            if let status { me.reject(context, status: status, reason: "request not complete in time") } else { context.close(promise: nil) }
        }
    }

    /// Answers `status` with `reason` as raw bytes written below the HTTP encoder, then closes the connection.
    func reject(status: Int, reason: String) {
        guard let context else { return }
        reject(context, status: status, reason: reason)
    }

    private func reject(_ context: ChannelHandlerContext, status: Int, reason: String) {
        deadline?.cancel()
        let response = RawResponse.text(status: status, body: reason + "\n", keepAlive: false)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(channel.allocator.buffer(string: response))).whenComplete { _ in
            channel.close(promise: nil)
        }
    }
}

/// A complete HTTP/1.1 response as bytes, for the answers given before or instead of the HTTP pipeline.
enum RawResponse {
    static func text(status: Int, body: String, keepAlive: Bool) -> String {
        "HTTP/1.1 \(status) \(HTTPResponseStatus(statusCode: status).reasonPhrase)\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\nContent-Length: \(body.utf8.count)\r\n"
            + "Connection: \(keepAlive ? "keep-alive" : "close")\r\n\r\n" + body
    }
}
