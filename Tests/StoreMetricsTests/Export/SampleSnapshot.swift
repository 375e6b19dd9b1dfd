import Foundation

@testable import StoreMetrics

/// A made-up pair of snapshots with every panel filled (two tenants, both consumer sources, an outbox, a
/// blocker, a replica, a panel error), for tests that need no server.
enum SampleSnapshot {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000.25)

    static func backend(
        _ pid: Int32, _ app: String, _ state: String, at now: Date, xact: Double? = nil, xmin: Int64? = nil,
        wait: String? = nil, blocked: [Int32] = []
    ) -> Snapshot.Backend {
        Snapshot.Backend(
            pid: pid, applicationName: app, user: "app", state: state, waitEventType: wait, waitEvent: wait.map { _ in "relation" },
            queryStart: now.addingTimeInterval(-1.5), transactionStart: xact.map { now.addingTimeInterval(-$0) },
            stateChange: now.addingTimeInterval(-2), xminAge: xmin, blockedBy: blocked, query: "SELECT \(pid)")
    }

    static func cursor(
        _ tenant: String, _ name: String, source: String = "events", kind: String? = nil, position: Int64, head: Int64,
        connected: Bool, at now: Date
    ) -> Snapshot.Cursor {
        Snapshot.Cursor(
            tenant: tenant, name: name, source: source, kind: kind, position: position, head: head,
            lagEvents: max(0, head - position), lagPositions: max(0, head - position), lagSeconds: head > position ? 3.25 : 0,
            ownerApplication: "st:svc/consumer/\(tenant)",
            ownerHost: "h1", ownerPid: 77, ownerBackendPid: connected ? 301 : nil, ownerConnected: connected,
            heartbeatAt: now.addingTimeInterval(connected ? -1 : -600), movedAt: now.addingTimeInterval(-4))
    }

    /// The `i`-th reading (i = 0, 1): heads and positions grow between them.
    static func reading(_ i: Int) -> Snapshot {
        let now = t0.addingTimeInterval(Double(i) * 2)
        let step = Int64(i) * 10
        var s = Snapshot(takenAt: now)
        s.server = .init(
            version: "PostgreSQL 15.8", startedAt: t0.addingTimeInterval(-3600), connections: 7, maxConnections: 100,
            transactions: 5000 + step * 3, databaseBytes: 9_000_000, database: "shop", isStandby: false,
            replicas: [.init(name: "standby1", address: "10.0.0.2", state: "streaming", replayLagSeconds: 0.125)], now: now)
        let backends = [
            backend(101, "st:svc/events/alpha", "active", at: now, xact: 1.5),
            backend(102, "st:svc/kv/beta", "idle in transaction", at: now, xact: 30, xmin: 42),
            backend(103, "psql", "active", at: now, xact: 0.5, wait: "Lock", blocked: [102]),
        ]
        s.sessions = Collector.group(
            backends,
            blockers: [
                .init(
                    log: "events", pid: 102, registeredAfter: 95 + step, applicationName: nil,
                    state: nil, transactionSeconds: nil)
            ], now: now)
        s.pools = [
            Snapshot.Pool(
                host: "h1", pid: 77, startedAt: t0.addingTimeInterval(-600), applicationName: "st:svc/events/alpha",
                service: "svc", store: "events", tenant: "alpha", intervalMilliseconds: 5000, reportAgeSeconds: 1.5,
                size: 4, idle: 1, inUse: 3, waiting: 2, maxSize: 8, peakInUse: 6, acquisitionsTotal: 900 + step,
                timeoutsTotal: 3, connectionErrorsTotal: 1, acquireMeanMilliseconds: 0.75, acquireP99Milliseconds: 12.5, stale: false)
        ]
        s.streams = .init(
            headPosition: 120 + step, safePosition: 110 + step, lastWriteAt: now.addingTimeInterval(-0.5),
            tenants: [
                .init(tenant: "alpha", headPosition: 118 + step, events: 80 + step, streams: 4, lastWriteAt: now),
                .init(tenant: "beta", headPosition: 90, events: 30, streams: 2, lastWriteAt: t0),
            ],
            mostActive: [.init(tenant: "alpha", stream: "order-1", version: 12 + step, headPosition: 118 + step, updatedAt: now)])
        s.cursors = [
            cursor("alpha", "fast", position: 118 + step, head: 118 + step, connected: true, at: now),
            cursor("alpha", "slow", position: 50 + step / 2, head: 118 + step, connected: true, at: now),
            cursor("beta", "gone", position: 10, head: 90, connected: false, at: now),
            cursor("alpha", "shipper", source: "outbox", kind: "orders", position: 20, head: 40 + step, connected: true, at: now),
        ]
        s.outboxes = [
            .init(
                tenant: "alpha", kind: "orders", rows: 25 + step, headID: 40 + step, appendedTotal: 60 + step,
                oldestAt: now.addingTimeInterval(-90), oldestID: 16, slowestWatcher: "shipper", slowestWatcherPosition: 20,
                watchers: 1, safeToPruneEstimate: 5)
        ]
        s.bookmarks = [.init(tenant: "beta", key: "sync:b", updatedAt: t0.addingTimeInterval(-7200))]
        s.tenants = ["alpha", "beta", "gamma"]
        s.errors = [.init(panel: "pools", reason: "pools: statement timeout (canceling statement)", disabled: false)]
        s.foreign = foreign(now: now)
        s.replication = replication(now: now)
        s.statements = 10
        s.collectMilliseconds = 3.5
        return s
    }

    /// Both readings through a history: the second snapshot and what it derives.
    static func derived() -> (Snapshot, Derived) {
        var h = History()
        _ = h.add(reading(0))
        let s = reading(1)
        return (s, h.add(s))
    }
}

extension SampleSnapshot {
    /// One store of each kind that has figures of its own, every field set (for the goldens and the docs check).
    static func foreign(now: Date) -> [Snapshot.ForeignStore] {
        var f = Snapshot.ForeignStore(
            kind: .factstr, version: "0.5", schema: "public", tables: ["durable_stream_cursors", "events", "store_metadata"])
        f.head = "1200"; f.events = 1200; f.eventsExact = true; f.lastWriteAt = now.addingTimeInterval(-3)
        f.consumers = [
            .init(
                name: "projector", position: "1100", lagEvents: 40, lagCapped: false, lagPositions: 100, oldestUnhandledAgeSeconds: 95,
                sinceCheckpointSeconds: nil, status: "LAGGING", why: "40 events to handle, the oldest 95 s old")
        ]
        f.database = "shop"; f.writersWaiting = 1; f.appendRatePerSecond = 12.5
        f.batchSizeAvg = 3.5; f.batchSizeMax = 9; f.batchesSampled = 40
        var z = Snapshot.ForeignStore(kind: .zestor, version: "", schema: "app", tables: ["zestor_kv", "zestor_outbox"])
        z.outboxes = [.init(tenant: "7", kind: "orders", headID: 900, oldestID: 101, rows: 800, rowsExact: false, oldestAgeSeconds: 86_400)]
        z.listeners = 2
        z.database = "shop"; z.outboxes[0].rowsPerSecond = 0.5; z.notifyQueueUsage = 0.0625
        z.keys = [.init(tenant: "7", kind: "orders", keys: 10_000, exact: false)]
        z.warnings = ["a listener has been idle for 2 h while rows pile up"]
        var q = Snapshot.ForeignStore(kind: .faucet, version: "", schema: "cdc", tables: ["pipeline_state"], likely: true)
        q.bookmarks = [
            .init(key: "postgres-cdc:orders_slot", ageSeconds: 12, envelope: "bare", slot: "orders_slot", bytesBehind: 4096, slotActive: true)
        ]
        q.database = "shop"; q.bookmarks[0].slotExists = true; q.bookmarks[0].lastLSN = "0/16B3748"
        var e = Snapshot.ForeignStore(
            kind: .eventcore, version: "2", schema: "ledger", tables: ["_sqlx_migrations", "eventcore_events", "eventcore_subscription_versions"])
        e.database = "shop"; e.head = "01890a5d-ac96-774b-bcce-b302099a8057"; e.events = 5000; e.lastWriteAt = now.addingTimeInterval(-1)
        e.migrationVersion = 7; e.streamCount = 120; e.streamCountExact = true
        e.streams = [.init(name: "account-1", version: 42, events: 17)]
        var a = Snapshot.ForeignStore(kind: .axon, version: "", schema: "billing", tables: [])
        a.database = "shop"; a.listeners = 3
        a.namespaces = [.init(name: "", sessions: 1), .init(name: "acme", sessions: 2)]
        return [f, e, z, q, a]
    }

    /// One standby, an inactive slot past the rule and an active one, and a standby's receiver (a snapshot has either
    /// standbys or a receiver in practice; the sample shows every key).
    static func replication(now: Date) -> Snapshot.Replication {
        var r = Snapshot.Replication(
            standbys: [
                .init(
                    applicationName: "standby1", clientAddress: "10.0.0.2", state: "streaming", sentLSN: "0/5000148", writeLSN: "0/5000148",
                    flushLSN: "0/5000148", replayLSN: "0/5000000", lagBytes: 328, writeLagSeconds: 0.001, flushLagSeconds: 0.002,
                    replayLagSeconds: 0.125, syncState: "async")
            ],
            slots: [
                .init(
                    slotName: "cdc_orders", slotType: "logical", plugin: "pgoutput", database: "shop", active: false, retainedBytes: 2_147_483_648,
                    walStatus: "extended", safeWalSize: nil),
                .init(
                    slotName: "standby1", slotType: "physical", plugin: nil, database: nil, active: true, retainedBytes: 328, walStatus: "reserved",
                    safeWalSize: 1_073_741_824),
            ],
            receiver: .init(
                receiveLSN: "0/5000148", replayLSN: "0/5000000", receiveLagBytes: 328, replayLagSeconds: 0.5,
                lastReplayAt: now.addingTimeInterval(-0.5),
                replayPaused: false, conflicts: 0, status: "streaming", senderHost: "10.0.0.1"))
        r.warnings = ReplicationRules.standard.warnings(r)
        return r
    }
}
