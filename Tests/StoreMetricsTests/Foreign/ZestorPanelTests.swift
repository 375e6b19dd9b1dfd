import Foundation
import StoreAccess
import StoreTestSupport
import Testing

@testable import StoreMetrics

/// A zestor store made by its own DDL and written through its own statements; every figure of `ZestorPanel`
/// against SQL read in the same test. Serialized: the listener count is the database's (channel `zestor_events`).
@Suite(.serialized) struct ZestorPanelTests {
    /// Runs `body` with a fresh zestor schema and a writer on its search_path; drops the schema afterwards.
    func withZestor(_ body: (TestServer, String, Connection) throws -> Void) throws {
        let server = try TestServer.current().inDatabase("storetop_foreign")
        let schema = TestServer.freshSchemaName("zst")
        let c = try ZFAFixtures.connect(server)
        defer { c.close(); server.dropSchema(schema) }
        try ZFAFixtures.createZestor(c, schema: schema)
        try body(server, schema, c)
    }

    @Test func outboxesAndListenersMatchSQL() throws {
        try withZestor { server, schema, w in
            let listener = try ZFAFixtures.zestorListener(server)
            defer { listener.close() }
            Thread.sleep(forTimeInterval: 0.05)
            for i in 0..<3 { try ZFAFixtures.zestorSet(w, ns: 0, kind: "orders", key: "o\(i)", value: [UInt8(i)]) }
            try ZFAFixtures.zestorSet(w, ns: 0, kind: "orders", key: "o1", value: [9])
            try ZFAFixtures.zestorSet(w, ns: 0, kind: "orders", key: "o1", value: [9])  // unchanged: no outbox row
            try ZFAFixtures.zestorSet(w, ns: 0, kind: "users", key: "u1", value: [1])
            for i in 0..<3 { try ZFAFixtures.zestorSet(w, ns: 7, kind: "orders", key: "p\(i)", value: [UInt8(i)]) }
            try ZFAFixtures.zestorDelete(w, ns: 7, kind: "orders", key: "p0")

            // read as a monitoring role (pg_monitor, SELECT on the schema), as the collector runs
            try w.query(SQL("GRANT USAGE ON SCHEMA \(ident: try Identifier(schema)) TO monitor"))
            try w.query(SQL("GRANT SELECT ON ALL TABLES IN SCHEMA \(ident: try Identifier(schema)) TO monitor"))
            let r = try Connection(try ConnectionString(server.monitorDSN))
            defer { r.close() }
            let now = try ZFAFixtures.serverNow(r)
            var store = Snapshot.ForeignStore(kind: .zestor, version: "", schema: schema, tables: ["zestor_kv", "zestor_outbox"])
            var statements = 0
            try ZestorPanel.read(r, schema: schema, into: &store, now: now, statements: &statements)

            let q = "\"\(schema)\".zestor_outbox"
            let expected = try r.query(
                SQL(
                    unsafeRaw: """
                        SELECT ns_id::text AS tenant, kind, max(id) AS head, min(id) AS oldest, count(*) AS rows,
                               extract(epoch FROM $1::timestamptz - min(at))::float8 AS age
                          FROM \(q) GROUP BY ns_id, kind ORDER BY ns_id, kind
                        """, binds: [now])
            ).rows
            #expect(store.outboxes.count == expected.count && expected.count == 3)
            for (o, e) in zip(store.outboxes, expected) {
                let head: Int64 = try e.decode("head"), oldest: Int64 = try e.decode("oldest"), rows: Int64 = try e.decode("rows")
                let age: Double = try e.decode("age")
                #expect(o.tenant == e["tenant"] && o.kind == e["kind"])
                #expect(o.headID == head && o.oldestID == oldest)
                #expect(o.rows == rows && o.rowsExact, "\(o)")
                #expect(abs((o.oldestAgeSeconds ?? -1) - age) < 0.001)
            }
            // the one-row outbox needs no count; the other two were counted in one more statement, besides the
            // listeners and the keys per kind
            #expect(statements == 3)
            let keys = try r.query(
                SQL(unsafeRaw: "SELECT ns_id::text AS tenant, kind, count(*) AS keys FROM \"\(schema)\".zestor_kv GROUP BY 1, 2 ORDER BY 1, 2")
            ).rows
            #expect(store.keys.map { "\($0.tenant)/\($0.kind)=\($0.keys)" } == keys.map { "\($0["tenant"]!)/\($0["kind"]!)=\($0["keys"]!)" })
            #expect(store.keys.allSatisfy { $0.exact } && !keys.isEmpty)
            // the queue is the cluster's and nothing else notifies here: the same reading as the server's
            let usage: Double = try r.query("SELECT pg_notification_queue_usage()::float8").rows[0].decode(0)
            #expect(store.notifyQueueUsage.map { abs($0 - usage) < 0.001 } == true, "\(String(describing: store.notifyQueueUsage)) vs \(usage)")
            let listeners: Int = try r.query(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND query = 'LISTEN zestor_events'"
            ).rows[0].decode(0)
            #expect(store.listeners == listeners && listeners >= 1)
            // the listener has been idle since before the oldest row, but for less than zestor's re-LISTEN period
            #expect(store.warnings.isEmpty, "\(store.warnings)")
            // three minutes later it would be idle past the grace: named
            var later = Snapshot.ForeignStore(kind: .zestor, version: "", schema: schema, tables: [])
            try ZestorPanel.read(r, schema: schema, into: &later, now: now.addingTimeInterval(180), statements: &statements)
            #expect(later.warnings.contains { $0.contains("listener pid \(listener.backendPID) idle") }, "\(later.warnings)")
            // the application's role sees only its own sessions' queries: the count may be short, and it says so
            var own = Snapshot.ForeignStore(kind: .zestor, version: "", schema: schema, tables: [])
            try ZestorPanel.read(w, schema: schema, into: &own, now: now, statements: &statements)
            #expect(own.warnings.count == 1 && own.warnings[0].contains("grant pg_monitor"), "\(own.warnings)")
        }
    }

    @Test func aWideIdRangeIsAnUpperBound() throws {
        try withZestor { server, schema, w in
            try ZFAFixtures.zestorSet(w, ns: 1, kind: "a", key: "k1", value: [1])
            // another tenant's writes take ids in between (one batch of the library's outbox insert)
            try w.query(
                """
                INSERT INTO zestor_outbox(ns_id,kind,key,etype,value)
                SELECT 2, 'bulk', 'k' || g, 'create', '\\x00'::bytea FROM generate_series(1, 10001) g
                """)
            try ZFAFixtures.zestorSet(w, ns: 1, kind: "a", key: "k2", value: [2])
            let r = try ZFAFixtures.connect(server)
            defer { r.close() }
            var store = Snapshot.ForeignStore(kind: .zestor, version: "", schema: schema, tables: [])
            var statements = 0
            try ZestorPanel.read(r, schema: schema, into: &store, now: try ZFAFixtures.serverNow(r), statements: &statements)
            let expected = try r.query(
                SQL(
                    unsafeRaw:
                        "SELECT kind, max(id) - min(id) + 1 AS range, count(*) AS rows FROM \"\(schema)\".zestor_outbox GROUP BY ns_id, kind ORDER BY ns_id, kind"
                )
            ).rows
            #expect(store.outboxes.map(\.kind) == expected.map { $0["kind"]! })
            for (o, e) in zip(store.outboxes, expected) {
                let range: Int64 = try e.decode("range"), rows: Int64 = try e.decode("rows")
                #expect(!o.rowsExact && o.rows == range, "\(o)")
                #expect(o.rows >= rows)
            }
            #expect(statements == 1, "no pair is cheap to count: only the listeners' statement follows")
        }
    }

    @Test func kvKeysPerKindMatchSQL() throws {
        try withZestor { server, schema, w in
            for i in 0..<4 { try ZFAFixtures.zestorSet(w, ns: 0, kind: "orders", key: "o\(i)", value: [1]) }
            try ZFAFixtures.zestorSet(w, ns: 3, kind: "users", key: "u", value: [1])
            try ZFAFixtures.zestorDelete(w, ns: 0, kind: "orders", key: "o0")
            let kinds = try ZestorPanel.kvKinds(w, schema: try Identifier(schema))
            let expected = try w.query(
                SQL(unsafeRaw: "SELECT ns_id::text, kind, count(*) FROM \"\(schema)\".zestor_kv GROUP BY 1, 2 ORDER BY 1, 2")
            ).rows
            #expect(kinds.map { "\($0.tenant)/\($0.kind)=\($0.keys)" } == expected.map { "\($0[0]!)/\($0[1]!)=\($0[2]!)" })
            #expect(kinds.allSatisfy { $0.exact })
        }
    }

    @Test func everyStatementRunsAgainstAZestorSchema() throws {
        try withZestor { _, schema, w in
            for sql in ZestorPanel.statements(try Identifier(schema)) {
                do { try w.query(sql) } catch { Issue.record("\(sql.name ?? "?") failed: \(error)") }
                #expect(sql.name?.hasPrefix("metrics.foreign.zestor_") == true)
            }
        }
    }

    @Test func aFillingNotifyQueueWarns() {
        let now = Date()
        let w = ZestorPanel.warnings(listeners: [], oldestRowAt: nil, queueUsage: 0.62, seesAll: true, now: now)
        #expect(w.count == 1 && w[0].contains("62 % full"))
        #expect(ZestorPanel.warnings(listeners: [], oldestRowAt: nil, queueUsage: 0.5, seesAll: true, now: now).isEmpty)
        // a listener that LISTENed again after the oldest row was written is not named
        let fresh = ZestorPanel.Listener(pid: 7, state: "idle", stateChange: now.addingTimeInterval(-300))
        #expect(
            ZestorPanel.warnings(listeners: [fresh], oldestRowAt: now.addingTimeInterval(-400), queueUsage: 0, seesAll: true, now: now)
                .isEmpty)
        #expect(
            ZestorPanel.warnings(listeners: [fresh], oldestRowAt: now.addingTimeInterval(-200), queueUsage: 0, seesAll: true, now: now)
                .count == 1)
    }
}
