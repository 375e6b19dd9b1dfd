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
        #expect(
            doc.keys.sorted() == [
                "bookmarks", "cursors", "errors", "foreign", "outboxes", "pools", "replication", "server", "sessions", "streams", "taken_at",
                "tenants",
            ])
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
        #expect(unreachable.status == 69)
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
        #expect(wrongpw.status == 77 && wrongpw.err.contains("password authentication failed") && !wrongpw.err.contains("WRONGPW"))
    }

    /// The server at max_connections: storetop says why it cannot get its one connection (and exits non-zero),
    /// then works as soon as a slot frees.
    @Test func serverAtMaxConnectionsIsSaidPlainly() throws {
        let priv = try PrivateServer(extraConfig: "max_connections = 6\nsuperuser_reserved_connections = 2")
        defer { priv.stop() }
        // a store the monitoring role may read, so that the snapshot succeeds once it gets a connection
        try Store.connect(priv.dsn, service: "tests").close()
        let admin = try Connection(try ConnectionString(priv.adminDSN))
        try admin.query("GRANT USAGE ON SCHEMA storeaccess TO monitor")
        try admin.query("GRANT SELECT ON ALL TABLES IN SCHEMA storeaccess TO monitor")
        try admin.query("GRANT SELECT ON ALL SEQUENCES IN SCHEMA storeaccess TO monitor")
        admin.close()
        var hogs = try priv.occupyAllSlots()
        #expect(hogs.count == 4)
        let full = try storetop(["snapshot", "--sample", "0", priv.monitorDSN])
        #expect(full.status == 69, "\(full.out) \(full.err)")
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
        #expect(ro.status == 77)
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

    /// Issue 16 §6: a password on the command line is visible in `ps`; the CLI says so once, on stderr, and points
    /// to a password file or `env:`. Nothing warns when the password comes from `env:` or the libpq environment.
    @Test func aPasswordOnTheCommandLineIsWarnedOnce() throws {
        let (server, store, schema) = try seeded()
        defer { store.close(); server.dropSchema(schema) }
        let warning = "carries a password"
        func warnings(_ r: (status: Int32, out: String, err: String)) -> Int { r.err.components(separatedBy: warning).count - 1 }
        let kv = "host=127.0.0.1 port=\(server.port) user=app password=app-secret-pw dbname=storetop_test"
        for args in [
            ["snapshot", "--sample", "0", server.directDSN, "--schema", schema],  // a URL's user:password@
            ["snapshot", "--sample", "0", "--dsn", kv, "--schema", schema],
            ["metrics", "--once", server.directDSN, "--schema", schema],
            ["prune", kv, "--schema", schema, "--tenant", "acme", "--kind", "orders", "--safe", "--dry-run"],
            [server.directDSN, "--schema", schema, "--iterations", "1"],  // the dashboard (plain frames)
        ] {
            let r = try storetop(args)
            #expect(r.status == 0, "\(args.prefix(1)): \(r.err)")
            #expect(warnings(r) == 1, "\(args.prefix(1)): \(r.err)")
            #expect(r.err.contains("PGPASSFILE") && r.err.contains("env:VAR"))
            #expect(!r.err.contains("app-secret-pw") && !r.out.contains("app-secret-pw"))
        }
        // sslpassword is a secret too (libpq reads it for the client key); the password itself from PGPASSWORD
        let ssl = try storetop(
            [
                "snapshot", "--sample", "0", "host=127.0.0.1 port=\(server.port) user=app dbname=storetop_test sslpassword=key-secret", "--schema",
                schema,
            ],
            env: ["PGPASSWORD": "app-secret-pw"])
        #expect(ssl.status == 0 && warnings(ssl) == 1, "\(ssl.err)")
        #expect(!ssl.err.contains("key-secret"))
        // a connection string nested in dbname carries its password just as visibly
        let nested = try storetop(["snapshot", "--sample", "0", "dbname='postgresql://app:app-secret-pw@127.0.0.1:1/x' connect_timeout=2"])
        #expect(warnings(nested) == 1, "\(nested.err)")
        #expect(!nested.err.contains("app-secret-pw"))
        // no warning: env:VAR, the libpq environment, a DSN without a password
        let viaEnv = try storetop(["snapshot", "--sample", "0", "--dsn", "env:STORETOP_CLI_DSN", "--schema", schema], env: ["STORETOP_CLI_DSN": kv])
        #expect(viaEnv.status == 0 && warnings(viaEnv) == 0, "\(viaEnv.err)")
        let libpq = try storetop(
            ["snapshot", "--sample", "0", "--schema", schema],
            env: ["PGHOST": "127.0.0.1", "PGPORT": "\(server.port)", "PGUSER": "app", "PGPASSWORD": "app-secret-pw", "PGDATABASE": "storetop_test"])
        #expect(libpq.status == 0 && warnings(libpq) == 0, "\(libpq.err)")
        let noPassword = try storetop(
            ["snapshot", "--sample", "0", "host=127.0.0.1 port=\(server.port) user=app dbname=storetop_test", "--schema", schema],
            env: ["PGPASSWORD": "app-secret-pw"])
        #expect(noPassword.status == 0 && warnings(noPassword) == 0, "\(noPassword.err)")
    }

    /// Issue 16: durations are parsed strictly (no trap on `1e15d`, no hex), and refused as usage errors.
    @Test func durationsAreStrictAndNeverTrap() throws {
        let dsn = try TestServer.current().directDSN
        for (text, says) in [
            ("1e15d", "unknown unit \"e\""), ("0x10s", "unknown unit \"x\""), ("99999999999999999999d", "longer than 100 years"),
            ("1e308s", "unknown unit"), ("-5m", "not a duration"), ("5", "no unit"), ("nan", "not a duration"), ("inf", "not a duration"),
            ("1m1h", "larger unit first"), ("1.5.5s", "not a duration"), ("7 days", "no unit"), (" 7d", "not a duration"),
        ] {
            let r = try storetop(["prune", dsn, "--tenant", "t", "--kind", "k", "--older-than=\(text)"])
            #expect(r.status == 64, "\(text): \(r.status) \(r.err)")
            #expect(r.err.contains(says), "\(text): \(r.err)")
        }
        let ok = try storetop(["prune", dsn, "--tenant", "acme", "--kind", "nope", "--older-than", "1h30m", "--dry-run"])
        #expect(ok.status == 65, "parsed, then the kind is not found: \(ok.err)")
    }

    /// Issue 16: `--schema public` (a store in the public schema of its own database) works in every command.
    @Test func schemaPublicWorks() throws {
        let server = try TestServer.current()
        let db = "cli_public_\(UInt32.random(in: 0...UInt32.max))"
        try server.admin(SQL(unsafeRaw: "CREATE DATABASE \(db) OWNER app"))
        defer { _ = try? server.admin(SQL(unsafeRaw: "DROP DATABASE IF EXISTS \(db) WITH (FORCE)")) }
        let dsn = server.directDSN.replacingOccurrences(of: "/storetop_test", with: "/\(db)")
        var o = Store.Options()
        o.schema = "public"
        let store = try Store.connect(dsn, service: "tests", options: o)
        let kv = try store.kv(tenant: "acme", codec: RawCodec())
        for i in 0..<4 { try kv.set("orders", "o\(i)", [1]) }
        store.close()
        let snap = try storetop(["snapshot", "--sample", "0", dsn, "--schema", "public"])
        #expect(snap.status == 0 && snap.out.contains("acme/orders"), "\(snap.out) \(snap.err)")
        let json = try storetop(["snapshot", "--json", "--sample", "0", dsn, "--schema", "public"])
        #expect(json.status == 0, "\(json.err)")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [String: Any])
        #expect((doc["errors"] as? [Any])?.isEmpty == true, "\(doc["errors"] ?? "none")")
        let metrics = try storetop(["metrics", "--once", dsn, "--schema", "public"])
        #expect(metrics.status == 0 && metrics.out.contains("storetop_outbox_rows{tenant=\"acme\",store=\"kv\",kind=\"orders\"} 4"), "\(metrics.err)")
        let prune = try storetop(["prune", dsn, "--schema", "public", "--tenant", "acme", "--kind", "orders", "--safe", "--yes"])
        #expect(prune.status == 0 && prune.out.contains("deleted 4 rows"), "\(prune.out) \(prune.err)")
    }
}
