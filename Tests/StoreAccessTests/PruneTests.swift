import Foundation
import StoreTestSupport
import Testing

@testable import StoreAccess

@Suite struct OutboxPruneTests {
    @Test func safeModeNeverDeletesWhatAWatcherHasNotPassed() throws {
        try withStore(maxConnections: 10) { store, server in
            let kv = try store.kv(tenant: "p", codec: RawCodec())
            for i in 0..<300 { try kv.set("orders", "o\(i)", [1]) }
            // a durable watcher that consumed 100 rows
            var o = WatchOptions()
            o.durableName = "shipper"
            let w = try kv.watch("orders", options: o)
            var taken: [Int64] = []
            while taken.count < 101, let e = try w.next(timeout: .seconds(5)) { taken.append(e.id) }
            w.cancel()  // records the first 101 as handled
            let watcherPos = try Int64(
                server.admin(SQL(unsafeRaw: "SELECT position FROM \(store.schema.name.quoted).cursors WHERE name = 'shipper'")).first![0]!)!
            // writers keep going during the prune
            let stop = LockedBox(false)
            let done = DispatchSemaphore(value: 0)
            Thread.detachNewThread {
                var i = 1000
                while !stop.get() { _ = try? kv.set("orders", "o\(i)", [2]); i += 1 }
                done.signal()
            }
            let pruner = try store.outboxPruner(tenant: "p", kind: "orders")
            let plan = try pruner.plan(.safe(retention: nil))
            #expect(plan.uptoID == watcherPos)
            #expect(plan.rows == 101)
            #expect(plan.watchers == [WatcherPosition(name: "shipper", position: watcherPos)])
            #expect(plan.missedWatchers.isEmpty)
            var reports: [PruneProgress] = []
            let report = try pruner.execute(plan, batchSize: 25) {
                reports.append($0); return true
            }
            stop.set(true)
            done.wait()
            #expect(report.deleted == 101)
            #expect(report.batches == 5)
            #expect(reports.map(\.deleted) == [25, 50, 75, 100, 101])
            let left = try server.admin(
                SQL(
                    unsafeRaw:
                        "SELECT min(id), count(*) FILTER (WHERE id <= \(watcherPos)) FROM \(store.schema.name.quoted).outbox WHERE tenant = 'p'")
            ).first!
            #expect(left[0] == String(watcherPos + 1))
            #expect(left[1] == "0")
            let audit = try server.admin(
                SQL(
                    unsafeRaw:
                        "SELECT mode, rows_deleted, first_id, last_id, tenant, kind, by_user, cancelled FROM \(store.schema.name.quoted).prune_audit WHERE id = \(report.auditID)"
                )
            ).first!
            #expect(audit.values == ["safe", "101", String(taken.first!), String(watcherPos), "p", "orders", "app", "f"])
            let heads = try server.admin(
                SQL(unsafeRaw: "SELECT pruned_total FROM \(store.schema.name.quoted).outbox_heads WHERE tenant = 'p' AND kind = 'orders'")
            ).first!
            #expect(heads[0] == "101")
        }
    }

    @Test func forcedModeByAgeNamesWatchersThatWillMissRows() throws {
        try withStore { store, server in
            let kv = try store.kv(tenant: "f", codec: RawCodec())
            var o = WatchOptions()
            o.durableName = "laggard"
            let w = try kv.watch("events", options: o)
            w.cancel()
            for i in 0..<50 { try kv.set("events", "e\(i)", [1]) }
            try server.admin(
                SQL(
                    unsafeRaw:
                        "UPDATE \(store.schema.name.quoted).outbox SET at = now() - interval '2 hours' WHERE key IN (SELECT 'e' || g FROM generate_series(0, 29) g)"
                ))
            let pruner = try store.outboxPruner(tenant: "f", kind: "events")
            let plan = try pruner.plan(.forced(olderThan: .seconds(3600)))
            #expect(plan.rows == 30)
            #expect(plan.totalRows == 50)
            #expect(plan.missedWatchers.map(\.name) == ["laggard"])
            // a safe prune with the same age deletes nothing: the watcher has passed nothing
            #expect(try pruner.plan(.safe(retention: .seconds(3600))).rows == 0)
            let r = try pruner.execute(plan, batchSize: 7)
            #expect(r.deleted == 30)
            let audit = try server.admin(
                SQL(unsafeRaw: "SELECT mode, rows_deleted, missed_watchers->0->>'name' FROM \(store.schema.name.quoted).prune_audit")
            ).first!
            #expect(audit.values == ["forced", "30", "laggard"])
        }
    }

    @Test func cancelStopsBetweenBatchesAndIsAudited() throws {
        try withStore { store, server in
            let kv = try store.kv(tenant: "c", codec: RawCodec())
            for i in 0..<100 { try kv.set("x", "k\(i)", [1]) }
            let pruner = try store.outboxPruner(tenant: "c", kind: "x")
            let r = try pruner.execute(try pruner.plan(.safe(retention: nil)), batchSize: 10) { $0.batches < 3 }
            #expect(r.cancelled)
            #expect(r.deleted == 30)
            let audit = try server.admin(SQL(unsafeRaw: "SELECT cancelled, rows_deleted FROM \(store.schema.name.quoted).prune_audit")).first!
            #expect(audit.values == ["t", "30"])
        }
    }

    @Test func lockedRowsAreSkippedNotWaitedFor() throws {
        try withStore { store, _ in
            let kv = try store.kv(tenant: "l", codec: RawCodec())
            for i in 0..<20 { try kv.set("x", "k\(i)", [1]) }
            let pruner = try store.outboxPruner(tenant: "l", kind: "x")
            let plan = try pruner.plan(.safe(retention: nil))
            // another session holds row locks on the first five rows
            let holder = try store.pool.acquire()
            defer { store.pool.release(holder) }
            try holder.query("BEGIN")
            try holder.query(SQL("SELECT id FROM \(ident: store.schema.name).outbox WHERE tenant = 'l' ORDER BY id LIMIT 5 FOR UPDATE"))
            let t0 = ContinuousClock.now
            let r = try pruner.execute(plan, batchSize: 100, lockTimeout: .milliseconds(200))
            #expect(r.deleted == 15)
            #expect(t0.duration(to: .now) < .seconds(3))
            try holder.query("ROLLBACK")
        }
    }
}
