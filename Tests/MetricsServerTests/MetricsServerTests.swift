import Foundation
import NIOCore
import Synchronization
import Testing

@testable import MetricsServer

/// Starts a server on a kernel-chosen port with `configure` applied, runs `body`, shuts it down.
func withServer(
    _ configure: (inout MetricsServerConfiguration) -> Void = { _ in },
    responder: @escaping MetricsResponder = { route, reply in
        reply(route == .metrics ? MetricsResponse(status: 200, body: "storetop_up 1\n") : MetricsResponse(status: 200, body: "ok\n"))
    },
    _ body: (Int, MetricsServer) async throws -> Void
) async throws {
    var c = MetricsServerConfiguration(host: "127.0.0.1", port: 0)
    configure(&c)
    let server = MetricsServer(configuration: c, responder: responder)
    let (_, port) = try await server.start()
    do {
        try await body(port, server)
    } catch {
        await server.shutdown()
        throw error
    }
    await server.shutdown()
}

/// Runs blocking socket I/O on a thread of its own: the cooperative pool (two threads here) must stay free for the
/// server's responder, as it is in production.
func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { cont in
        Thread.detachNewThread { cont.resume(with: Result { try body() }) }
    }
}

/// Sends `request` on a new connection and reads until the server closes it.
func exchange(_ port: Int, _ request: String, receiveTimeout: Double = 5) async throws -> String {
    try await offPool {
        let c = try RawClient(port: port, receiveTimeout: receiveTimeout)
        c.send(request)
        return c.readAll()
    }
}

/// One GET of /metrics on a new connection; returns the status and the seconds it took (timed on the client's
/// own thread, so a busy test runner does not count).
func scrape(_ port: Int) async throws -> (Int?, Double) {
    try await offPool {
        let start = Date()
        let c = try RawClient(port: port)
        c.send("GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        let r = c.readAll()
        return (RawClient.status(r), Date().timeIntervalSince(start))
    }
}

@Suite struct MetricsServerRoutingTests {
    @Test func servesMetricsHeadHealthAndRefusesTheRest() async throws {
        try await withServer { port, _ in
            let g = try await exchange(port, "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            #expect(RawClient.status(g) == 200)
            #expect(g.hasSuffix("\r\n\r\nstoretop_up 1\n"))
            let h = try await exchange(port, "HEAD /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            #expect(RawClient.status(h) == 200)
            #expect(h.lowercased().contains("content-length: 14"))
            #expect(h.hasSuffix("\r\n\r\n"), "HEAD sends no body")
            for (request, status) in [
                ("GET /-/healthy HTTP/1.1\r\nHost: x\r\n\r\n", 200), ("GET /nope HTTP/1.1\r\nHost: x\r\n\r\n", 404),
                ("POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi", 405),
                ("GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello", 413),
                ("GARBAGE\r\n\r\n", 400),
            ] {
                let r = try await offPool {
                    let c = try RawClient(port: port)
                    c.send(request)
                    return c.readResponse()
                }
                #expect(RawClient.status(r) == status, "\(request.prefix(20)) → \(r.prefix(40))")
                if status == 405 { #expect(r.contains("Allow: GET, HEAD")) }
            }
        }
    }

    @Test func keepAliveServesSeveralRequestsOnOneConnection() async throws {
        try await withServer { port, _ in
            let responses = try await offPool {
                let c = try RawClient(port: port)
                return (0..<3).map { _ in
                    c.send("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
                    return c.readResponse()
                }
            }
            #expect(responses.count == 3)
            #expect(responses.allSatisfy { RawClient.status($0) == 200 && $0.hasSuffix("storetop_up 1\n") })
        }
    }

    @Test func bindErrorsSayWhatIsWrong() async throws {
        try await withServer { port, _ in
            let second = MetricsServer(
                configuration: .init(host: "127.0.0.1", port: port), responder: { _, reply in reply(.init(status: 200, body: "")) })
            await #expect(throws: MetricsServerError.addressInUse("127.0.0.1:\(port)")) { try await second.start() }
            await second.shutdown()
        }
        let bad = MetricsServer(configuration: .init(host: "999.1.1.1", port: 9187), responder: { _, reply in reply(.init(status: 200, body: "")) })
        await #expect(throws: MetricsServerError.invalidAddress("999.1.1.1:9187")) { try await bad.start() }
        await bad.shutdown()
        #expect(MetricsServerError.addressInUse("127.0.0.1:1").description.hasPrefix("address in use"))
    }
}
