import Foundation
import StoreAccess

/// The lag panel: one statement counting, for each range the `LagPlanner` asks for, the rows of a consumer's own
/// in (low, high] — events of its tenant matching its filter (index `(tenant, position)`, or `(tenant, type,
/// position)` once per listed type), or outbox rows of its tenant and kind (index `(tenant, kind, id)`) — up to
/// the range's cap. Payload predicates are checked by the store's own `event_matches`.
enum LagPanel: Panel {
    static let name = "lag"

    static func statements(_ schema: Identifier) -> [SQL] {
        let e = LagRange(source: "e", tenant: "a", kind: nil, type: nil, query: nil, low: 0, high: 1, cap: 10)
        var typed = e, queried = e, both = e, w = e
        typed.type = "T"
        queried.query = "[{\"payload\": [{\"a\": 1}]}]"
        both.type = "T"
        both.query = queried.query
        w.source = "w"
        w.kind = "k"
        return [statement(schema, [e, typed, queried, both, w])]
    }

    /// The first statement's size in estimated index entries (the position span, up to the cap: positions are
    /// shared by every tenant, so with many tenants it overestimates many times over). It holds at 1-2 µs an entry
    /// (more where the visibility map is behind) well inside the collector's statement timeout; each later
    /// statement is sized from the time the earlier ones took per estimated entry, to take about `chunkTarget`.
    static let chunkEntries: Int64 = 300_000
    static let chunkTarget = 0.25
    /// At most this many ranges per statement.
    static let chunkRanges = 2_000
    /// Counting stops starting statements once this much time has gone (nil: count everything); the counts not
    /// made are nil, and the consumers they belong to show "lag not counted" until a later snapshot counts them.
    static let budget: Duration = .milliseconds(1_000)

    /// The counts, made in `order` one statement per chunk (`chunkEntries`, `chunkRanges`) until `budget` has gone
    /// by; the first statement always runs. Adds the statements beyond the first to `statements`.
    static func read(
        _ c: Connection, _ schema: Identifier, _ ranges: [LagRange], order: [Int], budget: Duration?, chunkRanges: Int,
        statements: inout Int
    ) throws -> [Int64?] {
        var counts = [Int64?](repeating: nil, count: ranges.count)
        let start = ContinuousClock.now
        var chunk: [Int] = [], cost: Int64 = 0, sent = 0
        var limit = chunkEntries, spent = (seconds: 0.0, entries: Int64(0))
        func send() throws {
            guard !chunk.isEmpty else { return }
            if sent > 0 { statements += 1 }
            sent += 1
            let t0 = ContinuousClock.now
            for r in try c.query(statement(schema, chunk.map { ranges[$0] })).rows {
                let i: Int64 = try r.decode("i")
                counts[chunk[Int(i) - 1]] = try r.decode("n")
            }
            spent = (spent.seconds + t0.duration(to: .now).seconds, spent.entries + cost)
            if spent.seconds > 0, spent.entries > 0 {
                let perEntry = spent.seconds / Double(spent.entries)
                limit = Int64(min(max(chunkTarget / perEntry, 10_000), 1e10))
            }
            (chunk, cost) = ([], 0)
        }
        for i in order {
            let r = ranges[i]
            let entries = min(r.cap, max(0, r.high - r.low))
            if !chunk.isEmpty, cost + entries > limit || chunk.count >= max(1, chunkRanges) {
                try send()
                if let budget, start.duration(to: .now) >= budget { return counts }
            }
            chunk.append(i)
            cost += entries
        }
        try send()
        return counts
    }

    /// One CASE branch per shape, so each count has its own plan: an index-only range scan where no payload
    /// predicate needs the row.
    static func statement(_ schema: Identifier, _ ranges: [LagRange]) -> SQL {
        let ev = "\(schema.quoted).events e WHERE e.tenant = x.t AND e.position > x.lo AND e.position <= x.hi"
        let match = "\(schema.quoted).event_matches(e.type, e.payload, x.q::jsonb)"
        func count(_ from: String) -> String { "(SELECT count(*) FROM (SELECT 1 FROM \(from) LIMIT x.cap) z)" }
        return SQL(
            """
            SELECT x.i, CASE
                     WHEN x.src = 'w' THEN \(unsafeRaw: count("\(schema.quoted).outbox o WHERE o.tenant = x.t AND o.kind = x.k AND o.id > x.lo AND o.id <= x.hi"))
                     WHEN x.ty = '' AND x.q = '' THEN \(unsafeRaw: count(ev))
                     WHEN x.ty = '' THEN \(unsafeRaw: count("\(ev) AND \(match)"))
                     WHEN x.q = '' THEN \(unsafeRaw: count("\(ev) AND e.type = x.ty"))
                     ELSE \(unsafeRaw: count("\(ev) AND e.type = x.ty AND \(match)"))
                   END AS n
              FROM unnest(\(TextArray(ranges.map(\.source)))::text[], \(TextArray(ranges.map(\.tenant)))::text[],
                          \(TextArray(ranges.map { $0.kind ?? "" }))::text[], \(TextArray(ranges.map { $0.type ?? "" }))::text[],
                          \(TextArray(ranges.map { $0.query ?? "" }))::text[], \(TextArray(ranges.map { String($0.low) }))::bigint[],
                          \(TextArray(ranges.map { String($0.high) }))::bigint[], \(TextArray(ranges.map { String($0.cap) }))::bigint[])
                   WITH ORDINALITY x(src, t, k, ty, q, lo, hi, cap, i)
            """
        ).named("metrics.lag")
    }
}
