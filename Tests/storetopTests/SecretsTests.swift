import Foundation
import StoreAccess
import StoreTestSupport
import Testing

/// No password reaches a screen, a log line, an error, a JSON snapshot or the metrics output.
@Suite struct SecretsTests {
    @Test func passwordsAppearNowhere() throws {
        let server = try TestServer.current()
        let schema = TestServer.freshSchemaName("sec")
        let store = try server.store(schema: schema)
        defer { store.close(); server.dropSchema(schema) }
        try store.events(tenant: "acme").append(to: "s", [EventData(type: "E")])
        let log = NSTemporaryDirectory() + "storetop-log-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: log) }
        let wrong = server.directDSN.replacingOccurrences(of: "app-secret-pw", with: "WRONG-secret-pw")
        let kv = "host=127.0.0.1 port=\(server.port) user=app password=app-secret-pw dbname=storetop_test"
        var outputs: [String] = []
        for args in [
            ["snapshot", "--json", "--sample", "0", server.directDSN, "--schema", schema],
            ["snapshot", "--sample", "0", "--dsn", kv, "--schema", schema],
            ["metrics", "--once", server.directDSN, "--schema", schema],
            ["snapshot", wrong],
            ["snapshot", "postgresql://app:app-secret-pw@127.0.0.1:1/x?connect_timeout=1"],
            ["prune", server.directDSN, "--schema", schema, "--tenant", "acme", "--kind", "k", "--safe", "--dry-run"],
            [server.directDSN, "--schema", schema, "--iterations", "2", "--interval", "0.5"],  // plain frames (stdout is not a terminal)
            [wrong, "--iterations", "1"],
        ] {
            let r = try storetop(args, env: ["STORETOP_LOG": log, "LINES": "40", "COLUMNS": "160"], timeout: 30)
            outputs.append(r.out)
            outputs.append(r.err)
        }
        outputs.append((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")
        let all = outputs.joined(separator: "\n")
        #expect(all.contains("storetop") && all.contains("acme"))  // the outputs are real
        for secret in ["app-secret-pw", "WRONG-secret-pw", "monitor-secret-pw"] {
            #expect(!all.contains(secret), "\(secret) leaked")
        }
    }
    /// The `--listen` start line names the server it serves with every secret masked: `sslpassword` (the private
    /// key's passphrase) and the password, written key=value, as a URL, and as a URL nested in `dbname`.
    @Test func theListenBannerMasksEverySecret() throws {
        let server = try TestServer.current()
        let port = server.port
        let url = server.directDSN + (server.directDSN.contains("?") ? "&" : "?") + "sslpassword=ssl-key-pw2"
        let forms = [
            "host=127.0.0.1 port=\(port) user=app password=app-secret-pw sslpassword='ssl key-pw1' dbname=storetop_test",
            url,
            "host=127.0.0.1 port=\(port) dbname='postgresql://app:app-secret-pw@127.0.0.1:\(port)/storetop_test?sslpassword=ssl-key-pw3'",
        ]
        for dsn in forms {
            let listen = UInt16.random(in: 40000...50000)
            let p = try BackgroundProcess(TestServer.builtProduct("storetop"), ["metrics", dsn, "--listen", "127.0.0.1:\(listen)"])
            defer { p.kill9() }
            let deadline = Date().addingTimeInterval(30)
            while !p.errors.contains("serving"), !p.exited, Date() < deadline { usleep(50_000) }
            let banner = try #require(p.errors.split(separator: "\n").first { $0.contains("serving metrics on") }, "\(p.errors)")
            #expect(banner.contains("http://127.0.0.1:\(listen)/metrics for "), "\(banner)")
            #expect(banner.contains("127.0.0.1") && banner.contains("storetop_test"), "the banner names the server: \(banner)")
            for secret in ["ssl key-pw1", "ssl-key-pw2", "ssl-key-pw3", "app-secret-pw", "key-pw"] {
                #expect(!p.errors.contains(secret) && !p.output.contains(secret), "\(secret) in \(p.errors)")
            }
            // it really serves: the masked banner is the one of a working exporter
            #expect(httpGet(port: listen, path: "/-/healthy")?.hasPrefix("HTTP/1.1 200") == true, "\(p.errors)")
        }
    }
}
