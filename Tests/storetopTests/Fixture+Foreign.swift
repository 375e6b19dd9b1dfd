import Foundation

@testable import StoreMetrics
@testable import StoreTopUI

/// The shop of `Fixture` with a store of every other library beside it (issue 18): a factstr log with a stalled
/// cursor, an eventcore 2 log with a lagging subscription, zestor outboxes in two namespaces, faucet bookmarks (one
/// on a missing slot) and axon sessions in two namespaces, grouped by the real session grouping.
extension Fixture {
    typealias Foreign = Snapshot.ForeignStore

    static func foreignSnapshot() -> Snapshot {
        var s = snapshot(2)
        let at = s.takenAt
        var backends = s.sessions?.backends ?? []
        for (pid, app, state) in [
            (201, "axon-store/shop/acme", "idle"), (202, "axon-store/shop/acme", "idle in transaction"), (203, "axon-store/shop/beta", "active"),
        ] {
            backends.append(
                .init(
                    pid: Int32(pid), applicationName: app, user: "axon", state: state, waitEventType: nil, waitEvent: nil,
                    queryStart: at.addingTimeInterval(-3), transactionStart: state == "idle" ? nil : at.addingTimeInterval(-90),
                    stateChange: at.addingTimeInterval(-90), xminAge: nil, blockedBy: [], query: "SELECT v FROM kv WHERE k = $1"))
        }
        s.sessions = Collector.group(backends, blockers: s.sessions?.deliveryBlockers ?? [], now: at)
        s.foreign = [factstr(at), eventcore(at), zestor(), faucet()] + AxonSessions.stores(from: s.sessions!, now: at)
        return s
    }

    static func foreignModel() -> Model {
        var m = model()
        m.snapshot = foreignSnapshot()
        m.schema = "storeaccess"
        return m
    }

    static func factstr(_ at: Date) -> Foreign {
        var f = Foreign(kind: .factstr, version: "0.5", schema: "public", tables: ["append_batches", "events", "durable_stream_cursors"])
        (f.head, f.events, f.eventsExact, f.lastWriteAt) = ("12040", 12040, true, at.addingTimeInterval(-1))
        f.appendRatePerSecond = 12.5
        f.consumers = [
            .init(
                name: "projector", position: "12040", lagEvents: 0, lagCapped: false, lagPositions: 0, oldestUnhandledAgeSeconds: nil,
                sinceCheckpointSeconds: nil, status: "OK", why: "caught up"),
            .init(
                name: "mailer", position: "11700", lagEvents: 212, lagCapped: false, lagPositions: 340, oldestUnhandledAgeSeconds: 930,
                sinceCheckpointSeconds: nil, status: "STALLED", why: "no move for 15m while 212 events wait (factstr records no progress time)"),
        ]
        return f
    }

    static func eventcore(_ at: Date) -> Foreign {
        var f = Foreign(kind: .eventcore, version: "2", schema: "ledger", tables: ["eventcore_events", "eventcore_subscription_versions"])
        (f.head, f.events, f.eventsExact, f.lastWriteAt) = ("019a4c1e-7b2d-7c11-9a3b-5f0e2d1c4b3a", 48_000, false, at.addingTimeInterval(-4))
        (f.streamCount, f.streamCountExact) = (9_990, false)
        f.consumers = [
            .init(
                name: "balances", position: "019a4c1e-6a00-7000-8000-000000000000", lagEvents: 10_000, lagCapped: true, lagPositions: nil,
                oldestUnhandledAgeSeconds: 75, sinceCheckpointSeconds: 2, leaderConnected: true, status: "LAGGING", why: "10k+ events behind, moving")
        ]
        return f
    }

    static func zestor() -> Foreign {
        var f = Foreign(kind: .zestor, version: "", schema: "app", tables: ["zestor_kv", "zestor_outbox"])
        f.listeners = 1
        f.outboxes = [
            .init(
                tenant: "acme", kind: "order", headID: 90_500, oldestID: 500, rows: 90_001, rowsExact: true, oldestAgeSeconds: 7_300,
                rowsPerSecond: 3.5),
            .init(tenant: "beta", kind: "invoice", headID: 91_000, oldestID: 1_000, rows: 90_001, rowsExact: false, oldestAgeSeconds: 120),
        ]
        f.warnings = ["a listener has been idle for 2h while acme/order rows pile up"]
        return f
    }

    static func faucet() -> Foreign {
        var f = Foreign(kind: .faucet, version: "1", schema: "public", tables: ["faucet_state"])
        f.bookmarks = [
            .init(
                key: "postgres-cdc:orders_slot", ageSeconds: 40, envelope: "exactly_once seq=17", slot: "orders_slot", bytesBehind: 3_145_728,
                slotActive: nil),
            .init(key: "s3:archive", ageSeconds: 5, envelope: "bare", slot: nil, bytesBehind: nil, slotActive: nil),
        ]
        f.warnings = ["bookmark postgres-cdc:orders_slot names slot orders_slot, which does not exist"]
        return f
    }
}
