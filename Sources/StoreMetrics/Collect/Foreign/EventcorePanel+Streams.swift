import Foundation
import StoreAccess

extension EventcorePanel {
    /// Streams are counted exactly up to this many (a loose index scan); beyond it the planner's estimate is shown.
    static let streamCountCap = 1000
    /// The most active streams are found among this many newest events (by `event_id`, the primary key).
    static let recentEvents = 1000
    /// How many of the most active streams are shown.
    static let topStreams = 10
    /// eventcore's first migration as sqlx records it: the row that tells its numbering from another sqlx app's.
    static let firstMigration = "create events table"
    /// eventcore 2's migrations are versions 1 to this.
    static let lastMigration = 7

    /// The stream count (a loose scan of `(stream_id)`, at most `streamCountCap` + 1 probes, and the planner's
    /// estimate from `pg_stats.n_distinct` and `reltuples`), joined to the most active streams: the `topStreams` with
    /// most events among the newest `recentEvents`, each with its current version (a backward probe of the unique
    /// index on (stream_id, stream_version)). One row even when the log is empty.
    static func streams(_ s: Identifier) -> SQL {
        SQL(
            """
            WITH RECURSIVE d AS (
                (SELECT e.stream_id, 1 AS n FROM \(ident: s).eventcore_events e ORDER BY e.stream_id LIMIT 1)
                UNION ALL
                SELECT x.stream_id, d.n + 1 FROM d CROSS JOIN LATERAL (
                       SELECT e.stream_id FROM \(ident: s).eventcore_events e WHERE e.stream_id > d.stream_id
                        ORDER BY e.stream_id LIMIT 1) x
                 WHERE d.n <= \(unsafeRaw: String(streamCountCap))
            ), top AS (
                SELECT r.stream_id, count(*) AS events
                  FROM (SELECT e.stream_id FROM \(ident: s).eventcore_events e
                         ORDER BY e.event_id DESC LIMIT \(unsafeRaw: String(recentEvents))) r
                 GROUP BY r.stream_id ORDER BY count(*) DESC, r.stream_id LIMIT \(unsafeRaw: String(topStreams))
            )
            SELECT k.counted, k.estimate, t.stream_id AS name, t.events,
                   (SELECT max(v.stream_version) FROM \(ident: s).eventcore_events v WHERE v.stream_id = t.stream_id) AS version
              FROM (SELECT (SELECT count(*) FROM d) AS counted,
                           (SELECT CASE WHEN st.n_distinct >= 0 THEN st.n_distinct ELSE -st.n_distinct * greatest(c.reltuples, 0) END
                              FROM pg_catalog.pg_stats st JOIN pg_catalog.pg_class c ON c.oid = \(s.quoted + ".eventcore_events")::regclass
                             WHERE st.schemaname = \(s.name) AND st.tablename = 'eventcore_events' AND st.attname = 'stream_id'
                             LIMIT 1)::bigint AS estimate) k
              LEFT JOIN top t ON true
             ORDER BY t.events DESC, t.stream_id
            """
        ).named("metrics.foreign.eventcore_streams")
    }

    /// eventcore's schema version from sqlx's `_sqlx_migrations` (its primary key is the version): the highest
    /// successful one of versions 1…`lastMigration`, and whether version 1 is eventcore's (the table is shared with
    /// any other sqlx application using the schema, whose versions may fall in that range too).
    static func migration(_ s: Identifier) -> SQL {
        SQL(
            """
            SELECT max(m.version) FILTER (WHERE m.success) AS version,
                   coalesce(bool_or(m.version = 1 AND m.description = \(firstMigration)), false) AS ours
              FROM \(ident: s)._sqlx_migrations m WHERE m.version BETWEEN 1 AND \(unsafeRaw: String(lastMigration))
            """
        ).named("metrics.foreign.eventcore_migration")
    }

    /// Reads eventcore 2's streams and, when the schema has `_sqlx_migrations`, its migration version.
    static func readStreams(_ c: Connection, _ s: Identifier, into store: inout Snapshot.ForeignStore, statements: inout Int) throws {
        statements += 1
        let rows = try c.query(streams(s)).rows
        if let r = rows.first {
            let counted: Int64 = try r.decode("counted"), estimate: Int64? = try r.decodeOptional("estimate")
            store.streamCountExact = counted <= streamCountCap
            store.streamCount = store.streamCountExact ? counted : max(estimate ?? 0, Int64(streamCountCap) + 1)
        }
        store.streams = try rows.filter { $0["name"] != nil }.map {
            .init(name: try $0.decode("name"), version: try $0.decode("version"), events: try $0.decode("events"))
        }
        guard store.tables.contains("_sqlx_migrations") else { return }
        statements += 1
        if let m = try c.query(migration(s)).first, try m.decode("ours", as: Bool.self) {
            store.migrationVersion = try m.decodeOptional("version")
        }
    }
}
