import Foundation
import Testing

@testable import StoreMetrics

/// Lag status rules, window by window, from made-up snapshots (no server, injected time).
@Suite struct LagStatusTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    func snap(
        _ i: Int, position: Int64, head: Int64, connected: Bool = true, movedAt: Date? = nil, heartbeat: Date? = nil,
        lagSeconds: Double = 1, handled: Int64? = nil, waiting: Bool = false, blockers: [Snapshot.DeliveryBlocker] = []
    ) -> Snapshot {
        var s = Snapshot(takenAt: t0.addingTimeInterval(Double(i) * 5))
        let lag = max(0, head - position)
        s.cursors = [
            Snapshot.Cursor(
                tenant: "t", name: "c", source: "events", kind: nil, position: position, head: head,
                lagEvents: lag, lagPositions: lag, waitingAboveSafe: waiting, handledSincePrevious: handled,
                lagSeconds: lag > 0 ? lagSeconds : 0, ownerApplication: nil, ownerHost: nil,
                ownerPid: nil, ownerBackendPid: nil, ownerConnected: connected,
                heartbeatAt: heartbeat ?? s.takenAt, movedAt: movedAt ?? s.takenAt)
        ]
        s.streams = Snapshot.Streams(
            headPosition: head, safePosition: head, lastWriteAt: nil,
            tenants: [.init(tenant: "t", headPosition: head, events: head, streams: 1, lastWriteAt: nil)], mostActive: [])
        s.sessions = Snapshot.Sessions(groups: [], backends: [], xminHolder: nil, deliveryBlockers: blockers)
        return s
    }

    func run(_ snaps: [Snapshot], rules: LagRules = LagRules(window: 4, stallAfter: 10)) -> [Derived.CursorHealth] {
        var h = History(rules: rules)
        return snaps.map { h.add($0).cursors[Derived.CursorKey(tenant: "t", name: "c")]! }
    }

    @Test func caughtUpIsOK() {
        let r = run([snap(0, position: 10, head: 10), snap(1, position: 20, head: 20, handled: 10)])
        #expect(r.map(\.status) == [.ok, .ok])
        #expect(r[1].catchUpSeconds == 0)
        #expect(r[1].consumeRate == 2)  // 10 of its own rows handled in 5 s
        #expect(r[1].reason == "caught up")
    }

    @Test func behindButCatchingUpIsOKWithACatchUpTime() {
        let r = run([snap(0, position: 0, head: 100), snap(1, position: 50, head: 110), snap(2, position: 100, head: 120)])
        #expect(r.map(\.status) == [.ok, .ok, .ok])
        // the lag fell from 100 to 20 in 10 s (8 per s): 20 left take 2.5 s, in the unit of the lag
        #expect(r[2].catchUpSeconds == 2.5)
        #expect(r[2].reason == "catching up: 20 behind, oldest 1.0s")
    }

    @Test func laggingNeedsBothMinimums() {
        let r = run([
            snap(0, position: 0, head: 10, lagSeconds: 40), snap(1, position: 5, head: 30, lagSeconds: 45),
            snap(2, position: 10, head: 60, lagSeconds: 50),
        ])
        #expect(r.map(\.status) == [.lagging, .lagging, .lagging])
        #expect(r[2].reason == "50 behind, oldest 50s; lag 10 → 50")
        #expect(r[2].catchUpSeconds == nil)
        // noise: many rows but fresh, or old but few — not lagging
        #expect(run([snap(0, position: 0, head: 500, lagSeconds: 2)])[0].status == .ok)
        #expect(run([snap(0, position: 0, head: 3, lagSeconds: 300)])[0].status == .ok)
    }

    @Test func stalledOnTheFirstSnapshotFromTheStoredLastMove() {
        let r = run([snap(0, position: 5, head: 14, movedAt: t0.addingTimeInterval(-1200), lagSeconds: 1300)])
        #expect(r[0].status == .stalled)
        #expect(r[0].reason == "no progress for 20m00s while 9 behind (oldest 21m40s)")
        // idle for an hour, an event arrived 2 s ago: not stalled yet; once it has waited past the threshold, stalled
        #expect(run([snap(0, position: 5, head: 6, movedAt: t0.addingTimeInterval(-3600), lagSeconds: 2)])[0].status == .ok)
        #expect(run([snap(0, position: 5, head: 6, movedAt: t0.addingTimeInterval(-3600), lagSeconds: 12)])[0].status == .stalled)
    }

    @Test func notRunningAndBehindIsStopped() {
        let hb = t0.addingTimeInterval(-120)
        let r = run([snap(0, position: 5, head: 10, connected: false, heartbeat: hb)])
        #expect(r[0].status == .stopped)
        #expect(r[0].reason == "not running, 5 behind; last heartbeat 2m00s ago")
        let caughtUp = run([snap(0, position: 10, head: 10, connected: false, heartbeat: hb)])
        #expect(caughtUp[0].status == .ok)
        #expect(caughtUp[0].reason == "caught up; not running")
        // driven from SQL: no lock, but a heartbeat 5 s ago — running, so stalled when it does not move, never stopped
        let sql = run([
            snap(
                0, position: 5, head: 10, connected: false, movedAt: t0.addingTimeInterval(-60), heartbeat: t0.addingTimeInterval(-5), lagSeconds: 90)
        ])
        #expect(sql[0].status == .stalled)
        #expect(sql[0].reason.hasSuffix("no consumer lock held, heartbeat 5.0s ago"))
    }

    @Test func positionMovingBackIsRewoundForTheWindow() {
        let r = run([
            snap(0, position: 50, head: 60), snap(1, position: 10, head: 60), snap(2, position: 30, head: 60),
            snap(3, position: 60, head: 60), snap(4, position: 60, head: 60), snap(5, position: 60, head: 60),
        ])
        #expect(r.map(\.status) == [.ok, .rewound, .rewound, .rewound, .ok, .ok])
        #expect(r[1].reason == "position moved back from 50 to 10")
    }

    @Test func heldBackByALongTransactionSaysWho() {
        let blocker = Snapshot.DeliveryBlocker(
            log: "events", pid: 4242, registeredAfter: 9, applicationName: "st:x/y",
            state: "idle in transaction", transactionSeconds: 75)
        let r = run([snap(0, position: 9, head: 9, waiting: true, blockers: [blocker])])
        #expect(r[0].status == .ok)
        #expect(r[0].reason == "caught up; delivery held back by pid 4242 (transaction 1m15s)")
        // rows of its own wait above the hold only for this one: another caught-up consumer is just caught up
        #expect(run([snap(0, position: 9, head: 9, blockers: [blocker])])[0].reason == "caught up")
    }

    /// Read on a standby, an owner's lock (held on the primary) is invisible: the consumer is judged by what
    /// replicates, never STOPPED for a lock it cannot see; one that does not move is still STALLED.
    @Test func onAStandbyNoConsumerIsStoppedForALockOnThePrimary() {
        func standby(_ s: Snapshot) -> Snapshot {
            var s = s
            s.server = .init(
                version: "PostgreSQL 15", startedAt: t0, connections: 1, maxConnections: 10, transactions: 1, databaseBytes: 1,
                database: "d", isStandby: true, replicas: [], now: s.takenAt)
            return s
        }
        let old = t0.addingTimeInterval(-3600)
        let moving = run([
            standby(snap(0, position: 5, head: 10, connected: false, movedAt: t0.addingTimeInterval(-2), heartbeat: old, lagSeconds: 3))
        ])
        #expect(moving[0].status == .ok, "\(moving[0].reason)")
        #expect(moving[0].reason.hasSuffix("read on a standby: its owner's lock is on the primary"), "\(moving[0].reason)")
        let stuck = run([
            standby(snap(0, position: 5, head: 10, connected: false, movedAt: t0.addingTimeInterval(-1200), heartbeat: old, lagSeconds: 1300))
        ])
        #expect(stuck[0].status == .stalled, "\(stuck[0].reason)")
        // the same consumer read on the primary, with no lock and an old heartbeat, is STOPPED
        #expect(run([snap(0, position: 5, head: 10, connected: false, heartbeat: old)])[0].status == .stopped)
    }

    @Test func ratesFromHeadsAndCounters() {
        var a = snap(0, position: 0, head: 100)
        var b = snap(2, position: 0, head: 150)  // 10 s later
        a.server = .init(
            version: "PostgreSQL 15", startedAt: t0, connections: 1, maxConnections: 10, transactions: 1000, databaseBytes: 1,
            database: "d", isStandby: false, replicas: [], now: t0)
        b.server = a.server
        b.server!.transactions = 1500
        a.outboxes = [
            .init(
                tenant: "t", kind: "k", rows: 100, headID: 1, appendedTotal: 100, oldestAt: nil, oldestID: nil, slowestWatcher: nil,
                slowestWatcherPosition: nil, watchers: 0, safeToPruneEstimate: 0)
        ]
        b.outboxes = a.outboxes
        b.outboxes[0].rows = 80
        var h = History()
        _ = h.add(a)
        let d = h.add(b)
        #expect(d.appendRate == 5)
        #expect(d.transactionRate == 50)
        #expect(d.tenantAppendRate["t"] == 5)
        #expect(d.outboxGrowth[Derived.OutboxKey(tenant: "t", kind: "k")] == -2)
        #expect(d.appendRateHistory == [5])
    }

    @Test func formats() {
        #expect(Format.duration(3.24) == "3.2s")
        #expect(Format.duration(75) == "1m15s")
        #expect(Format.duration(7300) == "2h01m")
        #expect(Format.count(Double(12345)) == "12.3k")
        #expect(Format.count(Int64(999)) == "999")
        #expect(Format.bytes(5 * 1024 * 1024) == "5.0MB")
    }
}

@Suite struct SessionGroupingTests {
    @Test func groupsByParsedApplicationNameAndKeepsOthersApart() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        func b(_ pid: Int32, _ app: String, _ state: String, xact: Double? = nil, wait: String? = nil, xmin: Int64? = nil) -> Snapshot.Backend {
            .init(
                pid: pid, applicationName: app, user: "u", state: state, waitEventType: wait, waitEvent: nil, queryStart: now.addingTimeInterval(-2),
                transactionStart: xact.map { now.addingTimeInterval(-$0) }, stateChange: now.addingTimeInterval(-(xact ?? 0)), xminAge: xmin,
                blockedBy: [], query: "")
        }
        let s = Collector.group(
            [
                b(1, "st:orders/events/acme", "active", xact: 3), b(2, "st:orders/events/acme", "idle"),
                b(3, "st:orders/events/acme", "idle in transaction", xact: 40, xmin: 12),
                b(4, "psql", "active", wait: "Lock"), b(5, "", "idle"),
            ],
            blockers: [.init(log: "events", pid: 3, registeredAfter: 7, applicationName: nil, state: nil, transactionSeconds: nil)],
            now: now)
        #expect(s.groups.count == 3)
        let g = s.groups[0]
        #expect(g.service == "orders" && g.store == "events" && g.tenant == "acme" && !g.other)
        #expect((g.total, g.active, g.idle, g.idleInTransaction) == (3, 1, 1, 1))
        #expect(g.oldestTransactionSeconds == 40)
        #expect(g.longestIdleInTransactionSeconds == 40)
        #expect(s.groups[1].other && s.groups[1].service == "(no name)")
        #expect(s.groups[2].service == "psql" && s.groups[2].waiting == 1)
        #expect(s.xminHolder?.pid == 3)
        #expect(s.deliveryBlockers.first?.applicationName == "st:orders/events/acme")
        #expect(s.deliveryBlockers.first?.transactionSeconds == 40)
        // a view finds each group's backends, and who waits on whom, with one lookup
        let byGroup = s.backendsByGroup(database: nil)
        #expect(s.groups.map { byGroup[$0.key]?.count ?? 0 } == s.groups.map(\.total))
        #expect(s.waitersByBlocker.isEmpty, "nobody waits on a backend here")
    }

    @Test func otherDatabasesGroupApartAndViewsFindThem() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        func b(_ pid: Int32, _ app: String, _ db: String) -> Snapshot.Backend {
            .init(
                pid: pid, applicationName: app, user: "u", state: "idle", waitEventType: nil, waitEvent: nil, queryStart: nil,
                transactionStart: nil, stateChange: now, xminAge: 5, blockedBy: pid == 3 ? [1] : [], query: "", database: db)
        }
        var s = SessionGroups.group(
            [b(1, "st:orders/events/acme", "shop"), b(2, "st:orders/events/acme", "other"), b(3, "psql", "shop")], blockers: [], now: now,
            database: "shop")
        s.allDatabases = true
        #expect(s.groups.map(\.key).sorted() == ["other:[other] st:orders/events/acme", "other:psql", "st:orders/events/acme"])
        #expect(s.xminHolder?.pid == 1, "a session of another database never holds this one's horizon")
        let byGroup = s.backendsByGroup(database: "shop")
        let found: [[Int32]] = s.groups.map { g in (byGroup[g.key] ?? []).map(\.pid) }
        #expect(found.sorted { ($0.first ?? 0) < ($1.first ?? 0) } == [[1], [2], [3]])
        #expect(s.waitersByBlocker == [1: [3]])
    }
}
