import Foundation
import StoreTestSupport
import Testing

@testable import StoreAccess

/// Schema version 10: a writer that registers after a reader read the head (its registration key is above the
/// head) holds back nothing the reader saw. Before, `safe_position()` turned it into `head − 2^32`, and a prune
/// running beside writers planned nothing (CI's ThreadSanitizer run, `safeModeNeverDeletesWhatAWatcherHasNotPassed`).
/// The race is made deterministic here: another session holds a registration one above the head, as a writer
/// does between `safe_position()`'s read of the head and its scan of pg_locks.
@Suite struct SafePositionRaceTests {
    @Test func aRegistrationAboveTheHeadHoldsBackNothing() throws {
        try withStore { store, server in
            let s = store.schema.name
            let es = try store.events(tenant: "acme")
            for i in 0..<5 { try es.append(to: "s-\(i)", [ev("Placed")]) }
            let kv = try store.kv(tenant: "acme", codec: RawCodec())
            for i in 0..<3 { try kv.set("orders", "o\(i)", [1]) }
            let heads = try server.admin(
                SQL(
                    unsafeRaw:
                        "SELECT pg_sequence_last_value('\(s.quoted).event_position'), pg_sequence_last_value('\(s.quoted).outbox_position')")
            ).first!
            let eventsHead = Int64(heads[0]!)!, outboxHead = Int64(heads[1]!)!
            #expect(eventsHead == 5 && outboxHead == 3)
            // registrations one and two above each head, held open in another session
            let held = try Connection(try ConnectionString(server.directDSN))
            defer { held.close() }
            try held.query("BEGIN")
            for (cls, head) in [(StoreProtocol.LockClass.eventsRegistration, eventsHead), (.outboxRegistration, outboxHead)] {
                for ahead in [Int64(1), 2] {
                    try held.query(
                        SQL(
                            unsafeRaw:
                                "SELECT pg_advisory_xact_lock_shared(hashtext(\(StoreProtocol.classLiteral(cls, in: s))), ((\(head + ahead))::bit(32))::int)"
                        ))
                }
            }
            let r = try store.pool.query(
                "SELECT \(ident: s).events_safe_position(), \(ident: s).outbox_safe_position(), (SELECT min(registered_after) FROM \(ident: s).events_blockers()), (SELECT min(registered_after) FROM \(ident: s).blockers('outbox', \(s.quoted + ".outbox_position")::regclass))"
            ).first!
            #expect(try r.decode(0, as: Int64.self) == eventsHead)
            #expect(try r.decode(1, as: Int64.self) == outboxHead)
            #expect(try r.decode(2, as: Int64.self) == eventsHead)
            #expect(try r.decode(3, as: Int64.self) == outboxHead)
            // every reader sees what was written: the paged read, a safe-mode prune plan
            #expect(try store.readAllTenants(after: 0, limit: 100).count == 5)
            let plan = try store.outboxPruner(tenant: "acme", kind: "orders").plan(.safe(retention: nil))
            #expect(plan.uptoID == outboxHead && plan.rows == 3)
            // a registration below the head (a writer in flight since position 2) still holds delivery back
            try held.query(
                SQL(
                    unsafeRaw:
                        "SELECT pg_advisory_xact_lock_shared(hashtext(\(StoreProtocol.classLiteral(.eventsRegistration, in: s))), 2)"))
            #expect(try store.pool.query("SELECT \(ident: s).events_safe_position()").first!.decode(0, as: Int64.self) == 2)
            try held.query("ROLLBACK")
            #expect(try store.pool.query("SELECT \(ident: s).events_safe_position()").first!.decode(0, as: Int64.self) == eventsHead)
        }
    }

    /// The SQL function and its Swift twin in StoreMetrics agree; here the SQL side at the edges of the window.
    @Test func registeredAfterAtTheEdgesOfTheWindow() throws {
        try withStore { store, _ in
            let s = store.schema.name
            let m: Int64 = 1 << 32
            let cases: [(head: Int64, key: Int64, want: Int64)] = [
                (100, 97, 97), (100, 100, 100), (380, 381, 380), (m + 5, m - 3, m - 3), (3 * m + 7, 5, 3 * m + 5),
                (2 * m + 10, 12, 2 * m + 10), (m / 2, 1, 1), (m / 2 + 1, 1, m / 2 + 1), (m / 2, 0, m / 2),
            ]
            for c in cases {
                let got = try store.pool.query("SELECT \(ident: s).registered_after(\(c.head), \(c.key))").first!.decode(0, as: Int64.self)
                #expect(got == c.want, "head \(c.head) key \(c.key)")
            }
        }
    }
}
