import Foundation
import StoreAccess
import StoreTestSupport
import Testing

/// The dashboard as a role that may read the store but not prune it or signal other roles' backends (`monitor`:
/// pg_monitor only; `nobody`: no pg_monitor either), driven in tmux as a DBA would: the footer never offers P, C or
/// K; pressing them says why and opens nothing, in the Outboxes view, the Sessions list and the backend detail; help
/// gives the reasons; SQL shows nothing was deleted, audited or signalled. Without pg_monitor the header says only
/// the role's own sessions are visible.
@Suite(.serialized) struct PrivilegeKeysDashboardTests {
    @Test(arguments: ["monitor", "nobody"]) func aRoleWithoutThePrivilegesIsToldWhyAndOfferedNothing(role: String) throws {
        let server = try TestServer.current()
        let schema = TestServer.freshSchemaName("priv")
        let store = try server.store(schema: schema)
        let svc = "victim\(UInt32.random(in: 0...UInt32.max))"
        let victim = try Connection(try ConnectionString(server.directDSN), applicationName: ApplicationName(service: svc, store: "s"))
        defer {
            victim.close()
            store.close()
            server.dropSchema(schema)
        }
        let kv = try store.kv(tenant: "acme", codec: RawCodec())
        for i in 0..<20 { try kv.set("orders", "o\(i)", [1]) }
        for g in ["GRANT USAGE ON SCHEMA \(schema) TO \(role)", "GRANT SELECT ON ALL TABLES IN SCHEMA \(schema) TO \(role)"] {
            _ = try server.admin(SQL(unsafeRaw: g))
        }
        try victim.query("SELECT 1")
        let dsn = role == "monitor" ? server.monitorDSN : server.nobodyDSN
        let t = EndToEndTests.Tmux()
        t.launch(
            "LC_ALL=C.UTF-8 SWIFT_BACKTRACE=enable=no '\(TestServer.builtProduct("storetop"))' '\(dsn)' --schema \(schema) --view outboxes --interval 0.5",
            width: 200, height: 50)
        try #require(t.waitFor("orders", timeout: 60), "\(t.pane)")
        t.keys("P")
        try #require(t.waitFor("pruning is off: role \(role) lacks DELETE"), "\(t.pane)")
        #expect(!t.pane.contains("Prune acme"), "no prune dialog: \(t.pane)")
        #expect(!footer(t).contains("P prune"), "\(footer(t))")
        if role == "nobody" {
            #expect(t.pane.split(separator: "\n").first?.contains("own sessions only: no pg_monitor") == true, "\(t.pane)")
        }
        try sessions(t, role: role, svc: svc, victimPid: victim.backendPID)
        t.keys("?")
        try #require(t.waitFor("prune is off: role \(role)"), "\(t.pane)")
        #expect(t.pane.contains("cancel and terminate are off: role \(role) may only"), "\(t.pane)")
        #expect(!t.pane.contains("cancel query (Sessions)") && !t.pane.contains("prune (Outboxes)"), "\(t.pane)")
        t.keys("Escape")
        t.keys("q")
        #expect(t.waitFor("EXITED 0"), "\(t.pane)")
        // nothing deleted, audited or signalled
        #expect(try server.admin(SQL(unsafeRaw: "SELECT count(*) FROM \(schema).outbox")).first?[0] == "20")
        #expect(try server.admin(SQL(unsafeRaw: "SELECT count(*) FROM \(schema).actions_audit")).first?[0] == "0")
        #expect(try victim.query("SELECT pg_backend_pid()").first?[0] == "\(victim.backendPID)")
    }

    func footer(_ t: EndToEndTests.Tmux) -> String {
        t.pane.split(separator: "\n").last.map(String.init) ?? ""
    }

    /// In the Sessions list (`a`, filtered to the other role's session), `C` and `K` say why; in its detail too.
    func sessions(_ t: EndToEndTests.Tmux, role: String, svc: String, victimPid: Int32) throws {
        let why = "cancel and terminate are off: role \(role) may only cancel its own sessions"
        t.keys("2")
        t.keys("a")
        t.keys("/")
        t.keys("-l", svc)
        t.keys("Enter")
        #expect(!footer(t).contains("C cancel") && !footer(t).contains("K terminate"), "\(footer(t))")
        for key in ["C", "K"] {
            t.keys("r")
            t.keys(key)
            try #require(t.waitFor(why), "\(key): \(t.pane)")
            #expect(!t.pane.contains("Cancel query?") && !t.pane.contains("Terminate backend?"), "\(t.pane)")
        }
        guard role == "monitor" else { return }  // without pg_monitor the other role's session is listed without detail
        try #require(t.waitFor("\(victimPid)"), "\(t.pane)")
        t.keys("Enter")
        try #require(t.waitFor("Backend \(victimPid)"), "\(t.pane)")
        #expect(t.pane.contains("x EXPLAIN  r read again  Esc closes"), "\(t.pane)")
        t.keys("K")
        try #require(t.waitFor(why), "\(t.pane)")
        #expect(t.pane.contains("Backend \(victimPid)"), "the detail stays open: \(t.pane)")
        t.keys("Escape")
    }
}
