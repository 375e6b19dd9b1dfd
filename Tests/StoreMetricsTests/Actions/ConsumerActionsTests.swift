import Foundation
import StoreAccess
import StoreTestSupport
import Testing

@testable import StoreMetrics

/// Schema version 9's consumer operations as storetop shows and performs them: each figure of the consumers panel
/// against SQL read in the same test, the statuses on the first snapshot, the moves and pauses through `Actions`
/// (audited, refused in read-only mode, refused with the reason for a monitoring role), and an older schema.
@Suite(.serialized) struct ConsumerActionsTests {
    /// A fresh store with events of tenant `acme` and four consumers registered through the SQL API: `plain`,
    /// `paused` (its pause acknowledged by a heartbeat), `failing` (park after 3 attempts, failing at position 3 with
    /// an error holding a newline and an escape) and `parking` (three parked events, one asked to replay).
    final class Fixture {
        let server: TestServer
        let store: Store
        let schema: String
        var q: String { "\"\(schema)\"" }

        init() throws {
            server = try TestServer.current()
            schema = TestServer.freshSchemaName("cops")
            store = try server.store(schema: schema)
            try store.events(tenant: "acme").append(to: "order-1", (1...6).map { _ in EventData(type: "Placed") })
            for name in ["plain", "paused", "failing", "parking"] {
                try sql("SELECT \(q).cursor_open('acme', '\(name)', 'events', '[]', 'st:svc/consumer/acme', 'h1', 77)")
            }
            try sql("SELECT \(q).consumer_pause('acme', 'paused', 'rebuilding the projection')")
            try sql("SELECT \(q).cursor_heartbeat('acme', 'paused', 'paused')")
            try sql("SELECT \(q).cursor_policy('acme', 'failing', 'park', 3)")
            try sql("SELECT \(q).cursor_failing('acme', 'failing', 3, E'boom\\n\\u001b[31mred', 1)")
            try sql("SELECT \(q).cursor_failing('acme', 'failing', 3, E'boom\\n\\u001b[31mred', 2)")
            for p in [2, 4, 5] {
                try sql("SELECT \(q).consumer_park('acme', 'parking', \(p), 'order-1', 'Placed', 'no such customer', 3, now())")
            }
            try sql("SELECT \(q).cursor_advance('acme', 'parking', 6)")
            try sql("SELECT \(q).parked_replay('acme', 'parking', '{4}', 'fixed')")
        }

        @discardableResult func sql(_ text: String) throws -> QueryResult { try server.admin(SQL(unsafeRaw: text)) }
        func one(_ text: String) throws -> String? { try sql(text).first?[0] }
        func script(_ text: String) throws {
            let c = try Connection(try ConnectionString(server.adminDSN))
            defer { c.close() }
            try c.executeScript(text, name: "fixture.consumer_ops")
        }
        func close() { store.close(); server.dropSchema(schema) }
    }

    @Test func figuresMatchSQLAndStatusesHoldOnTheFirstSnapshot() throws {
        let f = try Fixture()
        defer { f.close() }
        let collector = try Collector(dsn: f.server.directDSN, schema: f.schema)
        defer { collector.close() }
        var history = History()
        let s = try collector.snapshot()
        let d = history.add(s)
        #expect(s.errors.isEmpty, "\(s.errors)")
        try expectFiguresAsInSQL(f, s)
        let paused = try #require(d.cursors[.init(tenant: "acme", name: "paused")])
        #expect(paused.status == .paused)
        let by = try #require(try f.one("SELECT paused_by FROM \(f.q).cursors WHERE name = 'paused'"))
        #expect(paused.reason.contains("paused by \(by)") && paused.reason.contains(": rebuilding the projection (acknowledged)"), "\(paused.reason)")
        let failing = try #require(d.cursors[.init(tenant: "acme", name: "failing")])
        #expect(failing.status == .stalled)
        let since = try Date(postgresText: try #require(try f.one("SELECT failing_since FROM \(f.q).cursors WHERE name = 'failing'")))
        // the error is shown with its newline and escape made visible, never raw
        #expect(
            failing.reason.hasPrefix("handler fails at position 3 (2 attempts since \(LagRules.time(since))): boom\\n\\x1b[31mred"),
            "\(failing.reason)")
        #expect(!failing.reason.contains("\u{1b}") && !failing.reason.contains("\n"))
        #expect(d.cursors[.init(tenant: "acme", name: "plain")]?.status != .paused)

        let prom = PrometheusExport.render(s, derived: d)
        let parked = try #require(try f.one("SELECT count(*) FROM \(f.q).parked WHERE consumer = 'parking'"))
        #expect(prom.contains("storetop_consumer_parked_events{tenant=\"acme\",store=\"events\",consumer=\"parking\"} \(parked).0"))
        #expect(prom.contains("storetop_consumer_paused{tenant=\"acme\",store=\"events\",consumer=\"paused\"} 1.0"))
        #expect(prom.contains("storetop_consumer_failing{tenant=\"acme\",store=\"events\",consumer=\"failing\"} 1.0"))
        #expect(prom.contains("storetop_consumer_status{tenant=\"acme\",store=\"events\",consumer=\"paused\",status=\"paused\"} 1.0"))
        // the tenant's row (Overview, `tenants` in the JSON document) sums its consumers' parked events
        let tenantParked = try #require(try f.one("SELECT count(*) FROM \(f.q).parked WHERE tenant = 'acme'"))
        #expect(TenantSummary.rows(for: s, derived: d).first { $0.tenant == "acme" }?.parked == Int64(tenantParked))
        // with parked events counted, the Parked view's list is read too (without any it is not: no statement more)
        #expect(s.parked?.count == Int(tenantParked))

        // a discard changes parked rows only (no cursor row): the next, incremental snapshot still counts afresh
        try f.sql("SELECT \(f.q).parked_discard('acme', 'parking', '{2}', 'duplicate')")
        let later = try collector.snapshot()
        try expectFiguresAsInSQL(f, later)
        #expect(later.cursors.first { $0.name == "parking" }?.parked == 2)
    }

    /// Every consumer's operation figures against the cursor and parked rows.
    func expectFiguresAsInSQL(_ f: Fixture, _ s: Snapshot) throws {
        let rows = try f.sql(
            """
            SELECT c.name, c.paused_at, c.paused_by, c.pause_reason, c.paused_at IS NOT NULL AND c.loop_state = 'paused', c.on_failure,
                   c.max_attempts, c.failing_position, c.failing_error, c.failing_attempts, c.failing_since,
                   (SELECT count(*) FROM \(f.q).parked p WHERE p.tenant = c.tenant AND p.consumer = c.name),
                   (SELECT count(*) FROM \(f.q).parked p WHERE p.tenant = c.tenant AND p.consumer = c.name AND p.state = 'replay')
              FROM \(f.q).cursors c ORDER BY c.tenant, c.name
            """
        ).rows
        #expect(s.cursors.map(\.name) == rows.map { $0[0]! })
        for (c, r) in zip(s.cursors, rows) {
            #expect(c.pausedAt == (try r[1].map { try Date(postgresText: $0) }), "\(c.name)")
            #expect(c.pausedBy == r[2] && c.pauseReason == r[3] && c.pauseAcknowledged == (r[4] == "t"), "\(c.name)")
            #expect(c.onFailure == r[5] && c.maxAttempts == r[6].flatMap { Int($0) }, "\(c.name)")
            #expect(c.failingPosition == r[7].flatMap { Int64($0) } && c.failingError == r[8], "\(c.name)")
            #expect(c.failingAttempts == r[9].flatMap { Int($0) }, "\(c.name)")
            #expect(c.failingSince == (try r[10].map { try Date(postgresText: $0) }), "\(c.name)")
            #expect(c.parked == Int64(r[11]!) && c.parkedReplaying == Int64(r[12]!), "\(c.name)")
        }
    }

    @Test func aSchemaBeforeVersion9IsReadWithoutThemAndRefusesOperations() throws {
        let f = try Fixture()
        defer { f.close() }
        // the store as a version-8 library left it: no parked table, no operation columns
        try f.script(
            """
            DROP TABLE \(f.q).parked; ALTER TABLE \(f.q).cursors DROP COLUMN paused_at, DROP COLUMN paused_by, DROP COLUMN pause_reason,
              DROP COLUMN loop_state, DROP COLUMN on_failure, DROP COLUMN max_attempts, DROP COLUMN failing_position,
              DROP COLUMN failing_error, DROP COLUMN failing_attempts, DROP COLUMN failing_since, DROP COLUMN failing_at;
            DELETE FROM \(f.q).schema_version WHERE version >= 9
            """)
        let collector = try Collector(dsn: f.server.directDSN, schema: f.schema)
        defer { collector.close() }
        let s = try collector.snapshot()
        #expect(s.errors.isEmpty, "\(s.errors)")
        #expect(s.cursors.count == Int(try f.one("SELECT count(*) FROM \(f.q).cursors")!)!)
        #expect(s.cursors.allSatisfy { $0.pausedAt == nil && $0.onFailure == nil && $0.failingError == nil && $0.parked == 0 })
        let actions = try Actions(dsn: f.server.directDSN, schema: f.schema, readOnly: false)
        defer { actions.close() }
        #expect(try actions.permissions().consumers == "schema version 8 has no consumer operations; migrate to 9")
    }
}
