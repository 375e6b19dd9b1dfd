import Foundation
import StoreTestSupport
import Testing

@testable import StoreAccess

/// Issue 16 §2: a prune leaves an audit row whatever stops it. The row is written before the first batch and
/// updated in every batch's own transaction, so at any moment it counts exactly what committed.
@Suite struct PruneAuditTests {
    func audit(_ server: TestServer, _ store: Store, _ id: Int64) throws -> [String?] {
        try server.admin(
            SQL(
                unsafeRaw:
                    "SELECT status, rows_deleted, batches, cancelled, first_id, last_id FROM \(store.schema.name.quoted).prune_audit WHERE id = \(id)"
            )
        ).first?.values ?? []
    }

    func outboxCount(_ server: TestServer, _ store: Store, tenant: String) throws -> Int {
        Int(try server.admin(SQL(unsafeRaw: "SELECT count(*) FROM \(store.schema.name.quoted).outbox WHERE tenant = '\(tenant)'")).first![0]!)!
    }

    @Test func theAuditRowCountsEveryCommittedBatchWhileThePruneRuns() throws {
        try withStore { store, server in
            let kv = try store.kv(tenant: "a", codec: RawCodec())
            for i in 0..<95 { try kv.set("x", "k\(i)", [1]) }
            let pruner = try store.outboxPruner(tenant: "a", kind: "x")
            let plan = try pruner.plan(.safe(retention: nil))
            let firstID = try server.admin(SQL(unsafeRaw: "SELECT min(id) FROM \(store.schema.name.quoted).outbox")).first![0]
            var seen: [[String?]] = []
            var running: [[String?]] = []
            let report = try pruner.execute(plan, batchSize: 10) { p in
                // another session sees the row of a running prune, with what has committed so far
                let rows =
                    (try? server.admin(
                        SQL(unsafeRaw: "SELECT id FROM \(store.schema.name.quoted).prune_audit WHERE status = 'running'")
                    ).rows.map { $0[0] }) ?? []
                seen.append(rows)
                if let id = rows.first.flatMap({ $0 }).flatMap({ Int64($0) }) { running.append((try? audit(server, store, id)) ?? []) }
                #expect((try? outboxCount(server, store, tenant: "a")) == 95 - p.deleted)
                return true
            }
            #expect(report.deleted == 95 && report.batches == 10)
            #expect(seen.allSatisfy { $0.count == 1 }, "one running row during the prune: \(seen)")
            let got: [[String?]] = running.map { Array($0.prefix(4)) }
            let want: [[String?]] = (1...10).map { (k: Int) -> [String?] in ["running", String(min(95, k * 10)), String(k), "t"] }
            #expect(got == want)
            #expect(running.allSatisfy { $0[4] == firstID })
            #expect(try audit(server, store, report.auditID) == ["done", "95", "10", "f", firstID, String(plan.lastID!)])
        }
    }

    @Test func aCancelledPruneIsClosedAsCancelled() throws {
        try withStore { store, server in
            let kv = try store.kv(tenant: "c", codec: RawCodec())
            for i in 0..<50 { try kv.set("x", "k\(i)", [1]) }
            let pruner = try store.outboxPruner(tenant: "c", kind: "x")
            let r = try pruner.execute(try pruner.plan(.safe(retention: nil)), batchSize: 10) { $0.batches < 2 }
            #expect(r.cancelled && r.deleted == 20)
            #expect(Array(try audit(server, store, r.auditID).prefix(4)) == ["cancelled", "20", "2", "t"])
            #expect(try outboxCount(server, store, tenant: "c") == 30)
        }
    }

    /// A prune that an error stops (here: a lock held past every retry) is closed as failed, counting what the
    /// batches before the error deleted.
    @Test func aPruneStoppedByAnErrorIsClosedAsFailed() throws {
        try withStore { store, server in
            let kv = try store.kv(tenant: "f", codec: RawCodec())
            for i in 0..<30 { try kv.set("x", "k\(i)", [1]) }
            let pruner = try store.outboxPruner(tenant: "f", kind: "x")
            let plan = try pruner.plan(.forced(olderThan: .seconds(0)))
            let holder = try store.pool.acquire()
            defer { store.pool.release(holder) }
            var locked = false
            var caught: StoreError?
            do {
                _ = try pruner.execute(plan, batchSize: 10, lockTimeout: .milliseconds(5)) { _ in
                    if !locked {
                        locked = true
                        _ = try? holder.query("BEGIN")
                        _ = try? holder.query(SQL("LOCK TABLE \(ident: store.schema.name).outbox IN ACCESS EXCLUSIVE MODE"))
                    }
                    return true
                }
            } catch let e as StoreError { caught = e }
            _ = try? holder.query("ROLLBACK")
            #expect(caught?.has(.lockNotAvailable) == true, "\(String(describing: caught))")
            let row = try server.admin(
                SQL(unsafeRaw: "SELECT status, rows_deleted, batches, cancelled FROM \(store.schema.name.quoted).prune_audit")
            ).rows.map(\.values)
            #expect(row == [["failed", "10", "1", "t"]])
            #expect(try outboxCount(server, store, tenant: "f") == 20)
        }
    }

    /// A batch deletes nothing unless its audit row is a running prune of the same tenant and kind.
    @Test func aBatchWithoutARunningAuditRowDeletesNothing() throws {
        try withStore { store, server in
            let kv = try store.kv(tenant: "g", codec: RawCodec())
            for i in 0..<5 { try kv.set("x", "k\(i)", [1]) }
            let q = store.schema.name.quoted
            let e = expectStoreError(.server) {
                _ = try store.pool.query(SQL(unsafeRaw: "SELECT * FROM \(q).outbox_prune_step(424242, 'g', 'x', 1000000, NULL, 10, 1000, 0)"))
            }
            #expect(e?.message.contains("not a running prune") == true, "\(String(describing: e))")
            #expect(try outboxCount(server, store, tenant: "g") == 5)
        }
    }

    /// A typo in a tenant or kind is not "nothing to delete" (issue 16): it names what does not exist. An outbox
    /// pruned to empty still exists.
    @Test func planningAnOutboxThatDoesNotExistIsNotFound() throws {
        try withStore { store, _ in
            let kv = try store.kv(tenant: "acme", codec: RawCodec())
            for i in 0..<3 { try kv.set("orders", "k\(i)", [1]) }
            try kv.set("items", "i", [1])
            let ghost = expectStoreError(.notFound) { _ = try store.outboxPruner(tenant: "ghost", kind: "orders").plan(.safe(retention: nil)) }
            #expect(ghost?.message.contains("tenant ghost does not exist") == true, "\(String(describing: ghost))")
            let kind = expectStoreError(.notFound) { _ = try store.outboxPruner(tenant: "acme", kind: "order").plan(.safe(retention: nil)) }
            #expect(
                kind?.message.contains("tenant acme has no outbox of kind order (its kinds: items, orders)") == true, "\(String(describing: kind))")
            // a registered tenant without any outbox
            _ = try store.events(tenant: "quiet").append(to: "s", [EventData(type: "E")])
            let quiet = expectStoreError(.notFound) { _ = try store.outboxPruner(tenant: "quiet", kind: "orders").plan(.safe(retention: nil)) }
            #expect(quiet?.message.contains("tenant quiet has no outbox of kind orders (it has no outbox)") == true, "\(String(describing: quiet))")
            let pruner = try store.outboxPruner(tenant: "acme", kind: "orders")
            _ = try pruner.execute(try pruner.plan(.safe(retention: nil)))
            let empty = try pruner.plan(.safe(retention: nil))
            #expect(empty.rows == 0 && empty.totalRows == 0)
        }
    }

    /// Version 7 keeps the audit of version 3: rows written before it get a status from their `cancelled`.
    @Test func version7GivesEarlierAuditRowsAStatus() throws {
        let server = try TestServer.current()
        let schema = TestServer.freshSchemaName("v6")
        defer { server.dropSchema(schema) }
        let q = "\"\(schema)\""
        let c = try Connection(try ConnectionString(server.directDSN))
        defer { c.close() }
        let s = try StoreSchema(schema)
        try s.migrate(on: c, upTo: 6)
        for cancelled in [false, true] {
            try c.query(
                SQL(
                    unsafeRaw:
                        "SELECT \(q).outbox_prune_finish(now(), 't', 'k', 'safe', NULL, 10, 1, 5, 5, 1, 1.5, \(cancelled), '[]')"))
        }
        try s.migrate(on: c, upTo: 7)
        let rows = try c.query(SQL(unsafeRaw: "SELECT status, cancelled FROM \(q).prune_audit ORDER BY id")).rows.map(\.values)
        #expect(rows == [["done", "f"], ["cancelled", "t"]])
        // and the migration can be read and rerun as a whole
        try c.executeScript(Migration.all[6].script(for: s.name), name: "rerun")
        #expect(try c.query(SQL(unsafeRaw: "SELECT status FROM \(q).prune_audit ORDER BY id")).rows.map { $0[0] } == ["done", "cancelled"])
    }
}
