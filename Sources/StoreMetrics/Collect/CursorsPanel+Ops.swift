import Foundation
import StoreAccess

/// Schema version 9's consumer operations in the cursors panel: each consumer's pause, failure policy and failing
/// handler (columns of `cursors`), and its parked events (`parked`, counted per consumer in the same statement, so a
/// quiet refresh sends no statement more). Before version 9 the same columns come as NULLs and nothing is parked.
extension CursorsPanel {
    /// The columns of the statement's rows a consumer's operations need (NULLs before schema version 9).
    static func opsColumns(_ ops: Bool) -> String {
        guard ops else {
            return """
                NULL::timestamptz AS paused_at, NULL::text AS paused_by, NULL::text AS pause_reason, false AS pause_acknowledged,
                NULL::text AS on_failure, NULL::int AS max_attempts, NULL::bigint AS failing_position, NULL::text AS failing_error,
                NULL::int AS failing_attempts, NULL::timestamptz AS failing_since
                """
        }
        // 'paused' is what the loop itself last reported: acknowledged only while a pause is still asked for
        return """
            c.paused_at, c.paused_by, c.pause_reason, (c.paused_at IS NOT NULL AND c.loop_state IS NOT DISTINCT FROM 'paused') AS pause_acknowledged,
            c.on_failure, c.max_attempts, c.failing_position, c.failing_error, c.failing_attempts, c.failing_since
            """
    }

    /// Parked events per consumer, as JSON text (`[{"t": tenant, "c": consumer, "n": rows, "r": replays pending}]`),
    /// NULL when none: one grouped scan of `parked`, whose primary key (tenant, consumer, position) orders it by
    /// consumer; at most `limit` + 1 consumers.
    static func parkedSQL(_ schema: Identifier, ops: Bool) -> String {
        guard ops else { return "NULL::text" }
        return """
            (SELECT json_agg(json_build_object('t', p.tenant, 'c', p.consumer, 'n', p.n, 'r', p.r))::text
               FROM (SELECT tenant, consumer, count(*) AS n, count(*) FILTER (WHERE state = 'replay') AS r
                       FROM \(schema.quoted).parked GROUP BY tenant, consumer ORDER BY tenant, consumer LIMIT \(limit + 1)) p)
            """
    }

    /// The parked counts of the statement's `parked` column, by consumer.
    static func decodeParked(_ text: String?) throws -> [CursorKey: ParkedCount] {
        guard let text else { return [:] }
        let rows = try JSONDecoder().decode([ParkedCount].self, from: Data(text.utf8))
        return Dictionary(rows.map { (CursorKey(tenant: $0.t, name: $0.c), $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// Sets each row's parked counts (0 for a consumer with none): they are read afresh every time, while the rows
    /// themselves may be carried from the previous read (parking or replaying need not change the cursor row).
    static func withParked(_ rows: [CursorRow], _ parked: [CursorKey: ParkedCount]) -> [CursorRow] {
        rows.map {
            var r = $0
            let p = parked[r.key]
            (r.ops.parked, r.ops.parkedReplaying) = (p?.n ?? 0, p?.r ?? 0)
            return r
        }
    }

    /// One consumer's parked events as the statement counts them.
    struct ParkedCount: Decodable, Sendable, Equatable {
        /// Tenant, consumer, parked rows, replays pending.
        let t: String, c: String, n: Int64, r: Int64
    }

    /// The columns of a consumer's operations from its row (nil/false before version 9; parked counts come later).
    static func decodeOps(_ r: Row) throws -> CursorOps {
        CursorOps(
            pausedAt: try r.decodeOptional("paused_at"), pausedBy: r["paused_by"], pauseReason: r["pause_reason"],
            pauseAcknowledged: try r.decodeOptional("pause_acknowledged") ?? false, onFailure: r["on_failure"],
            maxAttempts: try r.decodeOptional("max_attempts"), failingPosition: try r.decodeOptional("failing_position"),
            failingError: r["failing_error"], failingAttempts: try r.decodeOptional("failing_attempts"),
            failingSince: try r.decodeOptional("failing_since"))
    }
}

/// The figures of a consumer's operations as its row holds them (schema version 9).
struct CursorOps: Sendable, Equatable {
    var pausedAt: Date? = nil, pausedBy: String? = nil, pauseReason: String? = nil, pauseAcknowledged = false
    var onFailure: String? = nil, maxAttempts: Int? = nil
    var failingPosition: Int64? = nil, failingError: String? = nil, failingAttempts: Int? = nil, failingSince: Date? = nil
    var parked: Int64 = 0, parkedReplaying: Int64 = 0
}
