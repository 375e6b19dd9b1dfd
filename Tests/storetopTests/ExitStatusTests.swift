import Foundation
import StoreAccess
import StoreTestSupport
import Testing

/// Issue 16: one exit-status table for every command (README, docs/security.md): 0 ok, 1 runtime failure, 64 usage,
/// 65 data or not found, 69 unavailable, 77 permission. Each case runs the built binary as a user would, and says
/// the error in one line.
@Suite struct ExitStatusTests {
    func seeded() throws -> (TestServer, Store, String) {
        let server = try TestServer.current()
        let schema = TestServer.freshSchemaName("exit")
        let store = try server.store(schema: schema)
        let kv = try store.kv(tenant: "acme", codec: RawCodec())
        for i in 0..<5 { try kv.set("orders", "o\(i)", [1]) }
        return (server, store, schema)
    }

    /// Checks status and message of one run; returns it for more checks.
    @discardableResult
    func expectStatus(
        _ status: Int32, _ args: [String], says text: String, env: [String: String] = [:], sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> (status: Int32, out: String, err: String) {
        let r = try storetop(args, env: env, timeout: 30)
        #expect(r.status == status, "\(args.prefix(2)): \(r.err)", sourceLocation: sourceLocation)
        #expect(r.err.contains(text), "\(args.prefix(2)): \(r.err)", sourceLocation: sourceLocation)
        return r
    }

    /// The error is one line on stderr (besides the warning about a password in the connection string, which has a
    /// line of its own): libpq's multi-line messages are joined.
    func expectOneLine(_ r: (status: Int32, out: String, err: String), sourceLocation: SourceLocation = #_sourceLocation) {
        let lines = r.err.split(separator: "\n", omittingEmptySubsequences: false).filter {
            !$0.hasPrefix("storetop: warning: the connection string")
        }
        #expect(lines.count == 2 && lines[1].isEmpty, "one line on stderr: \(r.err.debugDescription)", sourceLocation: sourceLocation)
    }

    @Test func usageErrorsAre64InEveryCommand() throws {
        let dsn = try TestServer.current().directDSN
        try expectStatus(64, ["snapshot", "--sample", "99"], says: "--sample")
        try expectStatus(64, ["snapshot", "host=x password='open"], says: "malformed connection string")
        try expectStatus(64, ["snapshot", "--dsn", "env:STORETOP_NO_SUCH_VARIABLE"], says: "is not set")
        #expect(!(try expectStatus(64, ["metrics", "--listen", "localhost"], says: "invalid address")).err.contains("serving"))
        try expectStatus(64, ["metrics", "--max-connections", "0"], says: "--max-connections")
        try expectStatus(64, ["prune", dsn, "--tenant", "t", "--kind", "k"], says: "--safe")
        try expectStatus(64, ["prune", dsn, "--tenant", "bad name", "--kind", "k", "--safe"], says: "tenant")
        try expectStatus(64, ["--interval", "0"], says: "--interval")  // the dashboard
        try expectStatus(64, ["top", "--view", "nosuch"], says: "unknown view")
        try expectStatus(64, ["demo", "--no-such-option"], says: "no-such-option")
    }

    @Test func whatDoesNotExistIs65() throws {
        let (server, store, schema) = try seeded()
        defer { store.close(); server.dropSchema(schema) }
        let prune = ["prune", server.directDSN, "--schema", schema, "--safe", "--yes"]
        let ghost = try expectStatus(65, prune + ["--tenant", "ghost", "--kind", "orders"], says: "tenant ghost does not exist")
        let lines = ghost.err.split(separator: "\n").filter { !$0.hasPrefix("storetop: warning: the connection string") }
        #expect(lines.count == 1, "one line: \(ghost.err)")
        try expectStatus(65, prune + ["--tenant", "acme", "--kind", "order"], says: "tenant acme has no outbox of kind order (its kinds: orders)")
        // the store schema is not in this database: the report is printed, and the exit status says so
        let missing = try expectStatus(65, ["snapshot", "--sample", "0", server.directDSN, "--schema", "no_such_store"], says: "not found")
        #expect(missing.out.contains("PostgreSQL 15"))
        let db = server.directDSN.replacingOccurrences(of: "/storetop_test", with: "/no_such_database")
        expectOneLine(try expectStatus(65, ["snapshot", "--sample", "0", db], says: "does not exist"))
        #expect(try server.admin(SQL(unsafeRaw: "SELECT count(*) FROM \"\(schema)\".prune_audit")).first?[0] == "0")
        // a schema newer than this storetop knows: the report is printed, the store error named, and the status 65
        try server.admin(
            SQL(unsafeRaw: "INSERT INTO \"\(schema)\".schema_version (version, library) VALUES (\(StoreSchema.currentVersion + 1), 'future')"))
        let newer = try expectStatus(
            65, ["snapshot", "--sample", "0", server.directDSN, "--schema", schema], says: "newer than this storetop knows")
        #expect(newer.out.contains("PostgreSQL 15"), "the report is still printed: \(newer.out)")
    }

    @Test func anUnreachableServerOrABusyAddressIs69() throws {
        // a connection error is one line, whichever command met it
        expectOneLine(try expectStatus(69, ["snapshot", "postgresql://app@127.0.0.1:1/x?connect_timeout=2"], says: "could not connect"))
        expectOneLine(try expectStatus(69, ["metrics", "--once", "host=127.0.0.1 port=1 connect_timeout=2"], says: "could not connect"))
        expectOneLine(try expectStatus(69, ["prune", "host=127.0.0.1 port=1", "--tenant", "t", "--kind", "k", "--safe"], says: "could not connect"))
        // an address already in use
        let (fd, port) = try localSocket()
        defer { close(fd) }
        let dsn = try TestServer.current().directDSN
        let busy = try expectStatus(69, ["metrics", dsn, "--listen", "127.0.0.1:\(port)"], says: "address in use")
        expectOneLine(busy)
        // "serving" is said only after the bind succeeded: never on a busy address, nor on an invalid one
        #expect(!busy.err.contains("serving") && !busy.out.contains("serving"), "\(busy.err)")
        // the dashboard without a usable terminal
        let bin = TestServer.builtProduct("storetop")
        var env = ProcessInfo.processInfo.environment
        env["SWIFT_BACKTRACE"] = "enable=no"
        let r = try runProcess("/usr/bin/script", ["-qec", "env -u TERM '\(bin)' '\(dsn)'", "/dev/null"], environment: env, timeout: 30)
        #expect(r.status == 69 && r.out.contains("TERM is not set"), "\(r.status) \(r.out) \(r.err)")
    }

    @Test func refusedIs77() throws {
        let (server, store, schema) = try seeded()
        defer { store.close(); server.dropSchema(schema) }
        let prune = ["prune", server.directDSN, "--schema", schema, "--tenant", "acme", "--kind", "orders", "--safe", "--yes"]
        try expectStatus(77, prune + ["--read-only"], says: "read-only")
        let wrong = server.directDSN.replacingOccurrences(of: "app-secret-pw", with: "WRONGPW")
        let r = try expectStatus(77, ["snapshot", "--sample", "0", wrong], says: "password authentication failed")
        expectOneLine(r)
        #expect(!r.err.contains("WRONGPW"))
        // a role that may not read the store: every store panel is off, so the snapshot is not a success
        let denied = try expectStatus(77, ["snapshot", "--sample", "0", server.monitorDSN, "--schema", schema], says: "permission denied")
        #expect(denied.out.contains("PostgreSQL 15"), "the report is still printed")
        // the monitoring role may read but not prune: refused before anything runs
        try server.admin(SQL(unsafeRaw: "GRANT USAGE ON SCHEMA \"\(schema)\" TO monitor"))
        try server.admin(SQL(unsafeRaw: "GRANT SELECT ON ALL TABLES IN SCHEMA \"\(schema)\" TO monitor"))
        try server.admin(SQL(unsafeRaw: "GRANT SELECT ON ALL SEQUENCES IN SCHEMA \"\(schema)\" TO monitor"))
        try expectStatus(
            77, ["prune", server.monitorDSN, "--schema", schema, "--tenant", "acme", "--kind", "orders", "--safe", "--yes"], says: "cannot prune")
        #expect(try server.admin(SQL(unsafeRaw: "SELECT count(*) FROM \"\(schema)\".outbox")).first?[0] == "5")
    }

    /// A bad config file stops every command before it connects, with the file and line (EX_CONFIG).
    @Test func aBadConfigFileIs78() throws {
        let path = NSTemporaryDirectory() + "storetop-bad-\(getpid()).yaml"
        try "targets:\n  eu:\n    dsn: \"host=x\"\n    colour: blue\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        for cmd in [["snapshot"], ["metrics", "--once"], ["top"]] {
            try expectStatus(78, cmd + ["--config", path], says: "\(path):4:5: unknown key \"colour\" in target eu")
        }
        try expectStatus(78, ["snapshot"], says: "cannot read the config file", env: ["STORETOP_CONFIG": path + ".missing"])
    }

    @Test func successIs0() throws {
        let (server, store, schema) = try seeded()
        defer { store.close(); server.dropSchema(schema) }
        let common = [server.directDSN, "--schema", schema]
        for args in [["snapshot", "--sample", "0"], ["snapshot", "--json", "--sample", "0"], ["metrics", "--once"]] {
            let r = try storetop(args + common)
            #expect(r.status == 0, "\(args): \(r.err)")
        }
        let prune = try storetop(["prune"] + common + ["--tenant", "acme", "--kind", "orders", "--safe", "--yes"])
        #expect(prune.status == 0 && prune.out.contains("deleted 5 rows"), "\(prune.out) \(prune.err)")
        // an outbox pruned to empty exists: nothing to delete is a success
        let again = try storetop(["prune"] + common + ["--tenant", "acme", "--kind", "orders", "--safe", "--yes"])
        #expect(again.status == 0 && again.out.contains("nothing to delete"), "\(again.out) \(again.err)")
    }
}
