import Foundation

/// One row per tenant, aggregating every panel (the Overview and the tenant drill-in).
public struct TenantSummary: Sendable, Equatable {
    /// The tenant.
    public var tenant: String
    /// Sessions of the tenant (StoreAccess application names that name it).
    public var sessions: Int
    /// Pools reporting for the tenant.
    public var pools: Int
    /// Events of the tenant (up to the safe position).
    public var events: Int64
    /// Events appended per second (nil before two snapshots).
    public var appendRate: Double?
    /// The largest lag among its consumers, in their own rows (see `Snapshot.Cursor.lagEvents`).
    public var worstLagEvents: Int64
    /// That largest lag reached the count's cap (at least `worstLagEvents`).
    public var worstLagCapped: Bool = false
    /// Its consumers whose lag this snapshot did not count (`Snapshot.Cursor.lagEvents` nil): `worstLagEvents` is
    /// the largest of the others, and the Overview marks it "?".
    public var lagsNotCounted: Int = 0
    /// The largest lag in seconds among its consumers.
    public var worstLagSeconds: Double
    /// The worst status among its consumers (`severity` orders them).
    public var worstStatus: LagStatus
    /// The consumer with the worst status (the larger lag on a tie).
    public var worstConsumer: String?
    /// Rows in its outboxes.
    public var outboxRows: Int64
    /// Age in seconds of its oldest outbox row.
    public var oldestOutboxAge: Double?
    /// Its bookmarks.
    public var bookmarks: Int
    /// Events its consumers parked (schema version 9; replays still pending included).
    public var parked: Int64 = 0

    /// Order of badness, for "worst" (a pause is asked for by a person: as bad as lagging, not an alarm).
    public static let severity: [LagStatus: Int] = [.ok: 0, .lagging: 1, .paused: 1, .rewound: 2, .stalled: 3, .stopped: 4]

    /// The per-tenant rows of `s`: the ones `History.add` built once for it when `d` came from there, else built
    /// now. Callers that render every frame use this rather than `build`.
    public static func rows(for s: Snapshot, derived d: Derived?) -> [TenantSummary] {
        d?.tenantSummary(for: s) ?? build(s, nil)
    }

    /// The tenants `build` has a row for, sorted: the store's, and those its sessions name (the tenant picker needs
    /// only these, not the whole summary).
    public static func tenants(of s: Snapshot) -> [String] {
        var names = Set(s.tenants)
        for g in s.sessions?.groups ?? [] where !g.other {
            if let t = g.tenant { names.insert(t) }
        }
        return names.sorted()
    }

    /// Builds the per-tenant rows from a snapshot (and its derivations). Groups every panel by tenant once, so
    /// the cost is linear in rows (a dashboard calls this on every frame). Prefer `Derived.tenantSummary(for:)`, which `History.add` built once.
    public static func build(_ s: Snapshot, _ d: Derived?) -> [TenantSummary] {
        let names = tenants(of: s)
        let groups = Dictionary(grouping: s.sessions?.groups.filter { $0.tenant != nil && !$0.other } ?? [], by: { $0.tenant! })
        let pools = Dictionary(grouping: s.pools, by: \.tenant)
        let cursors = Dictionary(grouping: s.cursors, by: \.tenant)
        let outboxes = Dictionary(grouping: s.outboxes, by: \.tenant)
        let bookmarks = Dictionary(grouping: s.bookmarks, by: \.tenant)
        let heads = Dictionary(s.streams?.tenants.map { ($0.tenant, $0.events) } ?? [], uniquingKeysWith: { a, _ in a })
        var out: [TenantSummary] = []
        out.reserveCapacity(names.count)
        for t in names {
            var row = TenantSummary(
                tenant: t, sessions: 0, pools: 0, events: 0, appendRate: d?.tenantAppendRate[t], worstLagEvents: 0,
                worstLagSeconds: 0, worstStatus: .ok, worstConsumer: nil, outboxRows: 0, oldestOutboxAge: nil, bookmarks: 0)
            row.sessions = groups[t]?.reduce(0) { $0 + $1.total } ?? 0
            row.pools = pools[t]?.count ?? 0
            row.events = heads[t] ?? 0
            // the lag of the consumer named worst so far (not the tenant's largest: that may be a better status's)
            var namedLag: Int64 = 0
            for c in cursors[t] ?? [] {
                let st = d?.cursors[Derived.CursorKey(tenant: t, name: c.name)]?.status ?? (c.lagEvents != 0 && !c.ownerConnected ? .stopped : .ok)
                // a lag not counted this snapshot takes part in no comparison of lags, and is counted apart
                let lag = c.lagEvents ?? -1
                if c.lagEvents == nil { row.lagsNotCounted += 1 }
                if severity[st]! > severity[row.worstStatus]! || (st == row.worstStatus && lag > namedLag) {
                    row.worstStatus = st
                    row.worstConsumer = c.name
                    namedLag = lag
                }
                if lag > row.worstLagEvents || (lag == row.worstLagEvents && c.lagCapped) {
                    row.worstLagCapped = c.lagCapped
                }
                row.worstLagEvents = max(row.worstLagEvents, lag)
                row.parked += c.parked
                row.worstLagSeconds = max(row.worstLagSeconds, c.lagSeconds)
            }
            for o in outboxes[t] ?? [] {
                row.outboxRows += o.rows
                if let at = o.oldestAt, o.rows > 0 { row.oldestOutboxAge = max(row.oldestOutboxAge ?? 0, s.clock.timeIntervalSince(at)) }
            }
            row.bookmarks = bookmarks[t]?.count ?? 0
            out.append(row)
        }
        return out
    }
}
