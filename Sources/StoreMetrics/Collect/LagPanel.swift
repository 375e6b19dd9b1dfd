import Foundation
import StoreAccess

/// The lag panel: one statement counting, for each range the `LagPlanner` asks for, the rows of a consumer's own
/// in (low, high] — events of its tenant matching its filter (index `(tenant, position)`, or `(tenant, type,
/// position)` once per listed type), or outbox rows of its tenant and kind (index `(tenant, kind, id)`) — up to
/// the range's cap. Payload predicates are checked by the store's own `event_matches`.
enum LagPanel: Panel {
    static let name = "lag"

    static func statements(_ schema: Identifier) -> [SQL] {
        [
            statement(
                schema,
                [
                    LagRange(source: "e", tenant: "a", kind: nil, filter: .all, low: 0, high: 1, cap: 10),
                    LagRange(
                        source: "e", tenant: "a", kind: nil, filter: LagFilter(types: ["T"], query: "[{\"types\": [\"T\"]}]"), low: 0, high: 1, cap: 1
                    ),
                    LagRange(source: "w", tenant: "a", kind: "k", filter: .all, low: 0, high: 1, cap: 10),
                ])
        ]
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

    static func statement(_ schema: Identifier, _ ranges: [LagRange]) -> SQL {
        let match = "(x.q = '' OR \(schema.quoted).event_matches(e.type, e.payload, x.q::jsonb))"
        return SQL(
            """
            SELECT x.i, CASE
                     WHEN x.src = 'w' THEN (SELECT count(*) FROM (SELECT 1 FROM \(ident: schema).outbox o
                          WHERE o.tenant = x.t AND o.kind = x.k AND o.id > x.lo AND o.id <= x.hi LIMIT x.cap) z)
                     WHEN x.types = '' THEN (SELECT count(*) FROM (SELECT 1 FROM \(ident: schema).events e
                          WHERE e.tenant = x.t AND e.position > x.lo AND e.position <= x.hi AND \(unsafeRaw: match) LIMIT x.cap) z)
                     ELSE (SELECT count(*) FROM (SELECT 1 FROM jsonb_array_elements_text(x.types::jsonb) ty(v)
                          CROSS JOIN LATERAL (SELECT 1 FROM \(ident: schema).events e
                                WHERE e.tenant = x.t AND e.type = ty.v AND e.position > x.lo AND e.position <= x.hi AND \(unsafeRaw: match)) m
                          LIMIT x.cap) z)
                   END AS n
              FROM unnest(\(TextArray(ranges.map(\.source)))::text[], \(TextArray(ranges.map(\.tenant)))::text[],
                          \(TextArray(ranges.map { $0.kind ?? "" }))::text[], \(TextArray(ranges.map { $0.filter.typesJSON ?? "" }))::text[],
                          \(TextArray(ranges.map { $0.filter.query ?? "" }))::text[], \(TextArray(ranges.map { String($0.low) }))::bigint[],
                          \(TextArray(ranges.map { String($0.high) }))::bigint[], \(TextArray(ranges.map { String($0.cap) }))::bigint[])
                   WITH ORDINALITY x(src, t, k, types, q, lo, hi, cap, i)
            """
        ).named("metrics.lag")
    }
}
