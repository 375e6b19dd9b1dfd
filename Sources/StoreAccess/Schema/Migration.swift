/// One versioned unit of the schema: version N brings a database from N-1 to N. Never edit a released
/// migration's SQL: append a new one.
///
/// The SQL is a script with placeholders: `@schema@` is the quoted schema name; the protocol's names (lock
/// classes, channels, the store's SQLSTATEs) come from `StoreProtocol.migrationPlaceholders` (`@lock_tenant@`,
/// `@channel_events@`, `@sqlstate_conflict@`, …), so no migration spells one of them.
struct Migration: Sendable {
    /// The schema version this migration produces (1, 2, …, without gaps).
    let version: Int
    /// A short name, unique among migrations (for logs and `schema.migrate_<name>` statement names).
    let name: String
    /// The script with placeholders.
    let sql: String

    /// Every migration, in order: `all[N-1].version == N` (a test checks it).
    static let all: [Migration] = [
        Migration(version: 1, name: "core", sql: CoreMigrations.v1Core),
        Migration(version: 2, name: "events", sql: EventMigrations.v2Events),
        Migration(version: 3, name: "stores", sql: StoreMigrations.v3Stores),
        Migration(version: 4, name: "cursor_next", sql: CursorMigrations.v4CursorNext),
        Migration(version: 5, name: "events_v5", sql: EventMigrationsV5.v5Events),
        Migration(version: 6, name: "kv_issue17", sql: StoreMigrationsV6.v6KV),
        Migration(version: 7, name: "prune_audit_running", sql: StoreMigrationsV7.v7PruneAudit),
        Migration(version: 8, name: "event_ids_snapshots", sql: EventMigrationsV8.v8Events),
        Migration(version: 9, name: "consumer_operations", sql: ConsumerOpsMigrations.v9ConsumerOps),
        Migration(version: 10, name: "safe_position_ahead", sql: EventMigrationsV10.v10SafePosition),
    ]

    /// The script for `schema`, every placeholder expanded.
    func script(for schema: Identifier) -> String {
        var text = sql.replacingOccurrences(of: "@schema@", with: schema.quoted)
        for (placeholder, value) in StoreProtocol.migrationPlaceholders(schema: schema) {
            text = text.replacingOccurrences(of: placeholder, with: value)
        }
        return text
    }
}
