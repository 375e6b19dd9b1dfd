import Foundation
import StoreAccess

/// Finds the stores other libraries left in the database (issue 18) with one catalog statement: every table whose
/// name and columns match one of factstr's, eventcore's, zestor's or faucet-state's (docs/foreign-stores.md),
/// outside StoreAccess's own schemas (those hold a `schema_version` table with a `library` column). Axon leaves no
/// tables; its stores come from the sessions (`AxonSessions`).
enum ForeignDetect: Panel {
    static let name = "foreign.detect"
    /// Detection runs at the first snapshot and again after this long (schemas rarely change).
    static let every: TimeInterval = 300

    static func statements(_ schema: Identifier) -> [SQL] { [statement] }

    /// One row per recognized table: schema, table, role (`<kind>.<part>`, `?` when only the shape matched).
    static let statement = SQL(
        """
        WITH ours AS (
            SELECT c.relnamespace FROM pg_catalog.pg_class c
              JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attname = 'library' AND NOT a.attisdropped
             WHERE c.relname = 'schema_version' AND c.relkind = 'r'
        ), t AS (
            SELECT n.nspname AS schema, c.relname AS tbl, c.oid,
                   array_agg(a.attname::text ORDER BY a.attnum) AS cols,
                   array_agg(a.attname || ':' || format_type(a.atttypid, a.atttypmod) ORDER BY a.attnum) AS typed
              FROM pg_catalog.pg_class c
              JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
              JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
             WHERE c.relkind IN ('r', 'p') AND c.relnamespace NOT IN (SELECT relnamespace FROM ours)
               AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
               AND (c.relname IN ('events', 'append_batches', 'durable_stream_cursors', 'store_metadata',
                                  'subscription_checkpoints', 'eventcore_events', 'eventcore_subscription_versions',
                                  'eventcore_command_state_snapshots', 'zestor_kv', 'zestor_outbox', '_sqlx_migrations')
                    OR c.relname = 'faucet_state' OR c.relnatts = 3)
             GROUP BY 1, 2, 3
        ), k AS (
            SELECT schema, tbl, CASE
              WHEN tbl = 'events' AND typed @> ARRAY['sequence_number:bigint', 'occurred_at:timestamp with time zone', 'event_type:text', 'payload:jsonb'] THEN 'factstr.events'
              WHEN tbl = 'append_batches' AND cols @> '{first_sequence_number,last_sequence_number}' THEN 'factstr.append_batches'
              WHEN tbl = 'durable_stream_cursors' AND cols @> '{durable_stream_id,event_query,last_processed_sequence_number}' THEN 'factstr.cursors'
              WHEN tbl = 'store_metadata' AND cols = '{key,value}' THEN 'factstr.store_metadata'
              WHEN tbl = 'events' AND typed @> ARRAY['event_id:uuid', 'stream_id:character varying(255)', 'event_version:bigint', 'event_data:jsonb'] THEN 'eventcore01.events'
              WHEN tbl = 'subscription_checkpoints' AND cols @> '{subscription_name,position_data,updated_at}' THEN 'eventcore01.checkpoints'
              WHEN tbl = 'eventcore_events' AND cols @> '{event_id,stream_id,stream_version,event_type,event_data,created_at}' THEN 'eventcore2.events'
              WHEN tbl = 'eventcore_subscription_versions' AND cols @> '{subscription_name,last_position,updated_at}' THEN 'eventcore2.checkpoints'
              WHEN tbl = 'eventcore_command_state_snapshots' THEN 'eventcore2.snapshots'
              WHEN tbl = '_sqlx_migrations' AND cols @> '{version,description,success}' THEN 'eventcore2.migrations'
              WHEN tbl = 'zestor_kv' AND cols @> '{ns_id,kind,key,value,version,updated_at}' THEN 'zestor.kv'
              WHEN tbl = 'zestor_outbox' AND cols @> '{id,ns_id,kind,key,etype,value,at}' THEN 'zestor.outbox'
              WHEN typed = ARRAY['key:text', 'value:jsonb', 'updated_at:timestamp with time zone']
                   AND EXISTS (SELECT 1 FROM pg_catalog.pg_constraint p WHERE p.conrelid = t.oid AND p.contype = 'p'
                                AND p.conkey = ARRAY[1]::int2[])
                THEN CASE WHEN tbl = 'faucet_state' THEN 'faucet.state' ELSE 'faucet.state?' END
            END AS role
              FROM t
        )
        SELECT schema, tbl, role FROM k WHERE role IS NOT NULL ORDER BY schema, tbl LIMIT 1000
        """
    ).named("metrics.foreign.detect")

    /// One detected table.
    struct Table: Sendable, Equatable {
        let schema: String
        let table: String
        /// `factstr.events`, `zestor.outbox`, `faucet.state?`, …
        let role: String
    }

    static func read(_ c: Connection) throws -> [Table] {
        try c.query(statement).rows.map { Table(schema: try $0.decode("schema"), table: try $0.decode("tbl"), role: try $0.decode("role")) }
    }

    /// The stores the tables make: one per (kind, schema); faucet one per table (several may share a schema);
    /// a kind without its main table (factstr's `events`, eventcore's events, zestor's outbox or kv) is not a store.
    static func stores(_ tables: [Table], only kinds: Set<Snapshot.ForeignStore.Kind>? = nil) -> [Snapshot.ForeignStore] {
        var out: [Snapshot.ForeignStore] = []
        let bySchema = Dictionary(grouping: tables, by: \.schema)
        for schema in bySchema.keys.sorted() {
            let ts = bySchema[schema]!
            func roles(_ prefix: String) -> [Table] { ts.filter { $0.role.hasPrefix(prefix) } }
            let factstr = roles("factstr.")
            if factstr.contains(where: { $0.role == "factstr.events" }) {
                let v05 = factstr.contains { $0.role == "factstr.store_metadata" }
                out.append(.init(kind: .factstr, version: v05 ? "0.5" : "0.4", schema: schema, tables: factstr.map(\.table)))
            }
            let ec1 = roles("eventcore01."), ec2 = roles("eventcore2.")
            if ec1.contains(where: { $0.role == "eventcore01.events" }) {
                out.append(.init(kind: .eventcore, version: "0.1", schema: schema, tables: ec1.map(\.table)))
            }
            if ec2.contains(where: { $0.role == "eventcore2.events" }) {
                out.append(.init(kind: .eventcore, version: "2", schema: schema, tables: ec2.map(\.table)))
            }
            let zestor = roles("zestor.")
            if !zestor.isEmpty { out.append(.init(kind: .zestor, version: "", schema: schema, tables: zestor.map(\.table))) }
            for f in roles("faucet.") {
                out.append(.init(kind: .faucet, version: "", schema: schema, tables: [f.table], likely: f.role.hasSuffix("?")))
            }
        }
        return out.filter { kinds?.contains($0.kind) ?? true }
    }
}
