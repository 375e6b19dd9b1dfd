import ArgumentParser
import Foundation
import StoreAccess
import StoreMetrics
import StoreTopUI
import Synchronization

/// `storetop demo`: a throwaway PostgreSQL (scripts/pg), a realistic multi-tenant workload, and the dashboard
/// on it. Everything is removed on quit.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo", abstract: "Start a throwaway PostgreSQL with a workload and open the dashboard on it.")

    @Flag(help: "Keep the workload running and print the connection string instead of opening the dashboard.")
    var noTui = false

    @Option(help: "Seconds between dashboard refreshes.") var interval: Double = 1

    @Option(help: "Draw this many refreshes, then exit.") var iterations: Int?

    @Flag(help: "Dashboard without prune, cancel and terminate.") var readOnly = false

    func run() throws {
        let script = try DemoCommand.findScript()
        warn("storetop demo: starting a throwaway PostgreSQL…")
        let dir = try DemoCommand.shell([script, "start"]).trimmingCharacters(in: .whitespacesAndNewlines)
        var env: [String: String] = [:]
        for line in ((try? String(contentsOfFile: dir + "/env", encoding: .utf8)) ?? "").split(separator: "\n") where line.hasPrefix("export ") {
            let kv = line.dropFirst(7)
            if let eq = kv.firstIndex(of: "=") {
                env[String(kv[..<eq])] = String(kv[kv.index(after: eq)...]).trimmingCharacters(in: CharacterSet(charactersIn: "'"))
            }
        }
        defer {
            _ = try? DemoCommand.shell([script, "stop", dir])
            warn("storetop demo: stopped and removed \(dir)")
        }
        guard let dsn = env["STORETOP_TEST_DSN"], let admin = env["STORETOP_TEST_ADMIN_DSN"] else {
            throw CLIError(message: "storetop demo: the server did not start (no env file in \(dir))", code: 1)
        }
        let workload = try DemoWorkload(dsn: dsn, adminDSN: admin)
        warn("storetop demo: seeding and starting the workload…")
        try workload.start()
        defer { workload.stop() }
        // stores of three other libraries beside ours (issue 18): factstr, zestor, eventcore 2
        let foreign = DemoForeign(dsn: dsn)
        try foreign.start()
        defer { foreign.stop() }
        Signals.install()
        if noTui {
            // the commands as they run from here: this binary's own path (it need not be on PATH), psql from the server's bin
            let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
            let psql = FileManager.default.isExecutableFile(atPath: "/usr/bin/psql") ? "psql" : "/usr/lib/postgresql/15/bin/psql"
            print("storetop demo is running. Connect with:")
            print("  \(psql) '\(dsn)'")
            print("  \(me) snapshot '\(dsn)'")
            print("  \(me) '\(dsn)'")
            foreign.guide.forEach { print($0) }
            print("Ctrl-C stops the workload and removes the server.")
            fflush(nil)
            while quitSignal.load(ordering: .relaxed) == 0 { usleep(200_000) }
            return
        }
        var o = App.Options()
        o.interval = interval
        o.readOnly = readOnly
        o.iterations = iterations
        o.color = ProcessInfo.processInfo.environment["NO_COLOR"].map(\.isEmpty) ?? true
        o.serverLabel = "127.0.0.1:\(env["STORETOP_TEST_PGPORT"] ?? "?")"
        try Top.runDashboard(
            dsn: dsn, schema: StoreSchema.defaultName, options: o,
            history: HistoryFile(keep: 3600, record: nil, name: "demo", schema: StoreSchema.defaultName))
    }

    /// scripts/pg, from STORETOP_HOME, next to the binary's checkout, or the current directory.
    static func findScript() throws -> String {
        var candidates: [String] = []
        if let h = ProcessInfo.processInfo.environment["STORETOP_HOME"] { candidates.append(h + "/scripts/pg") }
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        for _ in 0..<5 { url.deleteLastPathComponent(); candidates.append(url.path + "/scripts/pg") }
        candidates.append(FileManager.default.currentDirectoryPath + "/scripts/pg")
        guard let s = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw CLIError(message: "storetop demo: cannot find scripts/pg (run it from the storetop checkout, or set STORETOP_HOME)", code: 1)
        }
        return s
    }

    /// Runs bash with `args`, stdout to a temporary file (daemons it starts cannot hold a pipe open), and
    /// returns what it printed. posix_spawn + waitpid: no run loop involved.
    @discardableResult
    static func shell(_ args: [String]) throws -> String {
        let outPath = NSTemporaryDirectory() + "storetop-demo-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: outPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let argv = (["/bin/bash"] + args).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        // The command runs on a thread of Swift's pool, whose signals are blocked; a child inherits that mask, and
        // the PgBouncer `scripts/pg start` leaves running then ignored the SIGTERM of `scripts/pg stop` (every demo
        // left one behind). The children start with an empty mask and default handlers.
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var none = sigset_t(), all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        sigdelset(&all, SIGKILL)
        sigdelset(&all, SIGSTOP)
        posix_spawnattr_setsigmask(&attr, &none)
        posix_spawnattr_setsigdefault(&attr, &all)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        guard posix_spawn(&pid, "/bin/bash", &actions, &attr, argv, environ) == 0 else {
            throw CLIError(message: "storetop demo: cannot run bash", code: 1)
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let text = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        guard status == 0 else { throw CLIError(message: "storetop demo: \(args.joined(separator: " ")) failed (status \(status))", code: 1) }
        return text
    }
}

/// Services, consumers and clients of a small multi-tenant shop, all in this process:
/// - four tenants append order events at different rates through pools that report themselves;
/// - per tenant a fast projector; acme's billing consumer lags, globex's mailer is stalled (stuck handler),
///   initech's legacy-sync is stopped (registered, never running);
/// - an inventory key-value store per tenant; acme's search indexer watches it slowly, so its outbox grows;
/// - replication bookmarks, one of them stale;
/// - a reporting session idle in transaction (holding the xmin horizon), a psql-like client, and a session
///   waiting on a row lock held by another;
/// - an importer that leaves an append open for a minute every three (delivery held back for every tenant).
final class DemoWorkload: @unchecked Sendable {
    let dsn: String
    let adminDSN: String
    private let stopFlag = Mutex<Bool>(false)
    private var stores: [Store] = []
    private var subs: [Subscription] = []
    private var watches: [Watch<RawCodec>] = []
    private var conns: [Connection] = []
    private let group = DispatchGroup()
    static let tenants: [(name: String, rate: Double)] = [("acme", 40), ("globex", 15), ("initech", 6), ("umbrella", 10)]

    init(dsn: String, adminDSN: String) throws {
        self.dsn = dsn
        self.adminDSN = adminDSN
    }

    var stopping: Bool { stopFlag.withLock { $0 } }

    func store(_ service: String, tenant: String?, max: Int = 4) throws -> Store {
        var o = Store.Options()
        o.storeName = "events"
        o.tenant = tenant
        o.configure = {
            $0.maxConnections = max; $0.reportInterval = .seconds(1)
        }
        let s = try Store.connect(dsn, service: service, options: o)
        stores.append(s)
        return s
    }

    func loop(_ name: String, every seconds: Double, _ body: @escaping @Sendable () throws -> Void) {
        group.enter()
        let t = Thread { [self] in
            defer { group.leave() }
            while !stopping {
                do { try body() } catch { usleep(200_000) }
                usleep(UInt32(max(0.001, seconds) * 1_000_000))
            }
        }
        t.name = name
        t.start()
    }

    func start() throws {
        try startOrders()
        try startConsumers()
        try startInventory()
        try startBookmarks()
        try startSessions()
        startHeldAppend()
    }

    /// Appends per tenant at its own rate (single and multi-stream), with a projector per tenant.
    private func startOrders() throws {
        for (t, rate) in DemoWorkload.tenants {
            let s = try store("orders", tenant: t)
            let es = try s.events(tenant: t)
            // history, so heads and lag have something to show
            for i in 0..<200 { try es.append(to: "order-\(i % 40)", [EventData(type: "OrderPlaced", payload: JSONText("{\"n\":\(i)}"))]) }
            loop("append-\(t)", every: 1 / rate) {
                let n = Int.random(in: 0..<400)
                if n % 10 == 0 {
                    try es.appendMulti([
                        StreamWrite(stream: "order-\(n)", expected: .any, events: [EventData(type: "OrderPaid")]),
                        StreamWrite(stream: "ledger-\(n % 7)", expected: .any, events: [EventData(type: "PaymentBooked")]),
                    ])
                } else {
                    try es.append(to: "order-\(n)", [EventData(type: n % 3 == 0 ? "OrderShipped" : "OrderPlaced", payload: JSONText("{\"n\":\(n)}"))])
                }
            }
            subs.append(try es.subscribeDurable(name: "projector") { _ in })
        }
    }

    /// A slow consumer, one that parks events it cannot handle, a stuck one, and one a non-Swift service drives
    /// through the SQL API.
    private func startConsumers() throws {
        let acme = try stores[0].events(tenant: "acme")
        subs.append(
            try acme.subscribeDurable(
                name: "billing",
                options: {
                    var o = Subscription.Options(); o.batchSize = 1; return o
                }()
            ) { _ in usleep(60_000) })
        // An invoicer whose handler cannot invoice some orders: by its policy it parks them and goes on (the Parked
        // view; replay them after "fixing" it and they fail again, discard them, or rewind it).
        var parking = Subscription.Options()
        (parking.failure, parking.retryDelay) = (.park(afterAttempts: 3), .milliseconds(50))
        subs.append(
            try acme.subscribeDurable(name: "invoicer", query: .types("OrderPaid"), options: parking) { batch in
                if let bad = batch.first(where: { $0.stream.hasSuffix("70") }) {
                    throw DemoFailure(message: "no invoice template for \(bad.stream)")
                }
            })
        let globex = try stores[1].events(tenant: "globex")
        subs.append(try globex.subscribeDurable(name: "mailer") { [self] _ in while !stopping { usleep(100_000) } })
        // A consumer a service in another language drives through the SQL API; it stopped at position 120.
        let legacy = try stores[2].events(tenant: "initech")
            .registerExternalConsumer(
                name: "legacy-sync", owner: ConsumerOwner(application: "st:legacy/consumer/initech", host: "old-vm-03", pid: 4711))
        try legacy.advance(to: 120)
    }

    /// KV writes with outboxes, a slow and a fast watcher.
    private func startInventory() throws {
        let inv = try store("inventory", tenant: nil, max: 3)
        for (t, _) in DemoWorkload.tenants {
            let kv = try inv.kv(tenant: t, codec: RawCodec())
            loop("kv-\(t)", every: t == "acme" ? 0.03 : 0.2) {
                try kv.set("items", "sku-\(Int.random(in: 0..<500))", Array("{\"stock\":\(Int.random(in: 0..<100))}".utf8))
            }
            var o = WatchOptions()
            o.durableName = t == "acme" ? "search-indexer" : "cache-invalidator"
            o.bufferSize = 100_000
            let w = try kv.watch("items", options: o)
            watches.append(w)
            let slow = t == "acme"
            loop("watch-\(t)", every: slow ? 0.08 : 0.001) { _ = try w.next(timeout: .milliseconds(200)) }
        }
    }

    /// Bookmarks: umbrella's replicator writes once and then stops, so its bookmarks age while the others move.
    private func startBookmarks() throws {
        let st = try store("replicator", tenant: nil, max: 2)
        for (t, _) in DemoWorkload.tenants {
            let state = try st.state(tenant: t)
            try state.put("sync:erp", JSONText("{\"lsn\":\"0/0\"}"))
            try state.put("sync:crm", JSONText("{\"page\":1}"))
            if t != "umbrella" {
                loop("bookmarks-\(t)", every: 2) { try state.put("sync:erp", JSONText("{\"lsn\":\"0/\(Int.random(in: 0..<1_000_000))\"}")) }
            }
        }
    }

    /// Sessions a DBA looks for: an idle transaction holding the xmin horizon, a psql-like client, a lock wait.
    private func startSessions() throws {
        // The application's own table (not the store's), as a billing service would have.
        let admin = try Connection(try ConnectionString(adminDSN))
        try admin.query("CREATE TABLE IF NOT EXISTS public.demo_accounts (id int PRIMARY KEY, balance int)")
        try admin.query("INSERT INTO public.demo_accounts VALUES (1, 100) ON CONFLICT DO NOTHING")
        try admin.query("GRANT ALL ON public.demo_accounts TO app")
        // the dashboard runs as this role: let it see every session, as a DBA's monitoring role does
        try admin.query("GRANT pg_monitor TO app")
        admin.close()
        let report = try Connection(
            try ConnectionString(dsn), applicationName: ApplicationName(service: "reports", store: "adhoc", tenant: "umbrella"))
        try report.query("BEGIN ISOLATION LEVEL REPEATABLE READ")
        try report.query("SELECT count(*) FROM public.demo_accounts")  // the snapshot now holds the xmin horizon
        let psql = try Connection(try ConnectionString(dsn + "?application_name=psql"))
        let holder = try Connection(
            try ConnectionString(dsn), applicationName: ApplicationName(service: "billing", store: "accounts", tenant: "acme"))
        try holder.query("BEGIN")
        try holder.query("UPDATE public.demo_accounts SET balance = balance - 1 WHERE id = 1")
        conns = [report, psql, holder]
        let waiterDSN = dsn
        loop("lock-waiter", every: 0.5) {
            let w = try Connection(
                try ConnectionString(waiterDSN), applicationName: ApplicationName(service: "billing", store: "accounts", tenant: "acme"),
                options: .init(statementTimeout: .seconds(20)))
            defer { w.close() }
            _ = try? w.query("UPDATE public.demo_accounts SET balance = balance + 1 WHERE id = 1")
        }
    }

    /// An importer that appends to umbrella inside a transaction and leaves it open for 60 s, every 3 minutes (the
    /// first 10 s after the start): delivery is held back behind it, committed appends of every tenant wait.
    private func startHeldAppend() {
        let dsn = self.dsn
        let schema = StoreSchema.defaultName
        let started = Date()
        loop("held-append", every: 0.5) { [self] in
            try sleepUnlessStopping(Date().timeIntervalSince(started) < 5 ? 10 : 120)
            let c = try Connection(
                try ConnectionString(dsn), applicationName: ApplicationName(service: "importer", store: "events", tenant: "umbrella"))
            defer { c.close() }
            try c.query("BEGIN")
            try c.query(
                SQL(
                    unsafeRaw:
                        "SELECT * FROM \(schema).append('umbrella', 'import-batch', -1, '[{\"type\": \"OrderImported\", \"payload\": {}}]')"))
            try sleepUnlessStopping(60)
            try c.query("COMMIT")
        }
    }

    /// Sleeps `seconds`, waking early (and throwing) when the demo stops.
    private func sleepUnlessStopping(_ seconds: Double) throws {
        var left = seconds
        while left > 0 {
            if stopping { throw CancellationError() }
            usleep(200_000)
            left -= 0.2
        }
    }

    func stop() {
        stopFlag.withLock { $0 = true }
        conns.forEach { $0.close() }
        subs.forEach { $0.stop() }
        watches.forEach { $0.cancel() }
        _ = group.wait(timeout: .now() + 25)
        stores.forEach { $0.close() }
    }
}

/// The demo invoicer's handler error.
struct DemoFailure: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
