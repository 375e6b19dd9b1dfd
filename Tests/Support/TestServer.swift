import Foundation
import StoreAccess

/// The real PostgreSQL (and PgBouncer) that `scripts/test` starts; found through the environment variables
/// `scripts/pg start` writes. A test that needs a server and finds none fails (it never skips), with a message
/// saying how to start one.
public struct TestServer: Sendable {
    public let dir: String
    public let bindir: String
    public let port: Int
    /// Application role over TCP with a password (or through PgBouncer in the pgbouncer lane).
    public let dsn: String
    /// Always the direct DSN (for LISTEN).
    public let directDSN: String
    public let adminDSN: String
    public let bouncerDSN: String
    public let monitorDSN: String
    public let nobodyDSN: String
    /// True in the PgBouncer lane: `dsn` goes through PgBouncer in transaction mode.
    public let viaBouncer: Bool

    public struct Missing: Error, CustomStringConvertible {
        public var description: String {
            "no test PostgreSQL: run the README's test command (scripts/test), or `eval \"$(cat $(scripts/pg start)/env)\"` before `swift test`"
        }
    }

    /// The server from the environment, or `Missing`.
    public static func current() throws -> TestServer {
        let env = ProcessInfo.processInfo.environment
        guard let dir = env["STORETOP_TEST_DIR"], let dsn = env["STORETOP_TEST_DSN"],
            let admin = env["STORETOP_TEST_ADMIN_DSN"], let bouncer = env["STORETOP_TEST_BOUNCER_DSN"]
        else {
            throw Missing()
        }
        let lane = env["STORETOP_TEST_LANE"] == "pgbouncer"
        return TestServer(
            dir: dir, bindir: env["STORETOP_TEST_BINDIR"] ?? "/usr/lib/postgresql/15/bin",
            port: Int(env["STORETOP_TEST_PGPORT"] ?? "") ?? 0,
            dsn: lane ? bouncer : dsn, directDSN: dsn, adminDSN: admin, bouncerDSN: bouncer,
            monitorDSN: env["STORETOP_TEST_MONITOR_DSN"] ?? "",
            nobodyDSN: env["STORETOP_TEST_NOBODY_DSN"] ?? "", viaBouncer: lane)
    }

    /// The same server and roles in another database, created on first use (owned by the application role). For
    /// tests whose objects other tests' collectors must not see: the stores of other libraries (a collector looks
    /// for them in its whole database, so a fixture in the shared one would change every other snapshot).
    public func inDatabase(_ name: String) throws -> TestServer {
        precondition(name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" })
        let exists = try admin(SQL("SELECT 1 FROM pg_database WHERE datname = \(name)")).rows.isEmpty == false
        if !exists {
            do { try admin(SQL(unsafeRaw: "CREATE DATABASE \(name) OWNER app")) } catch let e as StoreError
                where e.has(.duplicateDatabase) || e.has(.uniqueViolation)
            {}  // created by a test running alongside
        }
        func moved(_ dsn: String) -> String { dsn.replacingOccurrences(of: "storetop_test", with: name) }
        return TestServer(
            dir: dir, bindir: bindir, port: port, dsn: moved(dsn), directDSN: moved(directDSN), adminDSN: moved(adminDSN),
            bouncerDSN: moved(bouncerDSN), monitorDSN: moved(monitorDSN), nobodyDSN: moved(nobodyDSN), viaBouncer: viaBouncer)
    }

    /// A fresh, unique schema name for one test.
    public static func freshSchemaName(_ prefix: String = "t") -> String {
        "\(prefix)_\(UInt64.random(in: 0...UInt64.max) % 1_000_000_000_000)"
    }

    /// Store options for tests: fresh schema, pooler mode in the PgBouncer lane, LISTEN on the direct DSN.
    public func storeOptions(
        schema: String = TestServer.freshSchemaName(), maxConnections: Int = 8,
        reportInterval: Duration? = nil
    ) -> Store.Options {
        var o = Store.Options()
        o.schema = schema
        o.listenDSN = directDSN
        let pooler = viaBouncer
        o.configure = { c in
            c.maxConnections = maxConnections
            c.transactionPooler = pooler
            c.reportInterval = reportInterval
            c.acquireTimeout = .seconds(10)
        }
        return o
    }

    /// Opens a store on a fresh schema.
    public func store(
        service: String = "tests", schema: String = TestServer.freshSchemaName(),
        maxConnections: Int = 8, reportInterval: Duration? = nil
    ) throws -> Store {
        try Store.connect(
            dsn, service: service,
            options: storeOptions(schema: schema, maxConnections: maxConnections, reportInterval: reportInterval))
    }

    /// Runs SQL as the superuser (setup and independent checks).
    @discardableResult
    public func admin(_ sql: SQL) throws -> QueryResult {
        let c = try Connection(try ConnectionString(adminDSN))
        defer { c.close() }
        return try c.query(sql)
    }

    /// Drops a test schema.
    public func dropSchema(_ name: String) {
        _ = try? admin(SQL(unsafeRaw: "DROP SCHEMA IF EXISTS \"\(name)\" CASCADE"))
    }

    /// The repository root (for scripts and built binaries).
    public static var repoRoot: String {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }

    /// Path of a product built next to the tests (e.g. `storeaccess-testproc`, `storetop`).
    public static func builtProduct(_ name: String) -> String {
        let bundle = Bundle.main.bundleURL.deletingLastPathComponent()
        let candidates = [
            bundle.appendingPathComponent(name).path,
            Bundle.main.bundleURL.appendingPathComponent(name).path,
            repoRoot + "/.build/debug/" + name,
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates.last!
    }
}

/// Runs a process to completion and returns (exit status, stdout, stderr). Output goes through temporary
/// files, not pipes, so daemons the process leaves behind (pg_ctl, pgbouncer) cannot hold it open.
@discardableResult
public func runProcess(
    _ path: String, _ args: [String], environment: [String: String]? = nil,
    timeout: TimeInterval = 120
) throws -> (status: Int32, out: String, err: String) {
    let tmp = NSTemporaryDirectory() + "storetop-run-\(UUID().uuidString)"
    let outPath = tmp + ".out", errPath = tmp + ".err"
    defer { try? FileManager.default.removeItem(atPath: outPath); try? FileManager.default.removeItem(atPath: errPath) }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    let env = (environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
    let argv = ([path] + args).map { strdup($0) } + [nil]
    let envp = env.map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) }; envp.forEach { free($0) } }
    var pid: pid_t = 0
    var attr = spawnAttributesWithDefaultSignals()
    defer { posix_spawnattr_destroy(&attr) }
    let rc = posix_spawn(&pid, path, &actions, &attr, argv, envp)
    guard rc == 0 else { throw StoreError(.invalidArgument, "could not start \(path): errno \(rc)") }
    let deadline = Date().addingTimeInterval(timeout)
    var status: Int32 = 0
    while true {
        let r = waitpid(pid, &status, WNOHANG)
        if r == pid { break }
        if Date() > deadline { kill(pid, SIGKILL); _ = waitpid(pid, &status, 0); break }
        usleep(10_000)
    }
    let exit: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    let out = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
    let err = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
    return (exit, out, err)
}

/// A private PostgreSQL for tests that restart or break the server (so they disturb no other test).
public final class PrivateServer: @unchecked Sendable {
    public let dir: String
    public let env: [String: String]

    /// - Parameter extraConfig: lines appended to postgresql.conf (later settings win).
    public init(extraConfig: String = "") throws {
        let r = try runProcess(
            "/bin/bash", [TestServer.repoRoot + "/scripts/pg", "start"],
            environment: ProcessInfo.processInfo.environment.merging(
                [
                    "STORETOP_PGPORT": String(Int.random(in: 26000...31000) & ~1),
                    "STORETOP_PG_EXTRA_CONF": extraConfig,
                ]) { $1 })
        guard r.status == 0 else { throw StoreError(.connectionFailed, "could not start a private server: \(r.err)") }
        dir = r.out.trimmingCharacters(in: .whitespacesAndNewlines)
        env = Self.exports(dir + "/env")
    }

    /// The `export NAME='value'` lines of a file `scripts/pg` wrote.
    static func exports(_ path: String) -> [String: String] {
        var e: [String: String] = [:]
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        for line in text.split(separator: "\n") where line.hasPrefix("export ") {
            let kv = line.dropFirst(7)
            guard let eq = kv.firstIndex(of: "=") else { continue }
            e[String(kv[..<eq])] = String(kv[kv.index(after: eq)...]).trimmingCharacters(in: CharacterSet(charactersIn: "'"))
        }
        return e
    }

    public var dsn: String { env["STORETOP_TEST_DSN"]! }
    public var adminDSN: String { env["STORETOP_TEST_ADMIN_DSN"]! }

    /// Restarts PostgreSQL (`fast` or `immediate`).
    public func restart(mode: String = "fast") throws {
        let r = try runProcess("/bin/bash", [TestServer.repoRoot + "/scripts/pg", "restart-pg", dir, mode])
        guard r.status == 0 else { throw StoreError(.connectionFailed, "restart failed: \(r.err)") }
    }

    /// Stops PostgreSQL (`fast` or `immediate`) and leaves it down until `startPG()`.
    public func stopPG(mode: String = "fast") throws {
        let r = try runProcess("/bin/bash", [TestServer.repoRoot + "/scripts/pg", "stop-pg", dir, mode])
        guard r.status == 0 else { throw StoreError(.connectionFailed, "stop failed: \(r.err)") }
    }

    public func startPG() throws {
        let r = try runProcess("/bin/bash", [TestServer.repoRoot + "/scripts/pg", "start-pg", dir])
        guard r.status == 0 else { throw StoreError(.connectionFailed, "start failed: \(r.err)") }
    }

    /// Stops PgBouncer at once (its clients are cut off) and starts it again on the same port.
    public func restartBouncer() throws {
        let r = try runProcess("/bin/bash", [TestServer.repoRoot + "/scripts/pg", "restart-bouncer", dir])
        guard r.status == 0 else { throw StoreError(.connectionFailed, "PgBouncer restart failed: \(r.err)") }
    }

    public var bouncerDSN: String { env["STORETOP_TEST_BOUNCER_DSN"]! }
    public var monitorDSN: String { env["STORETOP_TEST_MONITOR_DSN"]! }

    /// Starts a streaming standby of this server (`scripts/pg start-standby`: `pg_basebackup -R`, its own port) and
    /// returns its variables (`STORETOP_TEST_STANDBY_ADMIN_DSN`, `…_MONITOR_DSN`, `…_PGPORT`). `stop()` stops it too.
    public func startStandby() throws -> [String: String] {
        let r = try runProcess("/bin/bash", [TestServer.repoRoot + "/scripts/pg", "start-standby", dir], timeout: 120)
        guard r.status == 0 else { throw StoreError(.connectionFailed, "could not start a standby: \(r.err)") }
        return Self.exports(dir + "/standby.env")
    }

    /// Opens connections until the server refuses one (at most `limit`): every non-reserved slot is taken.
    public func occupyAllSlots(limit: Int = 20) throws -> [Connection] {
        var held: [Connection] = []
        while held.count < limit, let c = try? Connection(try ConnectionString(dsn)) { held.append(c) }
        return held
    }

    public func stop() {
        let r = try? runProcess("/bin/bash", [TestServer.repoRoot + "/scripts/pg", "stop", dir])
        if r?.status != 0 { FileHandle.standardError.write("scripts/pg stop \(dir) failed: \(r?.err ?? "no result")\n".data(using: .utf8)!) }
    }
    deinit { stop() }
}

/// A process running in the background with its output in a file (for crash tests).
public final class BackgroundProcess: @unchecked Sendable {
    public let pid: pid_t
    public let outPath: String

    public init(_ path: String, _ args: [String], environment: [String: String]? = nil) throws {
        outPath = NSTemporaryDirectory() + "storetop-bg-\(UUID().uuidString).out"
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, outPath + ".err", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        var env = environment ?? ProcessInfo.processInfo.environment
        env["SWIFT_BACKTRACE"] = "enable=no"
        let argv = ([path] + args).map { strdup($0) } + [nil]
        let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { argv.forEach { free($0) }; envp.forEach { free($0) } }
        var p: pid_t = 0
        var attr = spawnAttributesWithDefaultSignals()
        defer { posix_spawnattr_destroy(&attr) }
        let rc = posix_spawn(&p, path, &actions, &attr, argv, envp)
        guard rc == 0 else { throw StoreError(.invalidArgument, "could not start \(path): errno \(rc)") }
        pid = p
    }

    /// What the process printed so far.
    public var output: String { (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "" }
    public var errors: String { (try? String(contentsOfFile: outPath + ".err", encoding: .utf8)) ?? "" }

    /// Waits until the output contains `text`.
    public func waitFor(_ text: String, timeout: TimeInterval = 30) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if output.contains(text) { return true }
            if exited { return output.contains(text) }
            usleep(20_000)
        }
        return false
    }

    private var reaped = false
    public private(set) var exitStatus: Int32 = -1

    /// True once the process has exited.
    public var exited: Bool {
        if reaped { return true }
        var status: Int32 = 0
        if waitpid(pid, &status, WNOHANG) == pid { reaped = true; exitStatus = status; return true }
        return false
    }

    /// Sends SIGKILL and reaps the process.
    public func kill9() {
        guard !reaped else { return }
        kill(pid, SIGKILL)
        var status: Int32 = 0
        _ = waitpid(pid, &status, 0)
        reaped = true
    }

    /// Waits for a normal exit.
    public func waitExit(timeout: TimeInterval = 60) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline { if exited { return true }; usleep(20_000) }
        return false
    }

    deinit { kill9(); try? FileManager.default.removeItem(atPath: outPath); try? FileManager.default.removeItem(atPath: outPath + ".err") }
}

/// Children start with an empty signal mask and default handlers, whatever the test runner's threads block or
/// ignore (otherwise, e.g., a dashboard under tmux would never see SIGWINCH).
func spawnAttributesWithDefaultSignals() -> posix_spawnattr_t {
    var attr = posix_spawnattr_t()
    posix_spawnattr_init(&attr)
    var empty = sigset_t()
    sigemptyset(&empty)
    posix_spawnattr_setsigmask(&attr, &empty)
    var all = sigset_t()
    sigfillset(&all)
    sigdelset(&all, SIGKILL)
    sigdelset(&all, SIGSTOP)
    posix_spawnattr_setsigdefault(&attr, &all)
    posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    return attr
}
