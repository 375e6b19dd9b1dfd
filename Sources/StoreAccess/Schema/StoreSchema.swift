import Foundation

/// The store's PostgreSQL schema: its name, its recorded version, and the migrations that bring a database
/// to that version. Migrations run in one transaction under an advisory transaction lock, so any number of
/// processes may start at once and end with one correct schema.
public struct StoreSchema: Sendable, Hashable, CustomStringConvertible {
    /// The schema name (validated identifier). Default `storeaccess`.
    public let name: Identifier

    /// The schema version this library writes and expects.
    public static var currentVersion: Int { Migration.all.count }

    /// The default schema name.
    public static let defaultName = "storeaccess"

    public init(_ name: String = StoreSchema.defaultName) throws {
        self.name = try Identifier(name, what: "schema name")
    }

    public init(name: Identifier) { self.name = name }

    public var description: String { name.name }

    /// The LISTEN channel that event appends notify (`StoreProtocol.Channel.events`).
    public var eventsChannel: Identifier { StoreProtocol.Channel.events.name(in: name) }
    /// The LISTEN channel that outbox writes notify (`StoreProtocol.Channel.outbox`).
    public var outboxChannel: Identifier { StoreProtocol.Channel.outbox.name(in: name) }

    /// The version recorded in the database, or nil when the schema (or its version table) is missing.
    public func installedVersion(on c: Connection) throws -> Int? {
        let reg = try c.query(SQL("SELECT to_regclass(\(name.quoted + ".schema_version")) IS NOT NULL").named("schema.exists"))
        guard try reg.first?.decode(0, as: Bool.self) == true else { return nil }
        let v = try c.query(SQL("SELECT coalesce(max(version), 0) FROM \(ident: name).schema_version").named("schema.version"))
        return try v.first?.decode(0, as: Int.self)
    }

    /// What `migrate` did.
    public struct MigrationReport: Sendable, Equatable {
        public let from: Int
        public let to: Int
        public var applied: Bool { to > from }
    }

    /// Brings the schema to `currentVersion`. Safe to run concurrently from many processes. Throws
    /// `.schemaTooNew` when the database holds a newer version than this library knows.
    @discardableResult
    public func migrate(on c: Connection) throws -> MigrationReport { try migrate(on: c, upTo: StoreSchema.currentVersion) }

    /// Brings the schema to `target` (tests build a store as an older library left it, then upgrade it).
    @discardableResult
    func migrate(on c: Connection, upTo target: Int) throws -> MigrationReport {
        precondition(target >= 1 && target <= StoreSchema.currentVersion)
        return try c.transaction { c in
            // One lock per schema name, held until COMMIT: concurrent migrators queue here.
            try c.query(StoreProtocol.migrationLockSQL(schema: name))
            let from = try installedVersion(on: c) ?? 0
            if from > StoreSchema.currentVersion {
                throw StoreError(
                    .schemaTooNew,
                    "schema \(name) is at version \(from), newer than this library's \(StoreSchema.currentVersion); upgrade StoreAccess (or storetop) before using this database"
                )
            }
            if from >= target { return MigrationReport(from: from, to: from) }
            for v in (from + 1)...target {
                try c.executeScript(Migration.all[v - 1].script(for: name), name: "schema.migrate_v\(v)")
                try c.query(
                    SQL("INSERT INTO \(ident: name).schema_version (version, library) VALUES (\(v), \("StoreAccess \(StoreSchema.currentVersion)"))")
                        .named("schema.record_version"))
            }
            return MigrationReport(from: from, to: target)
        }
    }

    /// Checks without changing anything that the schema exists at this library's version.
    /// Throws `.schemaMissing` or `.schemaTooNew` with what to do.
    public func validate(on c: Connection) throws {
        guard let v = try installedVersion(on: c) else {
            throw StoreError(
                .schemaMissing,
                "schema \(name) does not exist in this database (or this role cannot see it); run `storetop` against the right database or create it by connecting once with a role that may create schemas"
            )
        }
        if v > StoreSchema.currentVersion {
            throw StoreError(
                .schemaTooNew,
                "schema \(name) is at version \(v), newer than this library's \(StoreSchema.currentVersion); upgrade StoreAccess/storetop")
        }
        if v < StoreSchema.currentVersion {
            throw StoreError(
                .schemaMissing,
                "schema \(name) is at version \(v), older than this library's \(StoreSchema.currentVersion); connect once with a role that owns the schema to migrate it"
            )
        }
    }
}
