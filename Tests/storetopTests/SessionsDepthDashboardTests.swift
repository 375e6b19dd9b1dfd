import Foundation
import StoreAccess
import StoreTestSupport
import Testing

/// Sessions in depth through the real binary in tmux, as a DBA would: the lock tree of a three-level chain (`L`),
/// the root's detail (Enter), then the flat list (`a`), an idle backend's detail and its EXPLAIN (`x`).
@Suite(.serialized) struct SessionsDepthDashboardTests {
    @Test func theLockTreeADetailAndAnExplainInTmux() throws {
        let server = try TestServer.current()
        let schema = TestServer.freshSchemaName("depth")
        let svc = "depth\(UInt32.random(in: 0...UInt32.max))"
        var o = server.storeOptions(schema: schema)
        o.tenant = nil
        let store = try Store.connect(server.directDSN, service: svc, options: o)
        defer {
            store.close()
            server.dropSchema(schema)
        }
        let t = "\"\(schema)\".accounts"
        try store.pool.query(SQL(unsafeRaw: "CREATE TABLE \(t) (id int PRIMARY KEY, v int)"))
        try store.pool.query(SQL(unsafeRaw: "INSERT INTO \(t) SELECT g, 0 FROM generate_series(1, 100) g"))
        // the role the dashboard runs as, so it sees every detail of these sessions
        let chain = try LockChain(dsn: server.directDSN, table: t, service: svc)
        defer { chain.release() }
        let reader = try Connection(
            try ConnectionString(server.directDSN), applicationName: ApplicationName(service: svc, store: "reader", tenant: "acme"))
        defer { reader.close() }
        // an idle backend whose last statement is a complete SELECT: EXPLAIN may plan it
        try reader.query(SQL(unsafeRaw: "SELECT v FROM \(t) WHERE id = 42"))
        let (rootPid, firstPid, secondPid, readerPid) = (chain.pids.root, chain.pids.first, chain.pids.second, reader.backendPID)

        let tm = EndToEndTests.Tmux()
        let bin = TestServer.builtProduct("storetop")
        tm.launch("LC_ALL=C.UTF-8 SWIFT_BACKTRACE=enable=no '\(bin)' '\(server.directDSN)' --schema \(schema) --interval 0.5")
        #expect(tm.waitFor("Worst lag"), "\(tm.pane)")
        tm.keys("2")
        tm.keys("L")
        #expect(tm.waitFor("PID (BLOCKER"), "\(tm.pane)")
        // only this test's chain: its service names the root and both waiters
        tm.keys("/")
        tm.keys("-l", svc)
        tm.keys("Enter")
        #expect(tm.waitFor("└ \(secondPid)"), "\(tm.pane)")
        let lines = tm.pane.split(separator: "\n").map(String.init)
        let rootLine = try #require(lines.first { $0.contains("\(rootPid) ") && !$0.contains("└") && $0.contains("idle-tx") }, "\(tm.pane)")
        #expect(rootLine.contains(" 2 "), "the root has two waiters: \(rootLine)")
        let firstLine = try #require(lines.first { $0.contains("└ \(firstPid)") }, "\(tm.pane)")
        let secondLine = try #require(lines.first { $0.contains("└ \(secondPid)") }, "\(tm.pane)")
        #expect(firstLine.contains("Lock:"), "\(firstLine)")
        #expect(secondLine.firstIndex(of: "└")! > firstLine.firstIndex(of: "└")!, "the second waiter is indented under the first")
        // the header counts the blocked backends and the oldest wait
        #expect(lines[0].contains("blocked"), "\(lines[0])")
        // the root's detail
        tm.keys("Home")
        tm.keys("Enter")
        #expect(tm.waitFor("Backend \(rootPid)"), "\(tm.pane)")
        #expect(tm.waitFor("blocks      pid \(firstPid)"), "\(tm.pane)")
        #expect(tm.pane.contains("idle in transaction"), "\(tm.pane)")
        #expect(tm.pane.contains("RowExclusiveLock"), "\(tm.pane)")
        tm.keys("Escape")
        // the flat list, the reader's detail and its EXPLAIN
        tm.keys("a")
        #expect(tm.waitFor("DURATION"), "\(tm.pane)")
        tm.keys("/")
        tm.keys("-l", "reader")
        tm.keys("Enter")
        tm.keys("Enter")
        #expect(tm.waitFor("Backend \(readerPid)"), "\(tm.pane)")
        tm.keys("x")
        #expect(tm.waitFor("cost="), "\(tm.pane)")
        #expect(tm.pane.contains("plain EXPLAIN"), "\(tm.pane)")
        tm.keys("Escape")
        tm.keys("q")
        #expect(tm.waitFor("EXITED 0"), "\(tm.pane)")
    }
}
