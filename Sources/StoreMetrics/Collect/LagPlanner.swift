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

/// One count the lag statement makes: rows of a consumer's own (tenant, and filter or kind) in (`low`, `high`],
/// counting at most `cap`.
struct LagRange: Sendable, Equatable {
    /// `e` (events) or `w` (outbox rows of `kind`).
    var source: String
    var tenant: String
    var kind: String?
    var filter: LagFilter
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
}

/// A consumer's lag in its own rows, planned without I/O (`LagPlanner`) and completed by `LagPanel`'s counts.
struct LagPlan: Sendable {
    /// How each consumer's lag follows from the counts: `base − handled + arrived` (indices into `ranges`).
    struct Entry: Sendable {
        var carry: LagCarry
        var handled: Int?
        var arrived: Int?
        /// A count with cap 1: does a row of its own wait above the deliverable position?
        var waiting: Int?
        /// The lag follows from the previous count (so `handled` is what it handled since then).
        var incremental = false
    }

    var ranges: [LagRange] = []
    var entries: [CursorKey: Entry] = [:]

    /// The lag and held-back flag of each consumer once `counts` (one per range) are known; the carry for the next
    /// snapshot.
    func resolve(_ counts: [Int64]) -> (lags: [CursorKey: ConsumerLag], carry: [CursorKey: LagCarry]) {
        var lags: [CursorKey: ConsumerLag] = [:], carry: [CursorKey: LagCarry] = [:]
        for (key, e) in entries {
            var c = e.carry
            let handled = e.handled.map { counts[$0] } ?? 0
            let arrived = e.arrived.map { counts[$0] } ?? 0
            let arrivedCapped = e.arrived.map { counts[$0] >= ranges[$0].cap } ?? false
            c.lag = max(0, c.lag - handled + arrived)
            if arrivedCapped || c.capped || c.lag >= LagPlanner.cap {
                c.capped = c.capped || arrivedCapped || c.lag >= LagPlanner.cap
                c.lag = c.capped ? max(c.lag, LagPlanner.cap) : c.lag
            }
            let waiting = e.waiting.map { counts[$0] > 0 } ?? false
            lags[key] = ConsumerLag(lag: c.lag, capped: c.capped, waiting: waiting, handled: e.incremental ? handled : nil)
            carry[key] = c
        }
        return (lags, carry)
    }
}

/// Plans the lag counts of one snapshot: carries each consumer's count where nothing changed, counts only the
/// rows it handled and the rows that became deliverable since the previous snapshot where it can, and counts in
/// full (up to the cap) otherwise.
struct LagPlanner: Sendable {
    /// Lag counts stop here (index-only range scans of at most this many rows per consumer); shown as "≥100k".
    static let cap: Int64 = 100_000

    var carried: [CursorKey: LagCarry]

    /// The plan for these consumers. `safeEvents`/`safeOutbox`: deliverable positions; `headEvents`/`headOutbox`:
    /// the allocated heads (above the safe position, rows may wait behind an open transaction).
    func plan(
        _ rows: [CursorRow], boxes: [OutboxKey: OutboxRow], safeEvents: Int64, headEvents: Int64, safeOutbox: Int64, headOutbox: Int64
    ) -> LagPlan {
        var plan = LagPlan()
        for r in rows {
            let events = r.source == "events"
            let filter = events ? LagFilter(recorded: r.filter) : .all
            let safe = events ? safeEvents : safeOutbox, head = events ? headEvents : headOutbox
            let pruned = events ? 0 : r.kind.flatMap { boxes[OutboxKey(tenant: r.tenant, kind: $0)]?.pruned } ?? 0
            if !events && r.kind == nil { continue }
            var range = LagRange(source: events ? "e" : "w", tenant: r.tenant, kind: r.kind, filter: filter, low: 0, high: 0, cap: Self.cap)
            var entry = LagPlan.Entry(carry: LagCarry(position: r.position, high: safe, lag: 0, capped: false, filter: filter, pruned: pruned))
            func add(_ low: Int64, _ high: Int64, cap: Int64 = Self.cap) -> Int {
                range.low = low
                range.high = high
                range.cap = cap
                plan.ranges.append(range)
                return plan.ranges.count - 1
            }
            if r.position < safe {
                if let c = carried[r.key], c.filter == filter, c.pruned == pruned, !c.capped, c.position <= r.position,
                    r.position <= c.high, c.high <= safe
                {
                    entry.carry.lag = c.lag
                    entry.incremental = true
                    if r.position > c.position { entry.handled = add(c.position, r.position) }
                    if safe > c.high { entry.arrived = add(c.high, safe) }
                } else {
                    entry.arrived = add(r.position, safe)
                }
            }
            if head > safe { entry.waiting = add(max(r.position, safe), head, cap: 1) }
            plan.entries[r.key] = entry
        }
        return plan
    }
}
