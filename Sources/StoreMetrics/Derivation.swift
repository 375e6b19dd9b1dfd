import Foundation

/// A consumer's health, by rules like Burrow's, over a sliding window of snapshots.
public enum LagStatus: String, Sendable, Codable, Equatable, CaseIterable {
    /// Caught up, or catching up.
    case ok
    /// Behind and falling further behind over the window.
    case lagging
    /// Connected (its owner holds the consumer lock) but its position has not moved over the window while behind.
    case stalled
    /// Behind and no process runs it (nobody holds its consumer lock).
    case stopped
    /// Its position moved backwards.
    case rewound
}

/// Thresholds for `LagStatus`.
public struct LagRules: Sendable, Equatable {
    /// Snapshots considered (the most recent ones).
    public var window = 5
    /// A position unchanged for at least this long (and over the whole window) while behind is a stall.
    public var stallAfter: TimeInterval = 10
    public init(window: Int = 5, stallAfter: TimeInterval = 10) {
        self.window = window
        self.stallAfter = stallAfter
    }
}

/// What two or more snapshots say that one cannot: rates, statuses, catch-up times, sparkline histories.
public struct Derived: Sendable, Equatable {
    public struct CursorKey: Hashable, Sendable, Codable {
        public let tenant: String
        public let name: String
        public init(tenant: String, name: String) { self.tenant = tenant; self.name = name }
    }
    public struct OutboxKey: Hashable, Sendable, Codable {
        public let tenant: String
        public let kind: String
        public init(tenant: String, kind: String) { self.tenant = tenant; self.kind = kind }
    }

    public struct CursorHealth: Sendable, Equatable {
        public var status: LagStatus
        /// Why, in words (e.g. "no progress for 42 s while 1200 behind"; "delivery held back by pid 123").
        public var reason: String
        /// Positions per second handled.
        public var consumeRate: Double?
        /// Seconds to catch up at the current rates (nil: not catching up).
        public var catchUpSeconds: Double?
    }

    /// Global events appended per second (from the head position).
    public var appendRate: Double?
    /// Transactions per second in this database.
    public var transactionRate: Double?
    /// Events appended per second, per tenant.
    public var tenantAppendRate: [String: Double] = [:]
    /// Recent global append rates, oldest first (for a sparkline).
    public var appendRateHistory: [Double] = []
    /// Recent append rates per tenant, oldest first.
    public var tenantAppendRateHistory: [String: [Double]] = [:]
    public var cursors: [CursorKey: CursorHealth] = [:]
    /// Outbox rows per second (growth; negative while pruning).
    public var outboxGrowth: [OutboxKey: Double] = [:]
    public init() {}
}

/// Keeps recent snapshots and derives `Derived` from them. Pure: time comes from the snapshots' `takenAt`,
/// so tests drive it with made-up snapshots and no server.
public struct History: Sendable {
    /// The most recent snapshots (enough for the lag window).
    public private(set) var snapshots: [Snapshot] = []
    /// Each kept snapshot's cursors by key (so the window costs O(cursors), not O(cursors²)).
    private var cursorIndex: [[Derived.CursorKey: Snapshot.Cursor]] = []
    /// Per consumer: its last position and since when it has had it.
    private var positionSince: [Derived.CursorKey: (position: Int64, since: Date)] = [:]
    /// How many rates the sparklines keep.
    public let capacity: Int
    public var rules: LagRules
    private var appendHistory: [Double] = []
    private var tenantHistory: [String: [Double]] = [:]

    public init(capacity: Int = 120, rules: LagRules = LagRules()) {
        self.capacity = max(2, capacity)
        self.rules = rules
    }

    /// Adds a snapshot and returns what can now be derived.
    public mutating func add(_ s: Snapshot) -> Derived {
        snapshots.append(s)
        var index: [Derived.CursorKey: Snapshot.Cursor] = [:]
        index.reserveCapacity(s.cursors.count)
        for c in s.cursors { index[Derived.CursorKey(tenant: c.tenant, name: c.name)] = c }
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
        var d = Derived()
        guard snapshots.count >= 2 else {
            d.cursors = Dictionary(uniqueKeysWithValues: s.cursors.map { (Derived.CursorKey(tenant: $0.tenant, name: $0.name), health($0, samples: [(s.takenAt, $0)], snapshot: s)) })
            return d
        }
        let prev = snapshots[snapshots.count - 2]
        let dt = s.takenAt.timeIntervalSince(prev.takenAt)
        if dt > 0 {
            if let a = s.streams, let b = prev.streams {
                d.appendRate = Double(max(0, a.headPosition - b.headPosition)) / dt
                let before = Dictionary(b.tenants.map { ($0.tenant, $0.events) }, uniquingKeysWith: { x, _ in x })
                for t in a.tenants { d.tenantAppendRate[t.tenant] = Double(max(0, t.events - (before[t.tenant] ?? t.events))) / dt }
            }
            if let a = s.server, let b = prev.server { d.transactionRate = Double(max(0, a.transactions - b.transactions)) / dt }
            let before = Dictionary(prev.outboxes.map { (Derived.OutboxKey(tenant: $0.tenant, kind: $0.kind), $0.rows) }, uniquingKeysWith: { x, _ in x })
            for o in s.outboxes {
                let k = Derived.OutboxKey(tenant: o.tenant, kind: o.kind)
                if let r = before[k] { d.outboxGrowth[k] = Double(o.rows - r) / dt }
            }
        }
        if let r = d.appendRate { appendHistory.append(r); if appendHistory.count > capacity { appendHistory.removeFirst() } }
        for (t, r) in d.tenantAppendRate {
            tenantHistory[t, default: []].append(r)
            if tenantHistory[t]!.count > capacity { tenantHistory[t]!.removeFirst() }
        }
        d.appendRateHistory = appendHistory
        d.tenantAppendRateHistory = tenantHistory
        let start = max(0, snapshots.count - rules.window)
        for c in s.cursors {
            let key = Derived.CursorKey(tenant: c.tenant, name: c.name)
            var samples: [(Date, Snapshot.Cursor)] = []
            for i in start..<snapshots.count { if let x = cursorIndex[i][key] { samples.append((snapshots[i].takenAt, x)) } }
            d.cursors[key] = health(c, samples: samples, snapshot: s, stillSince: positionSince[key]?.since)
        }
        return d
    }

    /// The status of one consumer from its samples in the window (oldest first), per the rules in `LagStatus`.
    /// `stillSince`: the earliest snapshot since which the position has not changed.
    func health(_ c: Snapshot.Cursor, samples: [(Date, Snapshot.Cursor)], snapshot: Snapshot, stillSince: Date? = nil) -> Derived.CursorHealth {
        var consume: Double?, headRate: Double?
        if let first = samples.first, let last = samples.last, last.0 > first.0 {
            let dt = last.0.timeIntervalSince(first.0)
            consume = Double(last.1.position - first.1.position) / dt
            headRate = Double(last.1.head - first.1.head) / dt
        }
        var catchUp: Double?
        if c.lagEvents == 0 { catchUp = 0 } else if let cr = consume, let hr = headRate, cr > hr { catchUp = Double(c.lagEvents) / (cr - hr) }
        func h(_ s: LagStatus, _ why: String) -> Derived.CursorHealth {
            .init(status: s, reason: why, consumeRate: consume.map { max(0, $0) }, catchUpSeconds: catchUp)
        }
        // 1. rewound: a step backwards inside the window
        for (a, b) in zip(samples, samples.dropFirst()) where b.1.position < a.1.position {
            return h(.rewound, "position moved back from \(a.1.position) to \(b.1.position)")
        }
        // delivery held back by an in-flight writer: the consumer is not the slow one
        var held = ""
        if c.lagEvents > 0, let st = snapshot.streams, c.source == "events", c.position >= st.safePosition,
           let b = snapshot.sessions?.deliveryBlockers.first(where: { $0.log == "events" }) {
            held = "delivery held back by pid \(b.pid)" + (b.transactionSeconds.map { " (transaction open \(Format.duration($0)))" } ?? "")
        } else if c.lagEvents > 0, c.source == "outbox", let b = snapshot.sessions?.deliveryBlockers.first(where: { $0.log == "outbox" }),
                  c.position >= b.registeredAfter {
            held = "delivery held back by pid \(b.pid)" + (b.transactionSeconds.map { " (transaction open \(Format.duration($0)))" } ?? "")
        }
        if c.lagEvents == 0 { return h(.ok, c.ownerConnected ? "caught up" : "caught up; not running") }
        // 2. stopped: behind and nobody runs it
        if !c.ownerConnected {
            let since = c.heartbeatAt.map { "last heartbeat \(Format.duration(snapshot.takenAt.timeIntervalSince($0))) ago" } ?? "never ran"
            return h(.stopped, "not running, \(c.lagEvents) behind; \(since)")
        }
        // 3. stalled: connected, not moving over the whole window, for long enough
        if let first = samples.first, samples.count >= 2, samples.allSatisfy({ $0.1.position == first.1.position }) {
            // movedAt is when it last recorded progress; a consumer that never did is still since the history began
            let still = snapshot.takenAt.timeIntervalSince(c.movedAt ?? stillSince ?? first.0)
            if still >= rules.stallAfter {
                return h(.stalled, held.isEmpty ? "no progress for \(Format.duration(still)) while \(c.lagEvents) behind" : held)
            }
        }
        // 4. lagging: lag grew at every step of the window
        let lags = samples.map { $0.1.lagEvents }
        if lags.count >= 2, zip(lags, lags.dropFirst()).allSatisfy({ $1 >= $0 }), lags.last! > lags.first! {
            return h(.lagging, held.isEmpty ? "falling behind: lag \(lags.first!) → \(lags.last!)" : held)
        }
        return h(.ok, held.isEmpty ? "catching up" : held)
    }
}

/// Number and duration formatting shared by the exporters and the dashboard.
public enum Format {
    /// 0.4 s, 12 s, 3m05s, 2h14m, 3d4h.
    public static func duration(_ s: Double) -> String {
        if s.isNaN || s < 0 { return "-" }
        if s < 10 { return String(format: "%.1fs", s) }
        let t = Int(s.rounded())
        if t < 60 { return "\(t)s" }
        if t < 3600 { return String(format: "%dm%02ds", t / 60, t % 60) }
        if t < 86400 { return String(format: "%dh%02dm", t / 3600, t % 3600 / 60) }
        return String(format: "%dd%dh", t / 86400, t % 86400 / 3600)
    }

    /// 950, 12.3k, 4.5M, 1.2G.
    public static func count(_ v: Double) -> String {
        let a = abs(v)
        if a < 1000 { return a == a.rounded() ? String(Int(v)) : String(format: "%.1f", v) }
        if a < 1_000_000 { return String(format: "%.1fk", v / 1000) }
        if a < 1_000_000_000 { return String(format: "%.1fM", v / 1_000_000) }
        return String(format: "%.1fG", v / 1_000_000_000)
    }

    public static func count(_ v: Int64) -> String { count(Double(v)) }

    /// 512B, 3.4MB, 12.0GB.
    public static func bytes(_ v: Int64) -> String {
        let d = Double(v)
        if d < 1024 { return "\(v)B" }
        if d < 1024 * 1024 { return String(format: "%.1fkB", d / 1024) }
        if d < 1024 * 1024 * 1024 { return String(format: "%.1fMB", d / 1024 / 1024) }
        return String(format: "%.1fGB", d / 1024 / 1024 / 1024)
    }
}
