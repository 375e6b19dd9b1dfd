import Foundation
import StoreAccess

extension ZestorPanel {
    /// Each (ns_id, kind) outbox (a loose scan of `idx_outbox_kind (ns_id, kind, id)`), with two probes per pair for
    /// its oldest and newest row.
    static func outboxes(_ schema: Identifier) -> SQL {
        perPair(schema, "zestor_outbox", name: "metrics.foreign.zestor_outboxes") { t in
            """
            SELECT g.ns_id, g.kind, hi.id AS head_id, lo.id AS oldest_id, lo.at AS oldest_at
              FROM g
             CROSS JOIN LATERAL (SELECT o.id, o.at FROM \(t) o WHERE o.ns_id = g.ns_id AND o.kind = g.kind ORDER BY o.id LIMIT 1) lo
             CROSS JOIN LATERAL (SELECT o.id FROM \(t) o WHERE o.ns_id = g.ns_id AND o.kind = g.kind ORDER BY o.id DESC LIMIT 1) hi
             ORDER BY g.ns_id, g.kind
            """
        }
    }

    /// The one shape both tables are read in: a recursive CTE `g` finds the distinct (ns_id, kind) pairs of
    /// `table` by a loose scan of its (ns_id, kind, …) index (one probe per pair, at most `groupLimit` + 1 so a cut
    /// is seen), then `select` (given the quoted table) reads each pair. The table name is one of ours, never input.
    private static func perPair(_ schema: Identifier, _ table: String, name: String, select: (String) -> String) -> SQL {
        let t = "\(schema.quoted).\(table)"
        return SQL(
            unsafeRaw: """
                WITH RECURSIVE g AS (
                    (SELECT v.ns_id, v.kind, 1 AS n FROM \(t) v ORDER BY v.ns_id, v.kind LIMIT 1)
                    UNION ALL
                    SELECT x.ns_id, x.kind, g.n + 1
                      FROM g CROSS JOIN LATERAL (
                           SELECT v.ns_id, v.kind FROM \(t) v
                            WHERE (v.ns_id, v.kind) > (g.ns_id, g.kind) ORDER BY v.ns_id, v.kind LIMIT 1) x
                     WHERE g.n <= \(groupLimit))
                \(select(t))
                """, name: name)
    }

    /// The exact rows of the given pairs within their id ranges (each range at most `exactRange` ids, all of them
    /// within `exactBudget`): an index range scan of `idx_outbox_kind` per pair.
    static func exactRows(_ schema: Identifier, _ heads: [OutboxHead]) -> SQL {
        let ns = TextArray(heads.map { String($0.ns) }), kinds = TextArray(heads.map(\.kind))
        let lo = TextArray(heads.map { String($0.oldest) }), hi = TextArray(heads.map { String($0.head) })
        return SQL(
            """
            SELECT k.ns_id, k.kind,
                   (SELECT count(*) FROM \(ident: schema).zestor_outbox o
                     WHERE o.ns_id = k.ns_id AND o.kind = k.kind AND o.id BETWEEN k.lo AND k.hi) AS rows
              FROM unnest(\(ns)::bigint[], \(kinds)::text[], \(lo)::bigint[], \(hi)::bigint[]) AS k(ns_id, kind, lo, hi)
            """
        ).named("metrics.foreign.zestor_outbox_rows")
    }

    /// The sessions of this database whose last statement is `LISTEN zestor_events` (each zestor store keeps one),
    /// the NOTIFY queue's usage, and whether this role sees other roles' queries. One row even with no listener.
    static var listeners: SQL {
        SQL(
            """
            SELECT pg_notification_queue_usage() AS queue_usage,
                   pg_has_role(current_user, 'pg_monitor', 'USAGE')
                   OR (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS sees_all,
                   a.pid, a.state, a.state_change, a.backend_start
              FROM (SELECT 1) one
              LEFT JOIN LATERAL (
                   SELECT s.pid, s.state, s.state_change, s.backend_start FROM pg_stat_activity s
                    WHERE s.datname = current_database() AND s.pid <> pg_backend_pid()
                      AND lower(rtrim(btrim(s.query), ';')) = 'listen zestor_events'
                    ORDER BY s.state_change LIMIT 200) a ON true
            """
        ).named("metrics.foreign.zestor_listeners")
    }

    /// Keys per (ns_id, kind) of `zestor_kv` (a loose scan of its primary key), each counted up to `kvKeyCap` + 1
    /// keys (an index-only range scan).
    static func kvKinds(_ schema: Identifier) -> SQL {
        perPair(schema, "zestor_kv", name: "metrics.foreign.zestor_kv_keys") { t in
            """
            SELECT g.ns_id, g.kind,
                   (SELECT count(*) FROM (SELECT 1 FROM \(t) v WHERE v.ns_id = g.ns_id AND v.kind = g.kind
                                           LIMIT \(kvKeyCap + 1)) c) AS keys
              FROM g ORDER BY g.ns_id, g.kind
            """
        }
    }

    /// Keys are counted up to this many per (ns_id, kind).
    static let kvKeyCap = 10_000

    /// Reads the keys per (ns_id, kind) of `zestor_kv` (one statement; at most `groupLimit` pairs).
    static func kvKinds(_ c: Connection, schema: Identifier) throws -> [Snapshot.ForeignStore.KeyCount] {
        try c.query(kvKinds(schema)).rows.prefix(groupLimit).map { r in
            let n: Int64 = try r.decode("keys")
            return .init(tenant: try r.decode("ns_id"), kind: try r.decode("kind"), keys: min(n, Int64(kvKeyCap)), exact: n <= Int64(kvKeyCap))
        }
    }
}
