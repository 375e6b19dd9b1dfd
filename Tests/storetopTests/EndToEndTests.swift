import Foundation
import StoreAccess
import StoreTestSupport
import Testing

/// The real binary in tmux against the real server with a workload, driven by keys like a person would.
@Suite(.serialized) struct EndToEndTests {
    final class Tmux {
        let socket = "storetop-e2e-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        func run(_ args: [String]) -> String {
            (try? runProcess("/usr/bin/env", ["tmux", "-L", socket] + args, timeout: 20).out) ?? ""
        }
        func keys(_ k: String...) { _ = run(["send-keys", "-t", "e2e"] + k); usleep(400_000) }
        var pane: String { run(["capture-pane", "-p", "-t", "e2e"]) }
        func waitFor(_ text: String, timeout: Double = 20) -> Bool {
            let deadline = Date().addingTimeInterval(timeout)
            while Date() < deadline { if pane.contains(text) { return true }; usleep(200_000) }
            return false
        }
        /// Runs `command` in a 120×40 window (or `width`×`height`; UTF-8 client unless `utf8: false`); the shell then
        /// prints "EXITED <status>" and lingers, so the exit can be read from the pane.
        func launch(_ command: String, utf8: Bool = true, width: Int = 120, height: Int = 40) {
            _ = run(
                (utf8 ? ["-u"] : []) + [
                    "new-session", "-d", "-s", "e2e", "-x", "\(width)", "-y", "\(height)", command + "; echo EXITED $?; sleep 30",
                ])
        }
        deinit { _ = run(["kill-server"]) }
    }

    @Test func aDBASession() throws {
        let server = try TestServer.current()
        let schema = TestServer.freshSchemaName("e2e")
        let store = try server.store(service: "shop", schema: schema, reportInterval: .milliseconds(500))
        defer { store.close(); server.dropSchema(schema) }
        let es = try store.events(tenant: "acme")
        for i in 0..<30 { try es.append(to: "order-\(i % 5)", [EventData(type: "OrderPlaced")]) }
        try store.events(tenant: "globex").append(to: "o", [EventData(type: "X")])
        let kv = try store.kv(tenant: "acme", codec: RawCodec())
        for i in 0..<50 { try kv.set("items", "sku-\(i)", [UInt8(i)]) }
        var wo = WatchOptions()
        wo.durableName = "indexer"
        let w = try kv.watch("items", options: wo)
        for _ in 0..<20 { _ = try w.next(timeout: .seconds(5)) }
        w.cancel()  // handled 19 or 20: the plan tells
        // a backend to cancel
        let sleeperName = "sleeper\(UInt32.random(in: 0...UInt32.max))"
        nonisolated(unsafe) let sleeper = try Connection(
            try ConnectionString(server.directDSN), applicationName: ApplicationName(service: "e2e", store: sleeperName, tenant: "acme"))
        let cancelled = LockedBox(false)
        let sleepDone = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            do { try sleeper.query("SELECT pg_sleep(120)") } catch let e as StoreError where e.sqlState == "57014" { cancelled.set(true) } catch {}
            sleepDone.signal()
        }

        let t = Tmux()
        let bin = TestServer.builtProduct("storetop")
        t.launch("LC_ALL=C.UTF-8 SWIFT_BACKTRACE=enable=no '\(bin)' '\(server.directDSN)' --schema \(schema) --interval 0.5")
        #expect(t.waitFor("Worst lag"), "\(t.pane)")
        #expect(t.pane.contains("acme"))
        #expect(!t.pane.contains("app-secret-pw"))
        // every view
        for (k, title) in [
            ("2", "SERVICE/STORE/TENANT"), ("3", "UTILIZATION"), ("4", "HEAD POS"), ("5", "TENANT/CONSUMER"), ("6", "TENANT/KIND"), ("7", "KEY"),
        ] {
            t.keys(k)
            #expect(t.waitFor(title), "view \(k): \(t.pane)")
        }
        // drill into globex and back
        t.keys("1"); t.keys("/"); t.keys("-l", "globex"); t.keys("Enter"); t.keys("Home"); t.keys("Enter")
        #expect(t.waitFor("all › globex"), "\(t.pane)")
        t.keys("5")
        #expect(!t.pane.contains("acme/indexer"))
        t.keys("Escape")
        usleep(600_000)
        #expect(!t.pane.contains("all › globex"))
        // filter
        t.keys("5"); t.keys("/"); t.keys("-l", "index"); t.keys("Enter")
        #expect(t.waitFor("filter: index"))
        #expect(t.pane.contains("acme/indexer"))
        t.keys("Escape")
        // pause
        t.keys("Space")
        #expect(t.waitFor("● paused"), "\(t.pane)")  // paused, never "stale"
        t.keys("Space")
        // prune through the dialog
        t.keys("6"); t.keys("Home"); t.keys("P")
        #expect(t.waitFor("safe: only rows"))
        t.keys("Enter")
        #expect(t.waitFor("Will delete"), "\(t.pane)")
        let line = t.pane.split(separator: "\n").first { $0.contains("Will delete") }.map(String.init) ?? ""
        let planned = Int(line.components(separatedBy: "Will delete ").last?.split(separator: " ").first ?? "") ?? -1
        #expect(planned >= 19 && planned <= 20, "\(line)")
        t.keys("y"); t.keys("Enter")
        #expect(t.waitFor("Prune done"), "\(t.pane)")
        let left = try server.admin(SQL(unsafeRaw: "SELECT count(*) FROM \"\(schema)\".outbox WHERE tenant = 'acme'")).first![0]!
        #expect(Int(left) == 50 - planned)
        let audit = try server.admin(SQL(unsafeRaw: "SELECT rows_deleted, mode, by_application FROM \"\(schema)\".prune_audit")).rows
        #expect(audit.count == 1)
        #expect(audit.first?[0] == String(planned))
        #expect(audit.first?[1] == "safe")
        #expect(audit.first?[2] == "st:storetop/actions")
        t.keys("Enter")
        // cancel the sleeping backend
        t.keys("2"); t.keys("/"); t.keys("-l", sleeperName); t.keys("Enter"); t.keys("Home"); t.keys("Enter"); t.keys("Down")
        #expect(t.waitFor("pg_sleep"), "\(t.pane)")
        t.keys("C")
        #expect(t.waitFor("Cancel query?"), "\(t.pane)")
        t.keys("y"); t.keys("Enter")
        #expect(sleepDone.wait(timeout: .now() + 10) == .success)
        #expect(cancelled.get())
        t.keys("Escape")
        // resize below the minimum and back
        _ = t.run(["resize-window", "-t", "e2e", "-x", "60", "-y", "15"])
        #expect(t.waitFor("terminal too small"), "\(t.pane) \(t.run(["display", "-p", "-t", "e2e", "#{window_width}x#{window_height}"]))")
        _ = t.run(["resize-window", "-t", "e2e", "-x", "120", "-y", "40"])
        #expect(t.waitFor("Overview"), "\(t.pane)")
        // quit: the terminal is restored and the exit status is 0
        t.keys("q")
        #expect(t.waitFor("EXITED 0"), "\(t.pane)")
        #expect(!t.pane.contains("Worst lag"))
    }

    /// The server goes away under the dashboard: it says "reconnecting" (last data kept), and once the server is
    /// back it shows live data again within two refresh intervals.
    @Test func dashboardReconnectsWithinTwoIntervalsOfTheServer() throws {
        let priv = try PrivateServer()
        defer { priv.stop() }
        var o = Store.Options()
        o.schema = "storeaccess"
        let store = try Store.connect(priv.dsn, service: "shop", options: o)
        try store.events(tenant: "acme").append(to: "o-1", [EventData(type: "Placed")])
        store.close()
        let t = Tmux()
        let bin = TestServer.builtProduct("storetop")
        t.launch("LC_ALL=C.UTF-8 SWIFT_BACKTRACE=enable=no '\(bin)' '\(priv.dsn)' --interval 1")
        #expect(t.waitFor("Worst lag"), "\(t.pane)")
        #expect(t.waitFor("acme"), "\(t.pane)")
        for mode in ["fast", "immediate"] {
            try priv.stopPG(mode: mode)
            #expect(t.waitFor("reconnecting", timeout: 10), "\(mode): \(t.pane)")
            #expect(t.pane.contains("acme"), "the last data is kept while reconnecting")
            #expect(!t.pane.contains("app-secret-pw"))
            Thread.sleep(forTimeInterval: 1.5)
            try priv.startPG()
            let back = Date()
            var recovered = false
            while Date().timeIntervalSince(back) < 10 {
                let p = t.pane
                if !p.contains("reconnecting") && p.contains("Worst lag") { recovered = true; break }
                usleep(100_000)
            }
            let took = Date().timeIntervalSince(back)
            #expect(recovered, "\(mode): \(t.pane)")
            #expect(took <= 2.5, "\(mode): live again \(took) s after the server (interval 1 s)")
        }
        t.keys("q")
        #expect(t.waitFor("EXITED 0"), "\(t.pane)")
    }

    /// In a locale that is not UTF-8 the dashboard draws ASCII only (no bytes the terminal would garble), and the
    /// text commands work too.
    @Test func nonUTF8LocaleDrawsASCII() throws {
        let server = try TestServer.current()
        let schema = TestServer.freshSchemaName("loc")
        let store = try server.store(service: "shop", schema: schema)
        defer { store.close(); server.dropSchema(schema) }
        try store.events(tenant: "acme").append(to: "o-1", [EventData(type: "Placed")])
        let t = Tmux()
        let bin = TestServer.builtProduct("storetop")
        t.launch("LANG=C LC_ALL=C SWIFT_BACKTRACE=enable=no '\(bin)' '\(server.directDSN)' --schema \(schema) --interval 0.5", utf8: false)
        #expect(t.waitFor("Worst lag"), "\(t.pane)")
        t.keys("5")
        #expect(t.waitFor("TENANT/CONSUMER"), "\(t.pane)")
        let pane = t.pane
        #expect(
            pane.unicodeScalars.allSatisfy { $0.isASCII }, "non-ASCII in a C-locale pane: \(pane.unicodeScalars.filter { !$0.isASCII }.prefix(10))")
        #expect(pane.contains("|"), "ASCII stand-ins for the separators")
        t.keys("q")
        #expect(t.waitFor("EXITED 0"), "\(t.pane)")
        var env = ProcessInfo.processInfo.environment
        env["LC_ALL"] = "C"
        env["LANG"] = "C"
        let r = try runProcess(bin, [server.directDSN, "--schema", schema], environment: env, timeout: 30)
        #expect(r.status == 0, "\(r.err)")
        let snap = try runProcess(bin, ["snapshot", "--sample", "0", server.directDSN, "--schema", schema], environment: env, timeout: 30)
        #expect(snap.status == 0 && snap.out.contains("acme"), "\(snap.out) \(snap.err)")
    }

    @Test func readOnlyHidesActionsAndNoTermIsAClearError() throws {
        let server = try TestServer.current()
        let t = Tmux()
        let bin = TestServer.builtProduct("storetop")
        t.launch("LC_ALL=C.UTF-8 '\(bin)' '\(server.directDSN)' --read-only --view outboxes")
        #expect(t.waitFor("TENANT/KIND"), "\(t.pane)")
        #expect(!t.pane.contains(" prune "))
        t.keys("P")
        #expect(t.waitFor("read-only mode: pruning is off"))
        // Ctrl-C restores the terminal too
        t.keys("C-c")
        #expect(t.waitFor("EXITED"), "\(t.pane)")
        #expect(!t.pane.contains("TENANT/KIND"))
        // without TERM: a clear error and a non-zero exit, not an ncurses abort
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "TERM")
        env["SWIFT_BACKTRACE"] = "enable=no"
        let r = try runProcess("/usr/bin/script", ["-qec", "env -u TERM '\(bin)' '\(server.directDSN)'", "/dev/null"], environment: env, timeout: 30)
        #expect(r.out.contains("TERM is not set"), "\(r.out) \(r.err)")
    }
}

final class LockedBox<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var v: T
    init(_ v: T) { self.v = v }
    func get() -> T { lock.lock(); defer { lock.unlock() }; return v }
    func set(_ n: T) { lock.lock(); v = n; lock.unlock() }
}
