import Foundation

/// What an event consumer's recorded filter means for counting its lag, as `event_matches` reads the filter: a JSON
/// array of filters, OR-ed; a filter's "types" (absent: any type) AND its "payload" predicates (absent or empty:
/// any payload). Counting uses the `(tenant, type, position)` index when every filter lists its types, and checks
/// payload predicates with `event_matches` itself, so the count is the store's own notion of "matching".
struct LagFilter: Sendable, Equatable {
    /// The event types to count (sorted, distinct); nil: any type.
    var types: [String]?
    /// The whole filter (JSON text) when some filter has payload predicates; nil: none.
    var query: String?

    /// Every event matches.
    static let all = LagFilter(types: nil, query: nil)

    /// The filter of a consumer as recorded (`cursors.filter`); nil, an object or an empty array: every event.
    init(recorded text: String?) {
        guard let text, let data = text.data(using: .utf8),
            let filters = (try? JSONSerialization.jsonObject(with: data)) as? [Any], !filters.isEmpty
        else {
            self = .all
            return
        }
        var types: Set<String>? = []
        var payload = false
        for case let f as [String: Any] in filters {
            if let p = f["payload"] as? [Any], !p.isEmpty { payload = true }
            if let t = f["types"] as? [Any] { types?.formUnion(t.compactMap { $0 as? String }) } else { types = nil }
        }
        if filters.contains(where: { !($0 is [String: Any]) }) { types = nil }
        if !payload && types == nil {
            self = .all
            return
        }
        self.init(types: types.map { $0.sorted() }, query: payload ? text : nil)
    }

    init(types: [String]?, query: String?) {
        self.types = types
        self.query = query
    }

    /// `types` as the JSON array text the statement unpacks; nil for any type.
    var typesJSON: String? {
        guard let types else { return nil }
        let data = try? JSONSerialization.data(withJSONObject: types)
        return data.flatMap { String(data: $0, encoding: .utf8) } ?? "[]"
    }
}

/// One count the lag statement makes: rows of a consumer's own in (`low`, `high`] — events of `tenant` (of `type`
/// when set; matching `query` with `event_matches` when set), or outbox rows of `tenant` and `kind` — counting at
/// most `cap`. One type per range, so every count is an index-only range scan of `(tenant, position)` or `(tenant,
/// type, position)`; a consumer filtered by several types has one range per type.
struct LagRange: Sendable, Hashable {
    /// `e` (events) or `w` (outbox rows of `kind`).
    var source: String
    var tenant: String
    var kind: String?
    var type: String?
    var query: String?
    var low: Int64
    var high: Int64
    var cap: Int64
}

/// A consumer's lag as last counted: valid while its filter and (for a watcher) the outbox's pruned count stay
/// the same; it moves with the consumer's position and the deliverable position by counting only what changed.
struct LagCarry: Sendable, Equatable {
    var position: Int64
    /// The deliverable position it was counted up to.
    var high: Int64
    var lag: Int64
    var capped: Bool
    var filter: LagFilter
    var pruned: Int64
    /// The cap it was counted under (`LagPlanner.cap` or `capAtScale`): a count under another cap is not carried.
    var cap: Int64 = LagPlanner.cap
}

/// A consumer's lag in its own rows, planned without I/O (`LagPlanner`) and completed by `LagPanel`'s counts.
struct LagPlan: Sendable {
    /// How each consumer's lag follows from the counts: `base − handled + arrived` (indices into `ranges`).
    struct Entry: Sendable {
        var carry: LagCarry
        var handled: [Int] = []
        var arrived: [Int] = []
        /// Counts with cap 1: does a row of its own wait above the deliverable position?
        var waiting: [Int] = []
        /// The lag follows from the previous count (so `handled` is what it handled since then).
        var incremental = false
        /// The count carried from the previous snapshot, kept as it was when this snapshot's counts for the
        /// consumer were not all made (the next snapshot then plans the same counts again).
        var previous: LagCarry? = nil
        /// The position gap it was planned at (full counts run the widest first).
        var gap: Int64 = 0
    }

    /// Distinct ranges (consumers of one tenant and filter share their "arrived" range).
    var ranges: [LagRange] = []
    var index: [LagRange: Int] = [:]
    var entries: [CursorKey: Entry] = [:]

    /// The index of `r` in `ranges`, adding it once.
    mutating func add(_ r: LagRange) -> Int {
        if let i = index[r] { return i }
        ranges.append(r)
        index[r] = ranges.count - 1
        return ranges.count - 1
    }

    /// The lag and held-back flag of each consumer once `counts` (one per range) are known; the carry for the next
    /// snapshot.
    func resolve(_ counts: [Int64]) -> (lags: [CursorKey: ConsumerLag], carry: [CursorKey: LagCarry]) {
        resolve(counts.map { Optional($0) })
    }

    /// The same when some counts were not made (nil: the refresh's lag budget ran out first). A consumer with a
    /// count missing has no lag this snapshot (it is shown "lag not counted", never a figure from elsewhere), and
    /// keeps the carry it came with.
    func resolve(_ counts: [Int64?]) -> (lags: [CursorKey: ConsumerLag], carry: [CursorKey: LagCarry]) {
        var lags: [CursorKey: ConsumerLag] = [:], carry: [CursorKey: LagCarry] = [:]
        for (key, e) in entries {
            let all = e.handled + e.arrived
            guard all.allSatisfy({ counts[$0] != nil }) else {
                if let previous = e.previous { carry[key] = previous }
                continue
            }
            var c = e.carry
            let handled = e.handled.reduce(Int64(0)) { $0 + counts[$1]! }
            let arrived = e.arrived.reduce(Int64(0)) { $0 + counts[$1]! }
            let arrivedCapped = e.arrived.contains { counts[$0]! >= ranges[$0].cap }
            c.lag = max(0, c.lag - handled + arrived)
            c.capped = c.capped || arrivedCapped || c.lag >= c.cap
            if c.capped { c.lag = max(c.lag, c.cap) }
            let waiting = e.waiting.contains { (counts[$0] ?? 0) > 0 }
            lags[key] = ConsumerLag(lag: c.lag, capped: c.capped, waiting: waiting, handled: e.incremental && !c.capped ? handled : nil)
            carry[key] = c
        }
        return (lags, carry)
    }

    /// The order to count the ranges in when a refresh may not count them all: the held-back probes (cap 1) and the
    /// counts of consumers whose lag follows from a previous count (small: what changed) first, so a consumer
    /// counted once stays counted; then the full counts, the widest position gap first (the worst lags are known
    /// soonest). Consumers of one tenant and filter share ranges, so a range takes the earliest place any of its
    /// consumers gives it.
    var countOrder: [Int] {
        var rank = [(Int, Int64)](repeating: (2, 0), count: ranges.count)
        func place(_ i: Int, _ r: (Int, Int64)) { if r < rank[i] { rank[i] = r } }
        for e in entries.values {
            for i in e.waiting { place(i, (0, 0)) }
            for i in e.handled + e.arrived { place(i, e.incremental ? (0, 0) : (1, -e.gap)) }
        }
        return ranges.indices.sorted { (rank[$0].0, rank[$0].1, $0) < (rank[$1].0, rank[$1].1, $1) }
    }
}

/// Plans the lag counts of one snapshot: carries each consumer's count where nothing changed, counts only the
/// rows it handled and the rows that became deliverable since the previous snapshot where it can, and counts in
/// full (up to the cap) otherwise. Nothing is counted for a tenant (outbox) whose deliverable head did not pass the
/// previous count, and the held-back probe runs only for tenants with rows waiting above the safe position.
struct LagPlanner: Sendable {
    /// Lag counts stop here (index-only range scans of at most this many rows per consumer); shown as "≥100k".
    static let cap: Int64 = 100_000
    /// The cap when a snapshot counts more than `scaleAbove` consumers: ten times less to scan for the widest ones
    /// (shown as "≥10k").
    static let capAtScale: Int64 = 10_000
    static let scaleAbove = 1_000

    var carried: [CursorKey: LagCarry]
    /// This snapshot's cap.
    var cap: Int64 = LagPlanner.cap

    init(carried: [CursorKey: LagCarry], cap: Int64 = LagPlanner.cap) {
        self.carried = carried
        self.cap = cap
    }

    /// The cap for a snapshot of this many consumers.
    static func cap(consumers: Int) -> Int64 { consumers > scaleAbove ? capAtScale : cap }

    /// Where the deliverable rows end, per log: the safe position, the allocated head, each tenant's (outbox's)
    /// deliverable head, and the tenants (outboxes) with committed rows waiting above the safe position.
    struct Bounds: Sendable {
        var safeEvents: Int64, headEvents: Int64, safeOutbox: Int64, headOutbox: Int64
        var tenantHeads: [String: Int64] = [:]
        var waitingTenants: Set<String> = []
    }

    /// The plan for these consumers.
    func plan(_ rows: [CursorRow], boxes: [OutboxKey: OutboxRow], bounds b: Bounds) -> LagPlan {
        var plan = LagPlan()
        for r in rows {
            let events = r.source == "events"
            if !events && r.kind == nil { continue }
            let box = r.kind.flatMap { boxes[OutboxKey(tenant: r.tenant, kind: $0)] }
            let filter = events ? r.lagFilter : .all
            let safe = events ? b.safeEvents : b.safeOutbox
            let ownHead = events ? b.tenantHeads[r.tenant] : box?.head
            var entry = LagPlan.Entry(
                carry: LagCarry(position: r.position, high: safe, lag: 0, capped: false, filter: filter, pruned: box?.pruned ?? 0, cap: cap),
                previous: carried[r.key], gap: max(0, (ownHead ?? safe) - r.position))
            func ranges(_ low: Int64, _ high: Int64, cap: Int64) -> [Int] {
                let base = LagRange(
                    source: events ? "e" : "w", tenant: r.tenant, kind: events ? nil : r.kind, type: nil, query: filter.query, low: low, high: high,
                    cap: cap)
                guard let types = filter.types else { return [plan.add(base)] }
                return types.map { t in
                    var x = base
                    x.type = t
                    return plan.add(x)
                }
            }
            // at or past its own deliverable head (known), it has nothing to handle: no count (at 50,000 consumers
            // most are caught up)
            if r.position < safe, (ownHead ?? .max) > r.position {
                count(r, &entry, safe: safe, ownHead: ownHead, ranges: ranges)
            }
            let waits = events ? b.waitingTenants.contains(r.tenant) : b.headOutbox > b.safeOutbox
            if waits { entry.waiting = ranges(max(r.position, safe), events ? b.headEvents : b.headOutbox, cap: 1) }
            plan.entries[r.key] = entry
        }
        return plan
    }

    /// The lag of one consumer behind the deliverable position: carried, counted by its changes, or counted in full.
    private func count(
        _ r: CursorRow, _ entry: inout LagPlan.Entry, safe: Int64, ownHead: Int64?, ranges: (Int64, Int64, Int64) -> [Int]
    ) {
        guard let c = carried[r.key], c.filter == entry.carry.filter, c.pruned == entry.carry.pruned, c.cap == cap, c.position <= r.position,
            r.position <= c.high, c.high <= safe, !c.capped || r.position == c.position
        else {
            entry.arrived = ranges(r.position, safe, cap)
            return
        }
        if c.capped {
            // at least the cap, and it has not moved: only handling can bring it below, so it is carried until then
            entry.carry.lag = c.lag
            entry.carry.capped = true
            return
        }
        entry.carry.lag = c.lag
        entry.incremental = true
        if r.position > c.position { entry.handled = ranges(c.position, r.position, cap) }
        // rows of its own became deliverable only if its tenant's (outbox's) deliverable head passed the last count
        if safe > c.high, (ownHead ?? .max) > c.high { entry.arrived = ranges(c.high, safe, cap) }
    }
}
