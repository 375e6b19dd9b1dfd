import Foundation
import StoreAccess
import StoreTestSupport
import Testing

/// Issue 21 through the dashboard, driven by keys in tmux as a DBA would: a running consumer is paused (`Z`),
/// rewound by two of its events (`R`, preview, Yes), resumed, and redelivers exactly the previewed events; a parked
/// poison event is replayed from the Parked view (`9`, `R`) and delivered once more to that consumer only. Every step
/// is checked with SQL, and every action has its audit row.
@Suite(.serialized) struct ConsumerOpsDashboardTests {
    func cursor(_ server: TestServer, _ schema: String, _ column: String) throws -> String? {
        try server.admin(SQL(unsafeRaw: "SELECT \(column)::text FROM \(schema).cursors WHERE name = 'billing'")).first?[0]
    }

    @Test func pauseRewindResumeAndReplayAParkedEventThroughTheDialogs() throws {
        let server = try TestServer.current()
        let schema = TestServer.freshSchemaName("ops")
        let store = try server.store(service: "shop", schema: schema, reportInterval: .milliseconds(500))
        defer { store.close(); server.dropSchema(schema) }
        let es = try store.events(tenant: "acme")
        for _ in 0..<4 { try es.append(to: "invoice-1", [EventData(type: "InvoiceIssued")]) }
        let poison = try es.append(to: "invoice-2", [EventData(type: "InvoiceBroken")]).firstPosition
        let last = try es.append(to: "invoice-3", [EventData(type: "InvoiceIssued")]).lastPosition
        let fixed = LockedBox(false)
        let got = LockedBox<[Int64]>([])
        var o = Subscription.Options()
        o.failure = .park(afterAttempts: 2)
        o.retryDelay = .milliseconds(10)
        o.heartbeatInterval = .milliseconds(300)
        o.pollInterval = .milliseconds(100)
        let sub = try es.subscribeDurable(name: "billing", options: o) { batch in
            if !fixed.get(), batch.contains(where: { $0.type == "InvoiceBroken" }) { throw StoreError(.invalidArgument, "template missing") }
            got.set(got.get() + batch.map(\.position))
        }
        defer { sub.stop() }
        #expect(sub.waitForPosition(last, timeout: .seconds(30)))

        let t = EndToEndTests.Tmux()
        let bin = TestServer.builtProduct("storetop")
        t.launch("LC_ALL=C.UTF-8 SWIFT_BACKTRACE=enable=no '\(bin)' '\(server.directDSN)' --schema \(schema) --view consumers --interval 0.5")
        try #require(t.waitFor("billing", timeout: 60), "\(t.pane)")
        // pause it
        t.keys("Z")
        try #require(t.waitFor("Pause acme/billing?"), "\(t.pane)")
        t.keys("y"); t.keys("Enter")
        try #require(t.waitFor("actions_audit)"), "\(t.pane)")
        t.keys("Escape")
        let deadline = Date().addingTimeInterval(20)
        while try cursor(server, schema, "loop_state") != "paused", Date() < deadline { usleep(100_000) }
        #expect(try cursor(server, schema, "loop_state") == "paused")
        // rewind by two of its events
        t.keys("R")
        try #require(t.waitFor("rewind by N of its events"), "\(t.pane)")
        t.keys("2"); t.keys("Enter")
        try #require(t.waitFor("Rewind acme/billing?"), "\(t.pane)")
        #expect(t.pane.contains("events of its own delivered again: 2"), "\(t.pane)")
        #expect(t.pane.contains("position \(last) → \(poison - 1)"), "\(t.pane)")
        #expect(t.pane.contains("paused by"), "\(t.pane)")
        got.set([])
        t.keys("y"); t.keys("Enter")
        try #require(t.waitFor("actions_audit)"), "\(t.pane)")
        #expect(try cursor(server, schema, "position") == String(poison - 1))
        t.keys("Escape")
        // resume: the two events come again, exactly
        t.keys("Z")
        try #require(t.waitFor("Resume acme/billing?"), "\(t.pane)")
        t.keys("y"); t.keys("Enter")
        try #require(t.waitFor("actions_audit)"), "\(t.pane)")
        t.keys("Escape")
        #expect(sub.waitForPosition(last, timeout: .seconds(30)))
        let back = Date().addingTimeInterval(20)
        while got.get().count < 1, Date() < back { usleep(100_000) }
        // the poison event was parked, so of the two rewound (poison and last) only `last` reaches the handler
        #expect(got.get() == [last], "redelivered \(got.get())")

        // the Parked view: replay the poison event after the fix
        fixed.set(true)
        got.set([])
        t.keys("9")
        try #require(t.waitFor("InvoiceBroken"), "\(t.pane)")
        #expect(t.pane.contains("template missing"), "\(t.pane)")
        t.keys("R")
        try #require(t.waitFor("Replay parked events of acme/billing?"), "\(t.pane)")
        t.keys("y"); t.keys("Enter")
        try #require(t.waitFor("actions_audit)"), "\(t.pane)")
        let replayed = Date().addingTimeInterval(20)
        while got.get().isEmpty, Date() < replayed { usleep(100_000) }
        #expect(got.get() == [poison])
        let parked = try server.admin(SQL(unsafeRaw: "SELECT count(*)::text FROM \(schema).parked")).first?[0]
        #expect(parked == "0")
        let audit = try server.admin(SQL(unsafeRaw: "SELECT string_agg(action, ',' ORDER BY id) FROM \(schema).actions_audit")).first?[0]
        #expect(audit == "pause,rewind,resume,replay")
        t.keys("Escape"); t.keys("q")
        #expect(t.waitFor("EXITED 0"), "\(t.pane)")
    }
}
