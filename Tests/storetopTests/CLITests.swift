import Foundation
import StoreAccess
import StoreTestSupport
import Testing

/// Runs the real `storetop` binary, as a user would.
func storetop(_ args: [String], env extra: [String: String] = [:], timeout: TimeInterval = 60) throws -> (status: Int32, out: String, err: String) {
    var env = ProcessInfo.processInfo.environment
    env["SWIFT_BACKTRACE"] = "enable=no"
    env["COLUMNS"] = "120"
    for (k, v) in extra { env[k] = v }
    return try runProcess(TestServer.builtProduct("storetop"), args, environment: env, timeout: timeout)
}

/// A plain HTTP GET over a socket (no curl needed).
func httpGet(port: UInt16, path: String) -> String? {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_port = port.bigEndian
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    let ok = withUnsafePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard ok == 0 else { return nil }
    let req = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    _ = req.withCString { send(fd, $0, strlen($0), 0) }
    var data = [UInt8]()
    var buf = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = recv(fd, &buf, buf.count, 0)
        if n <= 0 { break }
        data += buf[0..<n]
    }
    return String(decoding: data, as: UTF8.self)
}

@Suite struct CLITests {
    func seeded() throws -> (TestServer, Store, String) {
        let server = try TestServer.current()
        let schema = TestServer.freshSchemaName("cli")
        let store = try server.store(schema: schema)
        let kv = try store.kv(tenant: "acme", codec: RawCodec())
        for i in 0..<20 { try kv.set("orders", "o\(i)", [1]) }
        try store.events(tenant: "acme").append(to: "s", [EventData(type: "E")])
        return (server, store, schema)
    }

    @Test func snapshotJSONHasTheDocumentedKeys() throws {
        let (server, store, schema) = try seeded()
        defer { store.close(); server.dropSchema(schema) }
        let r = try storetop(["snapshot", "--json", "--sample", "0.3", server.directDSN, "--schema", schema])
        #expect(r.status == 0, "\(r.err)")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
        #expect(doc.keys.sorted() == ["bookmarks", "cursors", "errors", "outboxes", "pools", "server", "sessions", "streams", "taken_at", "tenants"])
        let outboxes = try #require(doc["outboxes"] as? [[String: Any]])
        #expect(outboxes.first?["rows"] as? Int == 20)
        #expect(!r.out.contains("app-secret-pw"))
    }

    @Test func snapshotTextShowsTenantsAndOutboxes() throws {
        let (server, store, schema) = try seeded()
        defer { store.close(); server.dropSchema(schema) }
        let r = try storetop(["snapshot", "--sample", "0", "--dsn", server.directDSN, "--schema", schema])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("acme"))
        #expect(r.out.contains("acme/orders"))
        #expect(r.out.contains("TENANT"))
    }

    @Test func badInputIsAClearErrorWithANonZeroExit() throws {
        let unreachable = try storetop(["snapshot", "postgresql://app:topsecret@127.0.0.1:1/x?connect_timeout=2"])
        #expect(unreachable.status == 2)
        #expect(unreachable.err.contains("could not connect"))
        #expect(!unreachable.err.contains("topsecret"))
        #expect(!unreachable.out.contains("topsecret"))
        let malformed = try storetop(["snapshot", "host=x password='open"])
        #expect(malformed.status != 0)
        #expect(malformed.err.contains("malformed connection string"))
        #expect(!malformed.err.contains("open"))
        let twice = try storetop(["snapshot", "--dsn", "host=a", "host=b"])
        #expect(twice.status != 0)
        let schema = try storetop(["snapshot", "--schema", "bad;schema"])
        #expect(schema.status != 0 && schema.err.contains("schema name"))
        let wrongpw = try storetop(["snapshot", try TestServer.current().directDSN.replacingOccurrences(of: "app-secret-pw", with: "WRONGPW")])
        #expect(wrongpw.status == 2 && wrongpw.err.contains("password authentication failed") && !wrongpw.err.contains("WRONGPW"))
    }

    /// The server at max_connections: storetop says why it cannot get its one connection (and exits non-zero),
    /// then works as soon as a slot frees.
    @Test func serverAtMaxConnectionsIsSaidPlainly() throws {
        let priv = try PrivateServer(extraConfig: "max_connections = 6\nsuperuser_reserved_connections = 2")
        defer { priv.stop() }
        var hogs = try priv.occupyAllSlots()
        #expect(hogs.count == 4)
        let full = try storetop(["snapshot", "--sample", "0", priv.monitorDSN])
        #expect(full.status == 2, "\(full.out) \(full.err)")
        #expect(full.err.contains("too many clients") || full.err.contains("remaining connection slots"), "\(full.err)")
        #expect(!full.err.contains("monitor-secret-pw"))
        hogs.removeLast().close()
        usleep(300_000)
        let ok = try storetop(["snapshot", "--sample", "0", priv.monitorDSN])
        #expect(ok.status == 0, "\(ok.err)")
        #expect(ok.out.contains("PostgreSQL 15"))
        hogs.forEach { $0.close() }
    }

    @Test func pruneDryRunPlansAndChangesNothing() throws {
        let (server, store, schema) = try seeded()
        defer { store.close(); server.dropSchema(schema) }
        let r = try storetop(["prune", server.directDSN, "--schema", schema, "--tenant", "acme", "--kind", "orders", "--safe", "--dry-run"])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("prune safe acme/orders: 20 of 20 rows"))
        #expect(r.out.contains("dry run"))
        #expect(try server.admin(SQL(unsafeRaw: "SELECT count(*) FROM \"\(schema)\".outbox")).first?[0] == "20")
        let ro = try storetop([
            "prune", server.directDSN, "--schema", schema, "--tenant", "acme", "--kind", "orders", "--safe", "--yes", "--read-only",
        ])
        #expect(ro.status == 4)
        #expect(ro.err.contains("read-only"))
        let noTTY = try storetop(["prune", server.directDSN, "--schema", schema, "--tenant", "acme", "--kind", "orders", "--safe"])
        #expect(noTTY.status != 0 && noTTY.err.contains("--yes"))
        let run = try storetop([
            "prune", server.directDSN, "--schema", schema, "--tenant", "acme", "--kind", "orders", "--older-than", "0s", "--yes", "--batch", "7",
        ])
        #expect(run.status == 0, "\(run.err)")
        #expect(run.out.contains("deleted 20 rows"))
        #expect(run.out.contains("in 3 batches"))
        #expect(
            try server.admin(SQL(unsafeRaw: "SELECT count(*) FROM \"\(schema)\".prune_audit WHERE mode = 'forced' AND rows_deleted = 20")).first?[0]
                == "1")
        for bad in [
            ["--tenant", "bad name", "--kind", "k", "--safe"], ["--tenant", "t", "--kind", "k"],
            ["--tenant", "t", "--kind", "k", "--older-than", "7 days"],
            ["--tenant", "t", "--kind", "k", "--safe", "--batch", "0"],
        ] {
            let b = try storetop(["prune", server.directDSN] + bad)
            #expect(b.status != 0, "\(bad)")
            #expect(b.err.contains("Error"), "\(b.err)")
        }
    }

    @Test func metricsOnceAndOverHTTP() throws {
        let (server, store, schema) = try seeded()
        defer { store.close(); server.dropSchema(schema) }
        let once = try storetop(["metrics", "--once", server.directDSN, "--schema", schema])
        #expect(once.status == 0, "\(once.err)")
        #expect(once.out.contains("storetop_outbox_rows{tenant=\"acme\",store=\"kv\",kind=\"orders\"} 20"))
        let port = UInt16.random(in: 40000...50000)
        let p = try BackgroundProcess(
            TestServer.builtProduct("storetop"), ["metrics", server.directDSN, "--schema", schema, "--listen", "127.0.0.1:\(port)"])
        defer { p.kill9() }
        var body: String?
        for _ in 0..<100 {
            body = httpGet(port: port, path: "/metrics")
            if body != nil { break }
            usleep(100_000)
        }
        let text = try #require(body, "no answer: \(p.errors)")
        #expect(text.hasPrefix("HTTP/1.1 200"))
        #expect(text.contains("# TYPE storetop_consumer_lag_events gauge") || text.contains("storetop_events_head_position"))
        #expect(text.contains("storetop_events_total{tenant=\"acme\",store=\"events\"} 1"))
        #expect(!text.contains("app-secret-pw"))
        let bad = try storetop(["metrics", "--listen", "localhost"])
        #expect(bad.status != 0)
    }
}
