import Foundation
import StoreAccess

/// The probes panel: one statement for what the `ProbePlanner` could not answer — the oldest event (`e`) or
/// outbox row (`w`) a consumer has not handled (a consumer of a schema before version 4, or one whose record a
/// prune, a position changed by hand or later appends made void), and the oldest row of an outbox (`o`). Each
/// looks only at settled positions (up to the safe positions), so its answer stays true until the consumer moves
/// or the outbox is pruned, and the collector carries it forward until then instead of asking again.
enum ProbesPanel: Panel {
    static let name = "probes"

    static func statements(_ schema: Identifier) -> [SQL] {
        [
            statement(
                schema, events: [("a", "b", 0, .all), ("a", "c", 0, LagFilter(types: ["T"], query: nil))], watchers: [("a", "b", "c", 0)],
                outboxes: [("a", "c")], safeEvents: 0, safeOutbox: 0)
        ]
    }

    /// Sends the plan's probes and takes the answers into `plan.known`.
    static func read(
        _ c: Connection, _ schema: Identifier, _ plan: inout ProbePlan, boxes: [OutboxKey: OutboxRow],
        safeEvents: Int64, safeOutbox: Int64
    ) throws {
        let rows = try c.query(
            statement(
                schema, events: plan.events, watchers: plan.watchers, outboxes: plan.outboxes,
                safeEvents: safeEvents, safeOutbox: safeOutbox)
        ).rows
        plan.take(try rows.compactMap(decode), boxes: boxes)
    }

    /// One answer; nil when the probe found nothing (no time).
    static func decode(_ r: Row) throws -> ProbePlan.Answer? {
        let type: String = try r.decode("probe")
        guard let at = try r.decodeOptional("at", as: Date.self) else { return nil }
        if type == "o" {
            return .init(type: type, tenant: try r.decode("tenant"), name: nil, kind: try r.decode("kind"), at: at, id: try r.decode("id"))
        }
        return .init(type: type, tenant: try r.decode("tenant"), name: try r.decode("name"), kind: r["kind"], at: at, id: try r.decodeOptional("id"))
    }

    static func statement(
        _ schema: Identifier, events: [(tenant: String, name: String, position: Int64, filter: LagFilter)],
        watchers: [(tenant: String, name: String, kind: String, position: Int64)],
        outboxes: [(tenant: String, kind: String)], safeEvents: Int64, safeOutbox: Int64
    ) -> SQL {
        // one row per listed type (an index range of `(tenant, type, position)` each); the earliest answer wins
        let any = events.filter { $0.filter.types == nil }
        let typed = events.flatMap { e in
            (e.filter.types ?? []).map { (tenant: e.tenant, name: e.name, position: e.position, type: $0, query: e.filter.query ?? "") }
        }
        let match = "(x.q = '' OR \(schema.quoted).event_matches(e.type, e.payload, x.q::jsonb))"
        return SQL(
            """
            SELECT 'e' AS probe, x.t AS tenant, x.n AS name, NULL::text AS kind, f.at, NULL::bigint AS id
              FROM unnest(\(TextArray(any.map(\.tenant)))::text[], \(TextArray(any.map(\.name)))::text[],
                          \(TextArray(any.map { String($0.position) }))::bigint[], \(TextArray(any.map { $0.filter.query ?? "" }))::text[]) x(t, n, p, q)
              LEFT JOIN LATERAL (SELECT e.recorded_at AS at FROM \(ident: schema).events e
                                  WHERE e.tenant = x.t AND e.position > x.p AND e.position <= \(safeEvents) AND \(unsafeRaw: match)
                                  ORDER BY e.position LIMIT 1) f ON true
            UNION ALL
            SELECT 'e', x.t, x.n, NULL, f.at, f.position
              FROM unnest(\(TextArray(typed.map(\.tenant)))::text[], \(TextArray(typed.map(\.name)))::text[],
                          \(TextArray(typed.map { String($0.position) }))::bigint[], \(TextArray(typed.map(\.type)))::text[],
                          \(TextArray(typed.map(\.query)))::text[]) x(t, n, p, ty, q)
              LEFT JOIN LATERAL (SELECT e.recorded_at AS at, e.position FROM \(ident: schema).events e
                                  WHERE e.tenant = x.t AND e.type = x.ty AND e.position > x.p AND e.position <= \(safeEvents) AND \(unsafeRaw: match)
                                  ORDER BY e.position LIMIT 1) f ON true
            UNION ALL
            SELECT 'w', x.t, x.n, x.k, f.at, NULL
              FROM unnest(\(TextArray(watchers.map(\.tenant)))::text[], \(TextArray(watchers.map(\.name)))::text[],
                          \(TextArray(watchers.map(\.kind)))::text[], \(TextArray(watchers.map { String($0.position) }))::bigint[]) x(t, n, k, p)
              LEFT JOIN LATERAL (SELECT o.at FROM \(ident: schema).outbox o
                                  WHERE o.tenant = x.t AND o.kind = x.k AND o.id > x.p AND o.id <= \(safeOutbox)
                                  ORDER BY o.id LIMIT 1) f ON true
            UNION ALL
            SELECT 'o', x.t, NULL, x.k, f.at, f.id
              FROM unnest(\(TextArray(outboxes.map(\.tenant)))::text[], \(TextArray(outboxes.map(\.kind)))::text[]) x(t, k)
              LEFT JOIN LATERAL (SELECT o.at, o.id FROM \(ident: schema).outbox o
                                  WHERE o.tenant = x.t AND o.kind = x.k AND o.id <= \(safeOutbox) ORDER BY o.id LIMIT 1) f ON true
            """
        ).named("metrics.probes")
    }
}
