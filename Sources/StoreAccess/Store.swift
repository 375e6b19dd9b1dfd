import Foundation
import Logging

/// A connected store: one pool, one schema, one service name. Hands out tenant-bound store handles.
///
///     let store = try Store.connect("postgresql://app@db/orders", service: "orders")
///     let events = try store.events(tenant: "acme")
///
/// `connect` uses an existing database and creates or validates the schema; `bootstrap` creates the
/// database first when it is missing (for development and demos).
public final class Store: Sendable {
    public let pool: Pool
    public let schema: StoreSchema
    public let service: String
    /// Where notifications are received (LISTEN). Defaults to the pool's DSN; set it apart when the pool goes
    /// through PgBouncer in transaction mode, which drops notifications.
    public let listenSource: ConnectionString
    let logger: Logger
    /// The subscriptions and watches this store started; `close()` stops them.
    let consumers = ConsumerRegistry()

    /// Options for `connect` and `bootstrap`.
    public struct Options: Sendable {
        public var schema: String = StoreSchema.defaultName
        /// Create or migrate the schema (default). When false, the schema must already be at this version.
        public var migrate: Bool = true
        /// The store name in application_name (default "store").
        public var storeName: String = "store"
        /// Tenant stamped in application_name when the pool serves one tenant.
        public var tenant: String?
        /// A direct connection for LISTEN, when the pool goes through a transaction pooler.
        public var listenDSN: String?
        /// Pool tuning; `source` and `applicationName` are filled in by the store.
        public var configure: @Sendable (inout PoolConfiguration) -> Void = { _ in }
        public init() {}
    }

    init(pool: Pool, schema: StoreSchema, service: String, listenSource: ConnectionString, logger: Logger) {
        self.pool = pool
        self.schema = schema
        self.service = service
        self.listenSource = listenSource
        self.logger = logger
    }

    /// Connects to an existing database and creates or validates the schema.
    public static func connect(
        _ dsn: String = "", service: String, options: Options = Options(),
        logger: Logger = Logger(label: "storeaccess")
    ) throws -> Store {
        let source = try ConnectionString(dsn)
        let schema = try StoreSchema(options.schema)
        var config = PoolConfiguration(
            source: source,
            applicationName: ApplicationName(
                service: service, store: options.storeName,
                tenant: options.tenant))
        options.configure(&config)
        let pool = try Pool(config, logger: logger)
        do {
            try pool.withConnection { c in
                if options.migrate {
                    let report = try schema.migrate(on: c)
                    if report.applied {
                        logger.info("migrated schema", metadata: ["schema": "\(schema)", "from": "\(report.from)", "to": "\(report.to)"])
                    }
                } else {
                    try schema.validate(on: c)
                }
            }
        } catch {
            pool.close()
            throw error
        }
        pool.startReporting(schema: schema)
        let listen = try options.listenDSN.map { try ConnectionString($0) } ?? source
        return Store(pool: pool, schema: schema, service: service, listenSource: listen, logger: logger)
    }

    /// Connects to the server named by `serverDSN`, creates database `database` when it is missing (tolerating
    /// a concurrent creator), then connects to it with the same parameters. Database names are limited to
    /// `[A-Za-z_][A-Za-z0-9_]*`, checked before anything is sent.
    public static func bootstrap(
        serverDSN: String, database: String, service: String, options: Options = Options(),
        logger: Logger = Logger(label: "storeaccess")
    ) throws -> Store {
        let db = try Identifier(database, what: "database name")
        let server = try ConnectionString(serverDSN)
        try createDatabaseIfMissing(server: server, database: db)
        return try connectTo(server.with(database: db), service: service, options: options, logger: logger)
    }

    static func connectTo(_ source: ConnectionString, service: String, options: Options, logger: Logger) throws -> Store {
        // Reuses connect with an already-validated source.
        try connect(source.raw, service: service, options: options, logger: logger)
    }

    /// Creates `database` on the server unless it exists. A concurrent creator is not an error.
    public static func createDatabaseIfMissing(server: ConnectionString, database: Identifier) throws {
        let c = try Connection(server, applicationName: ApplicationName(service: "storeaccess", store: "bootstrap"))
        defer { c.close() }
        let exists = try c.query(SQL("SELECT 1 FROM pg_database WHERE datname = \(database.name)").named("bootstrap.exists"))
        if !exists.rows.isEmpty { return }
        do {
            try c.execute(SQL(unsafeRaw: "CREATE DATABASE \(database.quoted)", name: "bootstrap.create_database"))
        } catch let e as StoreError where e.has(.duplicateDatabase) || e.has(.uniqueViolation) {
            // created concurrently by someone else: fine
        }
    }

    /// Stops everything the store started, then closes the pool. Idempotent.
    ///
    /// Every subscription and KV watch of this store stops: its thread ends and its LISTEN connection closes
    /// before `close()` returns, so nothing is delivered afterwards. A subscription ends with `.failed(.closed)`;
    /// a watch's `next` throws `.closed` (events it had buffered but not returned are dropped; a durable
    /// watcher's cursor keeps them as unhandled). `subscribe`, `subscribeDurable`, `live` and `watch` on a closed
    /// store throw `.closed` (a `subscribe` racing with `close()` ends with `.failed(.closed)` instead). Then the
    /// pool's reporter stops (removing its report row) and the pool closes: every later call fails with `.closed`.
    public func close() {
        consumers.close()
        pool.close()
    }

    /// True once `close()` ran (or the pool was closed directly).
    public var isClosed: Bool { consumers.isClosed || pool.isClosed }

    /// Round trip, pool state and schema version.
    public func healthCheck() -> PoolHealth { pool.healthCheck(schema: schema) }
}
