import Foundation
import StoreTestSupport
import Testing

@testable import StoreAccess

@Suite struct ConnectionIntegrationTests {
    @Test func connectsByURLAndKeyValueAndStampsApplicationName() throws {
        let server = try TestServer.current()
        let name = ApplicationName(service: "orders", store: "events", tenant: "acmé")
        let c = try Connection(try ConnectionString(server.directDSN), applicationName: name)
        let r = try c.query("SELECT current_user, current_setting('application_name')")
        #expect(r.first?[0] == "app")
        #expect(ApplicationName.parse(r.first![1]!) == name)
        // key=value over the unix socket
        let kv = try Connection(try ConnectionString(server.adminDSN))
        #expect(try kv.query("SELECT current_user").first?[0] == "postgres")
        // the server sees the same name in pg_stat_activity
        let seen = try kv.query("SELECT application_name FROM pg_stat_activity WHERE pid = \(c.backendPID)")
        #expect(seen.first?[0] == name.rendered)
    }

    @Test func connectsFromTheLibpqEnvironmentAndPgpass() throws {
        let server = try TestServer.current()
        let passfile = NSTemporaryDirectory() + "pgpass-\(UUID().uuidString)"
        try "127.0.0.1:\(server.port):storetop_test:app:app-secret-pw\n".write(toFile: passfile, atomically: true, encoding: .utf8)
        chmod(passfile, 0o600)
        defer { try? FileManager.default.removeItem(atPath: passfile) }
        var env = ProcessInfo.processInfo.environment
        env["PGHOST"] = "127.0.0.1"
        env["PGPORT"] = String(server.port)
        env["PGUSER"] = "app"
        env["PGDATABASE"] = "storetop_test"
        env["PGPASSFILE"] = passfile
        env["PGSSLMODE"] = "disable"
        env.removeValue(forKey: "PGPASSWORD")
        let r = try runProcess(TestServer.builtProduct("storeaccess-testproc"), ["connect-env"], environment: env)
        #expect(r.status == 0, "stderr: \(r.err)")
        #expect(r.out.trimmingCharacters(in: .whitespacesAndNewlines) == "app|storetop_test|st:envtest/probe")
    }

    @Test func connectsThroughAServiceFile() throws {
        let server = try TestServer.current()
        let file = NSTemporaryDirectory() + "pg_service-\(UUID().uuidString).conf"
        try "[storetop_svc]\nhost=127.0.0.1\nport=\(server.port)\nuser=app\npassword=app-secret-pw\ndbname=storetop_test\nsslmode=disable\n"
            .write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        var env = ProcessInfo.processInfo.environment
        env["PGSERVICEFILE"] = file
        env["PGSERVICE"] = "storetop_svc"
        for k in ["PGHOST", "PGPORT", "PGUSER", "PGDATABASE", "PGPASSWORD"] { env.removeValue(forKey: k) }
        let r = try runProcess(TestServer.builtProduct("storeaccess-testproc"), ["connect-env"], environment: env)
        #expect(r.status == 0, "stderr: \(r.err)")
        #expect(r.out.hasPrefix("app|storetop_test|"))
    }

    @Test func wrongPasswordIsTypedAndRedacted() throws {
        let server = try TestServer.current()
        let dsn = server.directDSN.replacingOccurrences(of: "app-secret-pw", with: "wrong-pw-XYZ")
        do {
            _ = try Connection(try ConnectionString(dsn))
            Issue.record("connected with a wrong password")
        } catch let e as StoreError {
            #expect(e.code == .connectionFailed)
            #expect(e.sqlState == "28P01")
            #expect(e.message.contains("password authentication failed"))
            #expect(!e.description.contains("wrong-pw-XYZ"))
            #expect(!"\(e)".contains("wrong-pw-XYZ"))
        }
    }

    @Test func unreachableHostAndMissingDatabase() throws {
        let server = try TestServer.current()
        do {
            _ = try Connection(try ConnectionString("postgresql://app:pw-unreachable@127.0.0.1:1/x?connect_timeout=2"))
            Issue.record("connected to port 1")
        } catch let e as StoreError {
            #expect(e.code == .connectionFailed)
            #expect(e.message.contains("127.0.0.1"))
            #expect(!e.description.contains("pw-unreachable"))
        }
        let missing = server.directDSN.replacingOccurrences(of: "/storetop_test", with: "/no_such_db")
        do {
            _ = try Connection(try ConnectionString(missing))
            Issue.record("connected to a missing database")
        } catch let e as StoreError {
            #expect(e.code == .connectionFailed)
            #expect(e.sqlState == "3D000")
            #expect(e.message.contains("no_such_db"))
            #expect(!e.description.contains("app-secret-pw"))
        }
    }

    @Test func serverErrorsCarryFieldsAndStatementName() throws {
        let server = try TestServer.current()
        let c = try Connection(try ConnectionString(server.directDSN))
        do {
            try c.query(SQL("SELECT 1 / \(0)").named("tests.divide"))
            Issue.record("no error")
        } catch let e as StoreError {
            #expect(e.code == .server)
            #expect(e.sqlState == "22012")
            #expect(e.statement == "tests.divide")
            #expect(e.description.contains("division by zero"))
        }
        // the connection stays usable after a statement error
        #expect(try c.query("SELECT \(7)::int + 1").first?[0] == "8")
    }

    @Test func typedDecoding() throws {
        let server = try TestServer.current()
        let c = try Connection(try ConnectionString(server.directDSN))
        let r = try c.query(
            "SELECT \(Int64(1) << 40)::bigint, true, 2.5::float8, NULL::text, '\\x00ff'::bytea, '2026-01-02 03:04:05.5+00'::timestamptz, \(JSONText("{\"a\":1}"))::jsonb"
        )
        let row = try #require(r.first)
        #expect(try row.decode(0, as: Int64.self) == 1 << 40)
        #expect(try row.decode(1, as: Bool.self) == true)
        #expect(try row.decode(2, as: Double.self) == 2.5)
        #expect(try row.decodeOptional(3, as: String.self) == nil)
        #expect(try row.decode(4, as: ByteA.self) == ByteA([0, 255]))
        #expect(try row.decode(5, as: Date.self).timeIntervalSince1970 == 1_767_323_045.5)
        #expect(try row.decode(6, as: JSONText.self).text == "{\"a\": 1}")
        #expect(throws: StoreError.self) { try row.decode(3, as: String.self) }
        #expect(throws: StoreError.self) { try row.decode(0, as: Bool.self) }
    }

    @Test func listenNotifyWaitsWithoutSpinning() throws {
        let server = try TestServer.current()
        let listener = try Connection(try ConnectionString(server.directDSN))
        let channel = try Identifier("chan_\(UInt32.random(in: 0...UInt32.max))")
        try listener.listen(channel)
        // nothing arrives: returns empty after the timeout, using (almost) no CPU
        // CPU of this thread only (the one that waits): other tests run in parallel in the same process
        func threadCPU() -> Double {
            var ts = timespec(); clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts); return Double(ts.tv_sec) * 1000 + Double(ts.tv_nsec) / 1e6
        }
        let cpu0 = threadCPU()
        let t0 = ContinuousClock.now
        let none = try listener.waitForNotifications(timeout: .milliseconds(300))
        let waited = t0.duration(to: .now)
        let cpuMillis = threadCPU() - cpu0
        #expect(none.isEmpty)
        #expect(waited >= .milliseconds(290))
        #expect(cpuMillis < 30, "waiting 300 ms burned \(cpuMillis) ms of CPU")
        let sender = try Connection(try ConnectionString(server.directDSN))
        try sender.query("SELECT pg_notify(\(channel.name), \("hello"))")
        let got = try listener.waitForNotifications(timeout: .seconds(5))
        #expect(got.map(\.payload) == ["hello"])
        #expect(got.first?.pid == sender.backendPID)
    }

    @Test func closedConnectionFailsClearly() throws {
        let server = try TestServer.current()
        let c = try Connection(try ConnectionString(server.directDSN))
        c.close()
        c.close()
        #expect(throws: StoreError(.closed, "the connection is closed", statement: nil)) { try c.query("SELECT 1") }
    }

    @Test func terminatedBackendIsConnectionLost() throws {
        let server = try TestServer.current()
        let c = try Connection(try ConnectionString(server.directDSN))
        try server.admin("SELECT pg_terminate_backend(\(c.backendPID))")
        usleep(100_000)
        do {
            try c.query("SELECT 1")
            Issue.record("query on a terminated backend succeeded")
        } catch let e as StoreError {
            #expect(e.isConnectionError, "\(e)")
        }
        #expect(!c.isOpen)
    }
}
