import Foundation
import StoreTestSupport

/// A real Prometheus server (Debian's `prometheus` package) for one test: a config, storage and port of its own,
/// scraping one exporter every second with storetop's alert rules evaluated every second. `close()` kills it.
final class PrometheusProcess {
    static let binary = "/usr/bin/prometheus"
    let port: Int
    let dir: String
    let process: BackgroundProcess

    init(scrapePort: Int, rules: String) throws {
        port = try freeLocalPort()
        dir = NSTemporaryDirectory() + "storetop-prometheus-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir + "/data", withIntermediateDirectories: true)
        let config = """
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
              evaluation_interval: 1s
            rule_files:
              - "\(rules)"
            scrape_configs:
              - job_name: storetop
                static_configs:
                  - targets: ["127.0.0.1:\(scrapePort)"]

            """
        try config.write(toFile: dir + "/prometheus.yml", atomically: true, encoding: .utf8)
        process = try BackgroundProcess(
            Self.binary,
            [
                "--config.file=\(dir)/prometheus.yml", "--storage.tsdb.path=\(dir)/data", "--web.listen-address=127.0.0.1:\(port)",
                "--log.level=warn",
            ])
    }

    /// The result vector of an instant query (`metric` labels and the value), or nil while Prometheus does not
    /// answer with success.
    func query(_ promql: String) -> [(labels: [String: String], value: Double)]? {
        let q = promql.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        guard let (status, body) = httpGet10(port: port, path: "/api/v1/query?query=\(q)"), status == 200,
            let doc = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any], doc["status"] as? String == "success",
            let result = (doc["data"] as? [String: Any])?["result"] as? [[String: Any]]
        else { return nil }
        return result.map { r in
            let value = (r["value"] as? [Any])?.last as? String
            return (r["metric"] as? [String: String] ?? [:], value.flatMap(Double.init) ?? .nan)
        }
    }

    /// Polls `promql` until it returns at least one series (or `timeout` passes, or Prometheus exits): the series.
    func waitFor(_ promql: String, timeout: TimeInterval = 180) -> [(labels: [String: String], value: Double)] {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline && !process.exited {
            if let r = query(promql), !r.isEmpty { return r }
            usleep(250_000)
        }
        return []
    }

    /// Kills the server and removes its files (every path of a test calls it, through `defer`).
    func close() {
        process.kill9()
        try? FileManager.default.removeItem(atPath: dir)
    }

    deinit { close() }
}

/// A TCP port on 127.0.0.1 that nothing listens on now (the kernel's choice for port 0).
func freeLocalPort() throws -> Int {
    let (fd, port) = try localSocket(listening: false)
    close(fd)
    return Int(port)
}

/// A socket bound to a port the kernel chose on 127.0.0.1, listening (`listening`) with a backlog of 8 but never
/// accepting: a connection to it completes the TCP handshake and then hears nothing. The caller closes it.
func localSocket(listening: Bool = true) throws -> (fd: Int32, port: UInt16) {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw POSIXError(.EMFILE) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    let ok = withUnsafeMutablePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(fd, $0, len) == 0 && (!listening || listen(fd, 8) == 0) && getsockname(fd, $0, &len) == 0
        }
    }
    guard ok else {
        close(fd)
        throw POSIXError(.EADDRINUSE)
    }
    return (fd, UInt16(bigEndian: addr.sin_port))
}

/// An HTTP/1.0 GET (so the answer is never chunked) with a 10 s receive timeout: the status and the body.
func httpGet10(port: Int, path: String) -> (Int, String)? {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var tv = timeval(tv_sec: 10, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_port = UInt16(port).bigEndian
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    let ok = withUnsafePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard ok == 0 else { return nil }
    _ = "GET \(path) HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".withCString { send(fd, $0, strlen($0), 0) }
    var data = [UInt8]()
    var buf = [UInt8](repeating: 0, count: 65536)
    while case let n = recv(fd, &buf, buf.count, 0), n > 0 { data += buf[0..<n] }
    let text = String(decoding: data, as: UTF8.self)
    guard let split = text.range(of: "\r\n\r\n"), let status = Int(text.split(separator: " ").dropFirst().first ?? "") else { return nil }
    return (status, String(text[split.upperBound...]))
}
