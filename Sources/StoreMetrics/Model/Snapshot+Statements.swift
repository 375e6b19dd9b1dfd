import Foundation

/// The statements panel (`metrics.statements`): pg_stat_statements' most expensive entries, read when the extension
/// is installed in the database. Counters are cumulative since the extension's last reset; `History` turns two reads
/// into the last minute's figures (`Derived.topQueries`).
extension Snapshot {
    /// One read of pg_stat_statements.
    public struct Statements: Sendable, Codable, Equatable {
        /// The server's clock at the read.
        public var readAt: Date
        /// The schema the extension is installed in.
        public var schema: String
        /// The entries, most total execution time first (at most `limit`).
        public var entries: [Statement]
        /// How many entries were read at most: when `entries` is shorter, every entry of the scope was read.
        public var limit: Int
        /// Entries of every database (`--all-databases`); false: the store's database only.
        public var allDatabases: Bool
        /// This role sees other roles' query texts and ids (`pg_read_all_stats`, part of `pg_monitor`, or superuser);
        /// when false, their entries are summed per role and database and labelled `<insufficient privilege>`.
        public var seesAllTexts: Bool
        /// When the extension's statistics were last reset (`pg_stat_statements_info`, PostgreSQL 14 and later).
        public var statsReset: Date?
        /// pg_wait_sampling's profile summed per wait event, when that extension is installed (nil otherwise).
        public var waitProfile: [WaitSample]? = nil

        /// Every entry of the scope was read (fewer than `limit`): an entry missing from the previous read is new.
        public var complete: Bool { entries.count < limit }
    }

    /// One pg_stat_statements entry (summed over its top-level and nested rows).
    public struct Statement: Sendable, Codable, Equatable {
        /// The query's id (nil for another role's entries this role may not see).
        public var queryId: Int64?
        /// The role's oid (`userid`), part of the entry's identity.
        public var userId: Int64
        /// The database's oid (`dbid`), part of the entry's identity.
        public var databaseId: Int64
        /// The role's name (nil when the role was dropped).
        public var user: String?
        /// The database's name.
        public var database: String?
        /// Executions since the last reset.
        public var calls: Int64
        /// Time spent executing, in milliseconds, since the last reset.
        public var totalExecMilliseconds: Double
        /// Rows returned or affected since the last reset.
        public var rows: Int64
        /// The normalized text as the server keeps it (at most 300 characters, passwords redacted);
        /// `<insufficient privilege>` for entries this role may not see.
        public var query: String
        /// Another role's entry whose text and id this role may not see.
        public var hidden: Bool
    }

    /// pg_wait_sampling's samples of one wait event (all backends, since its profile was last reset).
    public struct WaitSample: Sendable, Codable, Equatable {
        /// The wait event type (`Lock`, `IO`, …).
        public var type: String
        /// The wait event.
        public var event: String
        /// Samples counted.
        public var count: Int64
    }
}

extension Snapshot.Statement {
    /// The entry's identity across reads: query id, role and database.
    public var key: StatementKey { StatementKey(queryId: queryId, userId: userId, databaseId: databaseId) }
}

/// A pg_stat_statements entry's identity (its hidden entries are one per role and database).
public struct StatementKey: Hashable, Sendable {
    /// The query id (nil: hidden).
    public var queryId: Int64?
    /// The role's oid.
    public var userId: Int64
    /// The database's oid.
    public var databaseId: Int64
}
