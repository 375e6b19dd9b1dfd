import Foundation
import Testing

@testable import MetricsServer

/// The exporter under abuse: each case is one a hostile or broken client tried on the earlier endpoint (unbounded
/// headers read at quadratic cost, no timeouts, no connection cap), and a scrape must still be answered in 2 s.
@Suite struct HostileClientTests {
    @Test func oversizedHeadsGet431AtOnce() async throws {
        try await withServer { port, _ in
            let start = Date()
            let big = try await exchange(port, "GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: " + String(repeating: "a", count: 256 * 1024) + "\r\n\r\n")
            #expect(RawClient.status(big) == 431)
            #expect(Date().timeIntervalSince(start) < 2)
            let many = try await exchange(port, "GET /metrics HTTP/1.1\r\n" + (0..<100).map { "X-H\($0): v\r\n" }.joined() + "\r\n")
            #expect(RawClient.status(many) == 431, "more than maxHeaderCount fields")
            let longLine = try await exchange(port, "GET /" + String(repeating: "a", count: 64 * 1024) + " HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(RawClient.status(longLine) == 431, "request line over the byte limit")
        }
    }

    @Test func floodSlowAndIdleClientsDoNotStopScrapes() async throws {
        try await withServer({ $0.headTimeout = .seconds(2) }) { port, server in
            // Four clients each pushing a 3 MB request, one sending a byte every 100 ms, eight that never send.
            let flood = (0..<4).map { _ in
                Task { try await exchange(port, "GET /metrics HTTP/1.1\r\nX: " + String(repeating: "b", count: 3 << 20) + "\r\n\r\n") }
            }
            let slow = Task {
                try await offPool {
                    let c = try RawClient(port: port, receiveTimeout: 10)
                    for b in "GET /metrics HTTP/1.1\r\nHost: x\r\n".utf8 {
                        if !c.send([b]) { break }
                        Thread.sleep(forTimeInterval: 0.1)
                    }
                    return c.readAll()
                }
            }
            let idle = (0..<8).map { _ in Task { try await exchange(port, "", receiveTimeout: 10) } }
            for _ in 0..<5 {
                let (status, seconds) = try await scrape(port)
                #expect(status == 200)
                #expect(seconds < 2, "a scrape took \(seconds) s under the flood")
                try await Task.sleep(for: .milliseconds(200))
            }
            for f in flood { #expect(RawClient.status(try await f.value) == 431) }
            let slowAnswer = try await slow.value
            #expect(slowAnswer.isEmpty || RawClient.status(slowAnswer) == 408, "the slow client is cut off: \(slowAnswer.prefix(30))")
            for i in idle { #expect(try await i.value.isEmpty, "idle connections are closed without a response") }
            #expect(server.openConnections == 0)
        }
    }

    @Test func connectionsOverTheCapGet503() async throws {
        try await withServer({ $0.maxConnections = 4 }) { port, server in
            let answers = try await offPool {
                let held = try (0..<4).map { _ in try RawClient(port: port) }
                Thread.sleep(forTimeInterval: 0.3)
                let extra = try RawClient(port: port)
                return (extra.readAll(), held.count)
            }
            #expect(RawClient.status(answers.0) == 503)
        }
        try await withServer({
            $0.maxConnections = 2
            $0.headTimeout = .milliseconds(500)
        }) { port, _ in
            let held = (0..<2).map { _ in Task { try await exchange(port, "", receiveTimeout: 5) } }
            try await Task.sleep(for: .seconds(1))  // the silent connections time out and free their slots
            let (status, _) = try await scrape(port)
            #expect(status == 200)
            for h in held { #expect(try await h.value.isEmpty) }
        }
    }

    @Test func idleKeepAliveConnectionsAreClosed() async throws {
        try await withServer({ $0.idleTimeout = .milliseconds(500) }) { port, server in
            let (first, rest) = try await offPool {
                let c = try RawClient(port: port)
                c.send("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
                let first = c.readResponse()
                Thread.sleep(forTimeInterval: 1.5)
                return (first, c.readAll())
            }
            #expect(RawClient.status(first) == 200)
            #expect(rest.isEmpty)
            #expect(server.openConnections == 0)
        }
    }
}
