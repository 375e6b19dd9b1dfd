import Foundation
import StoreAccess
import StoreTestSupport
import Testing

@testable import StoreMetrics

/// A store with known contents; every figure of the snapshot is checked against an independent SQL query.
@Suite(.serialized) struct SnapshotIntegrationTests {
    @Test func everyFigureMatchesIndependentSQL() throws {
        let f = try Fixture()
        defer { f.close() }
        let q = "\"\(f.schema)\""
        let collector = try Collector(dsn: f.server.directDSN, schema: f.schema)
        defer { collector.close() }
        var history = History(rules: LagRules(window: 3, stallAfter: 0.5))
        // the database size is read at the first snapshot and carried up to 10 s: bracket it with SQL readings
        let sizeBefore = Double(try f.server.admin("SELECT pg_database_size(current_database())").first![0].flatMap(Int64.init) ?? 0)
        _ = history.add(try collector.snapshot())
        Thread.sleep(forTimeInterval: 0.7)
        func one(_ sql: String) throws -> String? { try f.server.admin(SQL(unsafeRaw: sql)).first?[0] }
        // the store's pool reports every 300 ms: bracket the snapshot with two readings of its row
        let acquisitionsSQL = "SELECT acquisitions_total FROM \"\(f.schema)\".pool_reports WHERE service = '\(f.svc)'"
        let acquisitionsBefore = Int64(try one(acquisitionsSQL)!)!
        // the stopped consumer's lag in seconds, bracketed by SQL readings before and after the snapshot
        let stoppedAgeSQL = "SELECT extract(epoch FROM now() - min(recorded_at)) FROM \"\(f.schema)\".events WHERE tenant = 'alpha' AND position > 2"
        let stoppedBefore = Double(try one(stoppedAgeSQL)!)!
        let s = try collector.snapshot()
        let acquisitionsAfter = Int64(try one(acquisitionsSQL)!)!
        let d = history.add(s)

        #expect(s.errors.isEmpty, "\(s.errors)")
        #expect(s.statements <= 12)
        // server
        let sv = try #require(s.server)
        #expect(sv.maxConnections == Int(try one("SHOW max_connections")!))
        #expect(sv.database == "storetop_test")
        // connections in use: every client backend of the cluster, the collector's own included; the sessions are
        // this database's (other tests connect to this one and to storetop_foreign meanwhile)
        #expect(sv.connections >= s.sessions!.backends.count + 1)
        #expect(sv.connections >= f.extra.count + 3 && sv.connections <= sv.maxConnections)
        let size = Double(Int64(try one("SELECT pg_database_size(current_database())")!)!)
        // tests running alongside create and drop schemas meanwhile (a fresh server grows fast): 10 % around the bracket
        let low = min(sizeBefore, size) * 0.9, high = max(sizeBefore, size) * 1.1
        #expect(Double(sv.databaseBytes) >= low && Double(sv.databaseBytes) <= high, "\(sv.databaseBytes) outside [\(low), \(high)]")
        #expect(!sv.isStandby)
        #expect(sv.version.hasPrefix("PostgreSQL 15"))
        // streams: heads and totals per tenant
        let st = try #require(s.streams)
        #expect(st.headPosition == Int64(try one("SELECT max(position) FROM \(q).events")!)!)
        #expect(st.safePosition == st.headPosition)
        for t in st.tenants {
            #expect(t.headPosition == Int64(try one("SELECT max(position) FROM \(q).events WHERE tenant = '\(t.tenant)'")!)!)
            #expect(t.events == Int64(try one("SELECT count(*) FROM \(q).events WHERE tenant = '\(t.tenant)'")!)!)
            #expect(t.streams == Int(try one("SELECT count(DISTINCT stream) FROM \(q).events WHERE tenant = '\(t.tenant)'")!)!)
        }
        #expect(st.tenants.map(\.tenant) == ["alpha", "beta"])
        #expect(st.mostActive.count == 3)
        // cursors
        let byName = Dictionary(uniqueKeysWithValues: s.cursors.map { ($0.name, $0) })
        for c in s.cursors {
            let pos = Int64(try one("SELECT position FROM \(q).cursors WHERE tenant = '\(c.tenant)' AND name = '\(c.name)'")!)!
            #expect(c.position == pos)
            let head =
                c.source == "events"
                ? Int64(try one("SELECT coalesce(max(position), 0) FROM \(q).events WHERE tenant = '\(c.tenant)'")!)!
                : Int64(try one("SELECT max(id) FROM \(q).outbox WHERE tenant = '\(c.tenant)' AND kind = 'orders'")!)!
            #expect(c.head == head, "\(c.name)")
            #expect(c.lagPositions == head - pos)
            // the rows it still has to handle: its tenant's events matching its filter, or its outbox kind's rows
            let own =
                c.source == "events"
                ? "SELECT count(*) FROM \(q).events e, \(q).cursors c WHERE c.tenant = '\(c.tenant)' AND c.name = '\(c.name)' "
                    + "AND e.tenant = c.tenant AND e.position > c.position "
                    + "AND (jsonb_typeof(c.filter) <> 'array' OR \(q).event_matches(e.type, e.payload, c.filter))"
                : "SELECT count(*) FROM \(q).outbox WHERE tenant = '\(c.tenant)' AND kind = 'orders' AND id > \(pos)"
            #expect(c.lagEvents == Int64(try one(own)!)!, "\(c.name)")
        }
        #expect(byName["fast"]?.lagEvents == 0)
        #expect(byName["fast"]?.ownerConnected == true)
        #expect(byName["stopped"]?.ownerConnected == false)
        let stoppedAfter = Double(try one(stoppedAgeSQL)!)!
        let stoppedLag = byName["stopped"]!.lagSeconds
        #expect(stoppedLag >= stoppedBefore - 0.01 && stoppedLag <= stoppedAfter + 0.01, "\(stoppedBefore) ≤ \(stoppedLag) ≤ \(stoppedAfter)")
        #expect(d.cursors[Derived.CursorKey(tenant: "alpha", name: "fast")]?.status == .ok)
        #expect(d.cursors[Derived.CursorKey(tenant: "alpha", name: "stopped")]?.status == .stopped)
        #expect(
            d.cursors[Derived.CursorKey(tenant: "beta", name: "stuck")]?.status == .stalled,
            "\(String(describing: d.cursors[Derived.CursorKey(tenant: "beta", name: "stuck")]))")
        #expect(byName["shipper"]?.lagEvents == 6)
        // outboxes
        let o = try #require(s.outboxes.first)
        #expect(o.rows == Int64(try one("SELECT count(*) FROM \(q).outbox WHERE tenant = 'alpha' AND kind = 'orders'")!)!)
        #expect(o.oldestID == Int64(try one("SELECT min(id) FROM \(q).outbox")!)!)
        #expect(o.slowestWatcher == "shipper")
        #expect(o.watchers == 1)
        #expect(o.safeToPruneEstimate == 4)  // exact here: ids are dense
        let plan = try f.store.outboxPruner(tenant: "alpha", kind: "orders").plan(.safe(retention: nil))
        #expect(plan.rows == 4)
        // bookmarks
        #expect(s.bookmarks.map { "\($0.tenant)/\($0.key)" }.sorted() == ["alpha/sync:a", "beta/sync:b"])
        #expect(s.tenants == (try f.server.admin(SQL(unsafeRaw: "SELECT tenant FROM \(q).tenants ORDER BY 1")).rows.map { $0[0]! }))
        // sessions: our groups, counted like pg_stat_activity counts them
        let groups = s.sessions!.groups.filter { $0.service.hasPrefix(f.svc) }
        let idler = try #require(groups.first { $0.store == "idler" })
        #expect(idler.tenant == "beta" && idler.idleInTransaction == 1 && idler.total == 1)
        let psql = try #require(groups.first { $0.other })
        #expect(psql.service == "\(f.svc)-psql" && psql.total == 1)
        let expectedConsumers = Int(try one("SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE 'st:\(f.svc)/consumer/%'")!)!
        #expect(groups.filter { $0.store == "consumer" }.reduce(0) { $0 + $1.total } == expectedConsumers)
        #expect(s.sessions!.backends.contains { $0.pid == f.extra[1].backendPID && $0.xminAge != nil })
        let ownPID = try collector.pool.withConnection { try $0.query("SELECT pg_backend_pid()").first!.decode(0, as: Int32.self) }
        #expect(!s.sessions!.backends.contains { $0.pid == ownPID })  // own connection excluded
        // pools: the store's pool reported itself
        let pool = try #require(s.pools.first { $0.service == f.svc })
        #expect(pool.maxSize == 8 && !pool.stale)
        #expect(
            pool.acquisitionsTotal >= acquisitionsBefore && pool.acquisitionsTotal <= acquisitionsAfter,
            "\(acquisitionsBefore) ≤ \(pool.acquisitionsTotal) ≤ \(acquisitionsAfter)")
        // tenants summary
        let rows = TenantSummary.build(s, d)
        #expect(rows.first { $0.tenant == "alpha" }?.worstStatus == .stopped)
        #expect(rows.first { $0.tenant == "alpha" }?.outboxRows == 10)
        // exports
        let json = try JSONExport.encode(s, derived: d)
        let keys = try (JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]).keys.sorted()
        #expect(
            keys == [
                "bookmarks", "cursors", "errors", "foreign", "outboxes", "pools", "replication", "server", "sessions", "streams", "taken_at",
                "tenants",
            ])
        let prom = PrometheusExport.render(s, derived: d)
        #expect(prom.contains("storetop_consumer_lag_events{tenant=\"alpha\",store=\"events\",consumer=\"stopped\"}"))
        #expect(prom.contains("storetop_outbox_rows{tenant=\"alpha\",store=\"kv\",kind=\"orders\"} 10"))
        #expect(prom.contains("# TYPE storetop_pool_timeouts_total counter"))
    }

    /// The collector keeps per-tenant totals incrementally and carries probe answers forward; after appends
    /// (to an existing stream, a new stream, a new tenant, one held in flight), a consumer moving and an outbox
    /// prune, every figure still equals what SQL computes, and a snapshot with nothing changed sends no probe.
    @Test func incrementalSnapshotsStayExact() throws {
        let f = try Fixture()
        defer { f.close() }
        let q = "\"\(f.schema)\""
        func one(_ sql: String) throws -> String? { try f.server.admin(SQL(unsafeRaw: sql)).first?[0] }
        let collector = try Collector(dsn: f.server.directDSN, schema: f.schema)
        defer { collector.close() }
        _ = try collector.snapshot()
        // an append held in flight (registered, not committed) while a later one commits
        let held = try Connection(try ConnectionString(f.server.directDSN))
        defer { held.close() }
        try held.query("BEGIN")
        try held.query(SQL("SELECT \(ident: f.store.schema.name).append('beta', 's9', -1, '[{\"type\":\"Late\",\"payload\":{}}]')"))
        let a = try f.store.events(tenant: "alpha")
        try a.append(to: "s1", [EventData(type: "A")])
        try a.append(to: "s3", [EventData(type: "C"), EventData(type: "C")])
        try f.store.events(tenant: "gamma").append(to: "g1", [EventData(type: "G")])
        let during = try collector.snapshot()
        let st1 = try #require(during.streams)
        #expect(st1.safePosition < st1.headPosition)  // delivery held back by the open append
        // every tenant with committed events: head, events and streams at the safe position, the rest waiting above it
        func expectTotals(_ st: Snapshot.Streams, upTo safe: Int64) throws {
            let want = try f.server.admin(
                SQL(
                    unsafeRaw: """
                        SELECT tenant, count(*) FILTER (WHERE position <= \(safe)), count(DISTINCT stream) FILTER (WHERE position <= \(safe)),
                               coalesce(max(position) FILTER (WHERE position <= \(safe)), 0), count(*) FILTER (WHERE position > \(safe))
                          FROM \(q).events GROUP BY tenant ORDER BY tenant
                        """)
            ).rows
            #expect(st.tenants.map(\.tenant) == want.map { $0[0]! })
            for (t, w) in zip(st.tenants, want) {
                #expect(t.events == Int64(w[1]!)!, "\(t.tenant)")
                #expect(t.streams == Int(w[2]!)!, "\(t.tenant)")
                #expect(t.headPosition == Int64(w[3]!)!, "\(t.tenant)")
                #expect(t.waitingEvents == Int64(w[4]!)!, "\(t.tenant)")
            }
        }
        try expectTotals(st1, upTo: st1.safePosition)
        try held.query("COMMIT")
        // the stopped consumer moves; the outbox is pruned up to its watcher
        try f.store.pool.query(SQL("SELECT \(ident: f.store.schema.name).cursor_advance('alpha', 'stopped', 4)"))
        _ = try f.store.outboxPruner(tenant: "alpha", kind: "orders").execute(
            try f.store.outboxPruner(tenant: "alpha", kind: "orders").plan(.safe(retention: nil)))
        let after = try collector.snapshot()
        let st2 = try #require(after.streams)
        #expect(st2.safePosition == Int64(try one("SELECT max(position) FROM \(q).events")!)!)
        try expectTotals(st2, upTo: st2.safePosition)
        let stopped = try #require(after.cursors.first { $0.name == "stopped" })
        let age = Double(try one("SELECT extract(epoch FROM now() - min(recorded_at)) FROM \(q).events WHERE tenant = 'alpha' AND position > 4")!)!
        #expect(abs(stopped.lagSeconds - age) < 1.0)
        #expect(stopped.lagEvents == Int64(try one("SELECT count(*) FROM \(q).events WHERE tenant = 'alpha' AND position > 4")!)!)
        #expect(stopped.lagPositions == Int64(try one("SELECT max(position) FROM \(q).events WHERE tenant = 'alpha'")!)! - 4)
        let box = try #require(after.outboxes.first)
        #expect(box.oldestID == Int64(try one("SELECT min(id) FROM \(q).outbox WHERE tenant = 'alpha' AND kind = 'orders'")!)!)
        #expect(box.rows == Int64(try one("SELECT count(*) FROM \(q).outbox WHERE tenant = 'alpha' AND kind = 'orders'")!)!)
        // nothing changed: no probe statement, same figures
        let quiet = try collector.snapshot()
        #expect(quiet.statements <= after.statements)
        #expect(quiet.streams?.tenants == st2.tenants)
        #expect(quiet.cursors.map(\.lagEvents) == after.cursors.map(\.lagEvents))
        #expect(quiet.outboxes.map(\.oldestID) == after.outboxes.map(\.oldestID))
        let again = try collector.snapshot()
        #expect(again.statements == 10, "a snapshot with nothing changed sent \(again.statements) statements")
        // a fresh collector (full pass) agrees with the incremental one
        let fresh = try Collector(dsn: f.server.directDSN, schema: f.schema)
        defer { fresh.close() }
        let cold = try fresh.snapshot()
        #expect(cold.streams?.tenants == again.streams?.tenants)
        // the same first unhandled row for every consumer: the same time once each snapshot's own clock is taken out
        #expect(cold.cursors.map(\.name) == again.cursors.map(\.name))
        let coldNow = try #require(cold.server?.now), againNow = try #require(again.server?.now)
        for (c, a) in zip(cold.cursors, again.cursors) {
            #expect((c.lagSeconds == 0) == (a.lagSeconds == 0), "\(c.name)")
            if c.lagSeconds > 0 {
                let unhandledCold = coldNow.addingTimeInterval(-c.lagSeconds), unhandledAgain = againNow.addingTimeInterval(-a.lagSeconds)
                #expect(abs(unhandledCold.timeIntervalSince(unhandledAgain)) < 0.01, "\(c.name): \(unhandledCold) vs \(unhandledAgain)")
            }
        }
    }

    /// Schema version 4: a consumer records its first unhandled row when it moves, so the collector reads a moved
    /// consumer's lag without a probe; a prune voids a watcher's record (probed again, still exact); and a store
    /// left at version 3 by an older library is read with probes alone, with the same figures.
    @Test func movedConsumersAreReadFromTheirOwnRecord() throws {
        let f = try Fixture()
        defer { f.close() }
        let q = "\"\(f.schema)\""
        let fn = f.store.schema.name
        func one(_ sql: String) throws -> String? { try f.server.admin(SQL(unsafeRaw: sql)).first?[0] }
        func at(_ sql: String) throws -> Date { try Date(postgresText: try one(sql)!) }
        /// When the first unhandled row was written, as the snapshot has it.
        func unhandledAt(_ s: Snapshot, _ name: String) throws -> Date {
            let c = try #require(s.cursors.first { $0.name == name })
            return try #require(s.server?.now).addingTimeInterval(-c.lagSeconds)
        }
        let collector = try Collector(dsn: f.server.directDSN, schema: f.schema)
        defer { collector.close() }
        _ = try collector.snapshot()
        _ = try collector.snapshot()
        try f.store.pool.query(SQL("SELECT \(ident: fn).cursor_advance('alpha', 'stopped', 3)"))
        let moved = try collector.snapshot()
        #expect(moved.errors.isEmpty, "\(moved.errors)")
        #expect(moved.statements == 11, "a moved consumer cost a probe: \(moved.statements) statements")
        let want = try at("SELECT min(recorded_at) FROM \(q).events WHERE tenant = 'alpha' AND position > 3")
        #expect(abs(try unhandledAt(moved, "stopped").timeIntervalSince(want)) < 0.001)

        // a DBA replays the consumer by hand: the record is for another position and is ignored
        _ = try f.server.admin(SQL(unsafeRaw: "UPDATE \(q).cursors SET position = 1 WHERE name = 'stopped'"))
        let replayed = try collector.snapshot()
        #expect(replayed.statements == 12)  // asked, not taken from the stale record
        let wantReplay = try at("SELECT min(recorded_at) FROM \(q).events WHERE tenant = 'alpha' AND position > 1")
        #expect(abs(try unhandledAt(replayed, "stopped").timeIntervalSince(wantReplay)) < 0.001)
        try f.store.pool.query(SQL("SELECT \(ident: fn).cursor_advance('alpha', 'stopped', 3)"))

        // a prune removes the watcher's recorded row: its record is void, the collector asks, the answer is exact
        let shipper = Int64(try one("SELECT position FROM \(q).cursors WHERE name = 'shipper'")!)!
        _ = try f.server.admin(SQL(unsafeRaw: "SELECT * FROM \(q).outbox_prune_batch('alpha', 'orders', \(shipper + 2), NULL, 100)"))
        let pruned = try collector.snapshot()
        #expect(pruned.statements == 12)
        let wantRow = try at("SELECT min(at) FROM \(q).outbox WHERE tenant = 'alpha' AND kind = 'orders' AND id > \(shipper)")
        let gotRow = try unhandledAt(pruned, "shipper")
        #expect(abs(gotRow.timeIntervalSince(wantRow)) < 0.001, "\(gotRow) \(wantRow) \(pruned.cursors.first { $0.name == "shipper" }!)")
        #expect(pruned.outboxes.first?.oldestID == Int64(try one("SELECT min(id) FROM \(q).outbox")!)!)

        // the store as a version-3 library left it: no record to read, probes give the same figures
        _ = try f.server.admin(
            SQL(
                unsafeRaw:
                    "ALTER TABLE \(q).cursors DROP COLUMN next_after, DROP COLUMN next_position, DROP COLUMN next_at, DROP COLUMN next_checked, DROP COLUMN next_pruned"
            ))
        _ = try f.server.admin(SQL(unsafeRaw: "DELETE FROM \(q).schema_version WHERE version >= 4"))
        let old = try collector.snapshot()
        #expect(old.errors.isEmpty, "\(old.errors)")
        #expect(old.statements == 12)  // everything carried is void after a schema change: probed once
        #expect(abs(try unhandledAt(old, "stopped").timeIntervalSince(want)) < 0.001)
        #expect(abs(try unhandledAt(old, "shipper").timeIntervalSince(wantRow)) < 0.001)
        #expect(old.cursors.map(\.lagEvents) == pruned.cursors.map(\.lagEvents))
    }

    /// The consumers are read incrementally (rows changed since the previous read). A change committed by a
    /// transaction that was already open at the previous snapshot, a new consumer, a deleted one, one deleted and
    /// another created between two snapshots, and a heartbeat: each snapshot still lists exactly what the table holds.
    @Test func consumerChangesAreNeverMissed() throws {
        let f = try Fixture()
        defer { f.close() }
        let q = "\"\(f.schema)\""
        let fn = f.store.schema.name
        let collector = try Collector(dsn: f.server.directDSN, schema: f.schema)
        defer { collector.close() }
        func expectSameAsTable(_ s: Snapshot, _ note: String) throws {
            let want = try f.server.admin(
                SQL(unsafeRaw: "SELECT tenant, name, position, owner_pid, heartbeat_at FROM \(q).cursors ORDER BY tenant, name")
            ).rows
            #expect(s.cursors.map { "\($0.tenant)/\($0.name)@\($0.position)" } == want.map { "\($0[0]!)/\($0[1]!)@\($0[2]!)" }, "\(note)")
            for (c, w) in zip(s.cursors, want) {
                #expect(c.ownerPid == w[3].flatMap { Int32($0) }, "\(note): \(c.name)")
                #expect(c.heartbeatAt == (try w[4].map { try Date(postgresText: $0) }), "\(note): \(c.name)")
            }
        }
        try expectSameAsTable(try collector.snapshot(), "first")
        // a consumer moved by a transaction open across a snapshot, committed after it
        let open = try Connection(try ConnectionString(f.server.directDSN))
        defer { open.close() }
        try open.query("BEGIN")
        try open.query(SQL("SELECT \(ident: fn).cursor_advance('alpha', 'stopped', 3)"))
        try f.store.pool.query(SQL("SELECT \(ident: fn).cursor_advance('alpha', 'shipper', 5)"))  // committed at once
        let during = try collector.snapshot()
        #expect(during.cursors.first { $0.name == "stopped" }?.position == 2)
        #expect(during.cursors.first { $0.name == "shipper" }?.position == 5)
        try open.query("COMMIT")
        try expectSameAsTable(try collector.snapshot(), "after the open transaction committed")
        // a new consumer, then a heartbeat
        try f.store.pool.query(SQL("SELECT \(ident: fn).cursor_open('beta', 'late', 'events', '[]', 'x', 'h', 42)"))
        try expectSameAsTable(try collector.snapshot(), "new consumer")
        Thread.sleep(forTimeInterval: 0.01)
        try f.store.pool.query(SQL("SELECT \(ident: fn).cursor_heartbeat('beta', 'late')"))
        try expectSameAsTable(try collector.snapshot(), "heartbeat")
        // deleted; then one deleted and another created between two snapshots (same count)
        try f.store.pool.query(SQL("SELECT \(ident: fn).cursor_delete('beta', 'late')"))
        try expectSameAsTable(try collector.snapshot(), "deleted")
        try f.store.pool.query(SQL("SELECT \(ident: fn).cursor_delete('alpha', 'stopped')"))
        try f.store.pool.query(SQL("SELECT \(ident: fn).cursor_open('alpha', 'replacement', 'events', '[]', 'x', 'h', 43)"))
        let swapped = try collector.snapshot()
        try expectSameAsTable(swapped, "one deleted, one created")
        // an unchanged table: the changed-rows read returns nothing, the figures stay
        let quiet = try collector.snapshot()
        try expectSameAsTable(quiet, "quiet")
        #expect(quiet.statements == 10)
    }

    @Test func monitoringRoleSeesServerAndSessionsAndSaysWhatIsMissing() throws {
        let f = try Fixture()
        defer { f.close() }
        let collector = try Collector(dsn: f.server.monitorDSN, schema: f.schema)
        defer { collector.close() }
        let s = try collector.snapshot()
        #expect(s.server != nil)
        #expect(s.sessions != nil)
        let reasons = s.errors.map(\.reason).joined(separator: "\n")
        #expect(reasons.contains("permission denied") || reasons.contains("not found"), "\(reasons)")
        #expect(!reasons.contains("monitor-secret-pw"))
        // with the documented grants, every panel works
        for g in [
            "GRANT USAGE ON SCHEMA \"\(f.schema)\" TO monitor",
            "GRANT SELECT ON ALL TABLES IN SCHEMA \"\(f.schema)\" TO monitor",
            "GRANT SELECT ON ALL SEQUENCES IN SCHEMA \"\(f.schema)\" TO monitor",
        ] {
            try f.server.admin(SQL(unsafeRaw: g))
        }
        let c2 = try Collector(dsn: f.server.monitorDSN, schema: f.schema)
        defer { c2.close() }
        let s2 = try c2.snapshot()
        #expect(s2.errors.isEmpty, "\(s2.errors)")
        #expect(s2.cursors.count == 4)
        // actions need more and say so
        let actions = try Actions(dsn: f.server.monitorDSN, schema: f.schema, readOnly: false)
        defer { actions.close() }
        let p = try actions.permissions()
        #expect(p.prune?.contains("monitor lacks DELETE") == true)
        let plan = try actions.planPrune(tenant: "alpha", kind: "orders", mode: .safe(retention: nil))
        do {
            _ = try actions.executePrune(plan) { _ in true }
            Issue.record("the monitoring role pruned")
        } catch let e as StoreError { #expect(e.code == .insufficientPrivilege) }
        let ro = try Actions(dsn: f.server.directDSN, schema: f.schema, readOnly: true)
        defer { ro.close() }
        do { _ = try ro.cancelBackend(1); Issue.record("read-only cancelled") } catch let e as StoreError { #expect(e.code == .readOnly) }
    }

    @Test func lostServerIsAnErrorThenRecovers() throws {
        let priv = try PrivateServer()
        defer { priv.stop() }
        let store = try Store.connect(
            priv.dsn, service: "t",
            options: {
                var o = Store.Options(); o.configure = { $0.reportInterval = nil }; return o
            }())
        store.close()
        let collector = try Collector(dsn: priv.dsn)
        defer { collector.close() }
        _ = try collector.snapshot()
        try priv.restart(mode: "immediate")
        var recovered = false
        var sawError = false
        for _ in 0..<30 {
            do { _ = try collector.snapshot(); recovered = true; break } catch { sawError = true; Thread.sleep(forTimeInterval: 0.2) }
        }
        #expect(recovered)
        _ = sawError
    }
}
