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

    /// The count of each range, in order.
    static func read(_ c: Connection, _ schema: Identifier, _ ranges: [LagRange]) throws -> [Int64] {
        guard !ranges.isEmpty else { return [] }
        var counts = [Int64](repeating: 0, count: ranges.count)
        for r in try c.query(statement(schema, ranges)).rows {
            let i: Int64 = try r.decode("i")
            counts[Int(i) - 1] = try r.decode("n")
        }
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
