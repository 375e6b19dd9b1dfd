import Foundation
import StoreAccess
import StoreTestSupport
import Testing

@testable import StoreMetrics

/// The age-based prune of a zestor outbox: plan against SQL, exactly the old rows of one namespace and kind deleted
/// in batches, the audit row as SQL counts it, cancel after a batch. Serialized: listeners are the database's.
@Suite(.serialized) struct ZestorPruneTests {
    @Test func thePlanCountsWhatSQLCountsAndChangesNothing() throws {
        try ZestorPruneFixture.with { f in
            let a = try f.actions()
            let before = try f.rows()
            let p = try f.plan(a)
            let expected = try f.older(ns: 7, kind: "orders", than: p.cutoff)
            #expect(p.rows == expected.count && p.rows > 0 && p.rows < p.totalRows, "\(p.rows) of \(p.totalRows)")
            #expect(p.firstID.map(String.init) == expected.first?.split(separator: " ").first.map(String.init))
            #expect(p.lastID.map(String.init) == expected.last?.split(separator: " ").first.map(String.init))
            #expect(abs(p.cutoff.timeIntervalSince(p.plannedAt) + 3600) < 0.000_01)
            let total = try f.server.admin(
                SQL(
                    unsafeRaw:
                        "SELECT count(*), extract(epoch FROM $1::timestamptz - min(at))::float8 FROM \(f.outbox) WHERE ns_id = 7 AND kind = 'orders'",
                    binds: [p.plannedAt])
            ).first!
            #expect(p.totalRows == Int(total[0]!)!)
            #expect(abs((p.oldestAgeSeconds ?? -1) - Double(total[1]!)!) < 0.001)
            #expect(p.missingPrivileges == nil && p.refusal == nil, "\(p.refusal ?? "")")
            #expect(try f.rows() == before)
            let tables = try f.server.admin(SQL("SELECT count(*) FROM pg_tables WHERE schemaname = \(f.audit)")).first![0]
            #expect(tables == "0", "planning creates nothing")
        }
    }

    @Test func executeDeletesExactlyTheOldRowsOfThatOutboxAndAuditsThem() throws {
        try ZestorPruneFixture.with { f in
            let a = try f.actions()
            let before = try f.rows()
            let p = try f.plan(a)
            let doomed = try f.older(ns: 7, kind: "orders", than: p.cutoff)
            var seen: [PruneProgress] = []
            let r = try a.executeZestorPrune(p, batchSize: 7) {
                seen.append($0); return true
            }
            let after = try f.rows()
            #expect(after == before.filter { !doomed.contains($0) }, "other namespaces, kinds and younger rows stay")
            #expect(r.deleted == before.count - after.count && r.deleted == doomed.count && !r.cancelled)
            #expect(r.batches == (doomed.count + 6) / 7 && seen.count == r.batches && seen.last?.deleted == r.deleted)
            let audit = try f.lastAudit()
            let ids = doomed.map { String($0.split(separator: " ")[0]) }
            #expect(audit["status"] == "done" && audit["store_kind"] == "zestor" && audit["store_schema"] == f.schema)
            #expect(audit["tenant"] == "7" && audit["kind"] == "orders" && audit["older_than"] == "01:00:00")
            #expect(audit["rows_planned"] == String(p.rows) && audit["rows_deleted"] == String(doomed.count))
            #expect(audit["first_id"] == ids.first && audit["last_id"] == ids.last && audit["batches"] == String(r.batches))
            #expect(audit["by_user"] == "app" && audit["by_application"] == Actions.zestorPruneApplicationName.rendered)
            #expect(audit["id"] == String(r.auditID) && audit["finished_at"] != nil)
            // nothing left to delete: a second prune of the same age deletes nothing and says so
            let again = try f.plan(a)
            #expect(again.rows == 0 && again.totalRows == p.totalRows - doomed.count)
            #expect(try a.executeZestorPrune(again).deleted == 0)
        }
    }

    @Test func stoppingAfterTheSecondBatchLeavesCancelledWithExactlyWhatCommitted() throws {
        try ZestorPruneFixture.with { f in
            let a = try f.actions()
            let before = try f.rows().count
            let p = try f.plan(a)
            let r = try a.executeZestorPrune(p, batchSize: 10) { $0.batches < 2 }
            let deleted = before - (try f.rows().count)
            #expect(r.cancelled && r.batches == 2 && r.deleted == deleted && deleted == 20)
            let audit = try f.lastAudit()
            #expect(audit["status"] == "cancelled" && audit["rows_deleted"] == String(deleted) && audit["batches"] == "2")
            #expect(audit["rows_planned"] == String(p.rows))
        }
    }

    @Test func aListenerIdleLongerThanTheAgeRefusesAndAFreshOneDoesNot() throws {
        try ZestorPruneFixture.with { f in
            let listener = try ZFAFixtures.zestorListener(f.server)
            defer { listener.close() }
            let a = try f.actions()
            let fresh = try f.plan(a)
            #expect(fresh.listeners.contains { $0.pid == listener.backendPID }, "\(fresh.listeners)")
            #expect(fresh.blockingListeners.isEmpty && fresh.refusal == nil, "\(fresh.refusal ?? "")")
            // wait (as long as this machine needs) until the listener has been idle longer than two seconds
            let deadline = Date().addingTimeInterval(120)
            var idle = 0.0
            while idle <= 2.5, Date() < deadline {
                usleep(100_000)
                idle = try f.plan(a, .seconds(2)).listeners.first { $0.pid == listener.backendPID }?.idleSeconds ?? 0
            }
            let before = try f.rows()
            let p = try f.plan(a, .seconds(2))
            let mine = try #require(p.blockingListeners.first { $0.pid == listener.backendPID }, "\(p.listeners)")
            let pgIdle = try f.server.admin(
                SQL(unsafeRaw: "SELECT extract(epoch FROM now() - state_change)::float8 FROM pg_stat_activity WHERE pid = \(listener.backendPID)")
            ).first![0]!
            #expect(mine.idleSeconds > 2 && mine.idleSeconds <= Double(pgIdle)! && mine.state == "idle")
            #expect(p.refusal?.contains("pid \(listener.backendPID)") == true, "\(p.refusal ?? "")")
            // the audit keeps the listeners a prune started with: here a fresh one, idle less than the age asked
            let fine = try a.executeZestorPrune(try f.plan(a, .seconds(3600)))
            let kept = try f.server.admin(
                SQL(
                    unsafeRaw:
                        "SELECT count(*) FROM \(f.auditTable), jsonb_array_elements(listeners) l WHERE id = \(fine.auditID) AND (l ->> 'pid')::int = \(listener.backendPID) AND (l ->> 'idle_seconds')::float8 > 2"
                )
            ).first![0]
            #expect(kept == "1" && fine.deleted > 0)
            let left = try f.rows()
            let e = #expect(throws: StoreError.self) { try a.executeZestorPrune(p) }
            #expect(e?.code == .conflict && e?.message.contains("pid \(listener.backendPID) (application ") == true, "\(e?.message ?? "")")
            #expect(try f.rows() == left && left.count < before.count)
        }
    }

    @Test func readOnlyRefuses() throws {
        try ZestorPruneFixture.with(minutes: 10) { f in
            let a = try f.actions(readOnly: true)
            let p = try f.plan(a, .seconds(0))
            let before = try f.rows()
            #expect(p.rows == (try f.older(ns: 7, kind: "orders", than: p.cutoff)).count && p.rows > 0)
            let e = #expect(throws: StoreError.self) { try a.executeZestorPrune(p) }
            #expect(e?.code == .readOnly)
            #expect(try f.rows() == before)
        }
    }
}
