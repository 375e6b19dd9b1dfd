import Foundation
import StoreAccess

/// One server (a database on it) storetop watches: from the command line (each DSN a target) or the config file's
/// `targets:` (docs/fleet.md). Its collector, refresh and backoff are its own (`Fleet`).
public struct Target: Sendable, Equatable {
    /// Its unique name: the config file's key, or `host:port/dbname` for a DSN given on the command line.
    public var name: String
    /// Its connection string (never shown: `ConnectionString.mask` is).
    public var dsn: String
    /// The store schema.
    public var schema: String
    /// The config file's group it belongs to, if any.
    public var group: String?
    /// Sessions of every database of its cluster.
    public var allDatabases: Bool
    /// The kinds of other libraries' stores to look for; nil: none.
    public var foreign: Set<Snapshot.ForeignStore.Kind>?
    /// How its consumers are judged, with their own thresholds.
    public var rules: LagRules

    /// A target with storetop's defaults.
    public init(
        name: String, dsn: String, schema: String = StoreSchema.defaultName, group: String? = nil, allDatabases: Bool = false,
        foreign: Set<Snapshot.ForeignStore.Kind>? = Set(Snapshot.ForeignStore.Kind.allCases), rules: LagRules = LagRules()
    ) {
        (self.name, self.dsn, self.schema, self.group) = (name, dsn, schema, group)
        (self.allDatabases, self.foreign, self.rules) = (allDatabases, foreign, rules)
    }

    /// The name a DSN gets on the command line: `host:port/dbname` from libpq's reading of it (the environment
    /// filling what it leaves out), never its password.
    public static func name(forDSN dsn: String) -> String {
        let p = (try? ConnectionString(dsn))?.parameters() ?? [:]
        let env = ProcessInfo.processInfo.environment
        let host = p["host"] ?? env["PGHOST"] ?? "local"
        let shownHost = host.hasPrefix("/") ? "local" : host
        return shownHost + ":" + (p["port"] ?? env["PGPORT"] ?? "5432") + "/" + (p["dbname"] ?? env["PGDATABASE"] ?? p["user"] ?? env["PGUSER"] ?? "")
    }

    /// A history judging this target's consumers by its rules.
    public func history() -> History {
        var h = History(rules: rules)
        h.store = "storeaccess:\(schema)"
        return h
    }

    /// A collector for it; it connects on its first snapshot (a server that is down is an error of that refresh,
    /// retried with backoff, never of the start).
    public func collector() throws -> Collector {
        let c = try Collector(dsn: dsn, schema: schema, allDatabases: allDatabases)
        c.foreignDetection.only = foreign
        c.foreignDetection.thresholds = rules.overrides
        return c
    }
}
