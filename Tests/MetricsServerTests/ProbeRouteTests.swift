import Foundation
import Testing

@testable import MetricsServer

/// `/probe?target=NAME` (issue 19, the multi-target exporter pattern): the query is decoded as Prometheus encodes
/// `params`, and a probe without a usable name is refused with 400 before the responder runs.
@Suite struct ProbeRouteTests {
    @Test func theTargetIsPercentDecodedAndTheFirstOneCounts() {
        for (uri, name) in [
            ("/probe?target=eu1", "eu1"), ("/probe?target=prod%2Deu", "prod-eu"), ("/probe?target=prod+eu", "prod eu"),
            ("/probe?target=a%2Bb", "a+b"), ("/probe?module=pg&target=caf%C3%A9", "café"), ("/probe?target=one&target=two", "one"),
            ("/probe?target=x%3Dy%26z", "x=y&z"),
        ] {
            #expect(MetricsRoute.match(uri) == .serve(.probe(target: name)), "\(uri)")
        }
    }

    @Test func aMissingEmptyOrHostileNameIs400WithoutEchoingIt() {
        let cases: [(String, String)] = [
            ("/probe", "needs a target"), ("/probe?", "needs a target"), ("/probe?target=", "needs a target"),
            ("/probe?module=pg", "needs a target"), ("/probe?target", "needs a target"),
            ("/probe?target=evil%0Aline", "control or invisible"), ("/probe?target=%1B%5B2J", "control or invisible"),
            ("/probe?target=abc%E2%80%AEgpj", "control or invisible"), ("/probe?target=a%C2%85b", "control or invisible"),
            ("/probe?target=%zz", "malformed"), ("/probe?target=%4", "malformed"), ("/probe?target=%C3", "malformed"),
        ]
        for (uri, why) in cases {
            guard case .refuse(let r) = MetricsRoute.match(uri) else {
                Issue.record("\(uri) was served")
                continue
            }
            #expect(r.status == 400 && r.body.contains(why), "\(uri) → \(r.status) \(r.body)")
            #expect(!r.body.contains("evil") && !r.body.contains("gpj"), "the name is never echoed: \(r.body)")
        }
    }

    @Test func otherPathsKeepTheirRoutes() {
        #expect(MetricsRoute.match("/metrics?target=eu1") == .serve(.metrics))
        #expect(MetricsRoute.match("/-/healthy") == .serve(.healthy))
        #expect(MetricsRoute.match("/") == .serve(.index))
        for uri in ["/probe/eu1", "/probes?target=eu1", "/nope"] {
            #expect(MetricsRoute.match(uri) == .refuse(MetricsResponse(status: 404, body: "not found: try /metrics\n")), "\(uri)")
        }
    }

    @Test func theServerPassesTheDecodedNameAndRefusesABadOneBeforeTheResponder() async throws {
        let asked = ProbeLog()
        let responder: MetricsResponder = { route, reply in
            if case .probe(let name) = route {
                asked.add(name)
                reply(MetricsResponse(status: 200, body: "probed \(name)\n"))
            } else {
                reply(MetricsResponse(status: 200, body: "ok\n"))
            }
        }
        try await withServer(responder: responder) { port, _ in
            let ok = try await exchange(port, "GET /probe?target=prod%2Deu HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            #expect(RawClient.status(ok) == 200 && ok.hasSuffix("\r\n\r\nprobed prod-eu\n"), "\(ok)")
            for bad in ["/probe", "/probe?target=", "/probe?target=a%07b"] {
                let r = try await exchange(port, "GET \(bad) HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                #expect(RawClient.status(r) == 400, "\(bad) → \(r)")
            }
        }
        #expect(asked.names == ["prod-eu"], "only the good probe reached the responder")
    }
}

/// The names the responder was asked for (it runs on the server's threads).
final class ProbeLog: @unchecked Sendable {  // guarded by lock
    private let lock = NSLock()
    private var list: [String] = []
    var names: [String] { lock.withLock { list } }
    func add(_ name: String) { lock.withLock { list.append(name) } }
}
