import Foundation
import StoreAccess

/// Keeps recent snapshots and derives `Derived` from them. Pure: time comes from the snapshots' `takenAt`,
/// so tests drive it with made-up snapshots and no server.
public struct History: Sendable {
    /// The most recent snapshots (enough for the lag window).
    public private(set) var snapshots: [Snapshot] = []
    /// Each kept snapshot's cursors by key (so the window costs O(cursors), not O(cursors²)).
    private var cursorIndex: [[CursorKey: Snapshot.Cursor]] = []
    /// Per consumer: its last position and since when it has had it.
    private var positionSince: [CursorKey: (position: Int64, since: Date)] = [:]
    /// How many rates the sparklines keep.
    public let capacity: Int
    /// The lag status thresholds.
    public var rules: LagRules
    /// The store the consumers belong to, as `ConsumerThreshold.store` globs match it: `storeaccess:<schema>`.
    public var store = "storeaccess:\(StoreSchema.defaultName)"
    private var appendHistory: [Double] = []
    private var tenantHistory: [String: [Double]] = [:]
    /// The last minute of wait counts and pg_stat_statements reads (`Derived.waits`, `Derived.topQueries`).
    private var minute = MinuteWindow()

    /// The rates kept by default: the widest sparkline any view draws (Streams' "RATE (last 20)"). Keeping no more
    /// than is drawn also bounds what a past moment's warm-up reads (`TimeMachine.warmup`).
    public static let sparklineCapacity = 20

    /// An empty history keeping `capacity` rates for the sparklines and judging consumers by `rules`.
    public init(capacity: Int = History.sparklineCapacity, rules: LagRules = LagRules()) {
        self.capacity = max(2, capacity)
        self.rules = rules
    }

    /// Adds a snapshot and returns what can now be derived (with the snapshot's tenant summary, built once).
    public mutating func add(_ s: Snapshot) -> Derived {
        remember(s)
        var d = Derived()
        if snapshots.count >= 2 {
            rates(into: &d, now: s, previous: snapshots[snapshots.count - 2])
            let start = max(0, snapshots.count - rules.window)
            for c in s.cursors {
                var samples: [(Date, Snapshot.Cursor)] = []
                for i in start..<snapshots.count { if let x = cursorIndex[i][c.key] { samples.append((snapshots[i].takenAt, x)) } }
                d.cursors[c.key] = health(c, samples: samples, snapshot: s, stillSince: positionSince[c.key]?.since)
            }
        } else {
            d.cursors = Dictionary(uniqueKeysWithValues: s.cursors.map { ($0.key, health($0, samples: [(s.takenAt, $0)], snapshot: s)) })
        }
        minute.add(s, into: &d)
        d.summary = (s.takenAt, TenantSummary.build(s, d))
        return d
    }

    /// Adds a snapshot whose derivations nobody will read (a past moment's warm-up): the kept state (window,
    /// positions, sparkline rates) moves exactly as `add` moves it, without building statuses and the tenant summary.
    public mutating func warm(_ s: Snapshot) {
        remember(s)
        var minuteScratch = Derived()
        minute.add(s, into: &minuteScratch)
        guard snapshots.count >= 2 else { return }
        var scratch = Derived()
        rates(into: &scratch, now: s, previous: snapshots[snapshots.count - 2])
    }

    /// Keeps `s` (and its cursors by key) within the window and notes which positions changed.
    private mutating func remember(_ s: Snapshot) {
        snapshots.append(s)
        var index: [CursorKey: Snapshot.Cursor] = [:]
        index.reserveCapacity(s.cursors.count)
        for c in s.cursors { index[c.key] = c }
        cursorIndex.append(index)
        let keep = max(2, rules.window)
        if snapshots.count > keep {
            snapshots.removeFirst(snapshots.count - keep)
            cursorIndex.removeFirst(cursorIndex.count - keep)
        }
        for (k, c) in index where positionSince[k]?.position != c.position {
            positionSince[k] = (c.position, s.takenAt)
        }
        if positionSince.count > index.count * 2 { positionSince = positionSince.filter { index[$0.key] != nil } }
    }

    /// Append, transaction and outbox rates between two snapshots, and the sparkline histories.
    private mutating func rates(into d: inout Derived, now s: Snapshot, previous prev: Snapshot) {
        let dt = s.takenAt.timeIntervalSince(prev.takenAt)
        if dt > 0 {
            if let a = s.streams, let b = prev.streams {
                // committed events, delivered or waiting behind an open transaction: the global rate is their sum
                let before = Dictionary(b.tenants.map { ($0.tenant, $0.committedEvents) }, uniquingKeysWith: { x, _ in x })
                var total = 0.0
                for t in a.tenants {
                    let rate = Double(max(0, t.committedEvents - (before[t.tenant] ?? t.committedEvents))) / dt
                    d.tenantAppendRate[t.tenant] = rate
                    total += rate
                }
                d.appendRate = total
            }
            if let a = s.server, let b = prev.server { d.transactionRate = Double(max(0, a.transactions - b.transactions)) / dt }
            let before = Dictionary(prev.outboxes.map { ($0.key, $0.rows) }, uniquingKeysWith: { x, _ in x })
            for o in s.outboxes {
                if let r = before[o.key] { d.outboxGrowth[o.key] = Double(o.rows - r) / dt }
            }
        }
        if let r = d.appendRate { appendHistory.append(r); if appendHistory.count > capacity { appendHistory.removeFirst() } }
        for (t, r) in d.tenantAppendRate {
            tenantHistory[t, default: []].append(r)
            if tenantHistory[t]!.count > capacity { tenantHistory[t]!.removeFirst() }
        }
        d.appendRateHistory = appendHistory
        d.tenantAppendRateHistory = tenantHistory
    }

    /// The status of one consumer by `rules` (`LagRules.health`).
    func health(_ c: Snapshot.Cursor, samples: [(Date, Snapshot.Cursor)], snapshot: Snapshot, stillSince: Date? = nil) -> Derived.CursorHealth {
        rules.resolved(store: store, tenant: c.tenant, consumer: c.name)
            .health(c, samples: samples, snapshot: snapshot, stillSince: stillSince)
    }
}
