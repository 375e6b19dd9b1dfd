/// How a `Pool` behaves. Defaults follow eventcore-postgres's documented ones where they exist.
public struct PoolConfiguration: Sendable {
    /// Where to connect.
    public var source: ConnectionString
    /// Stamped on every connection of the pool.
    public var applicationName: ApplicationName
    /// Upper bound on open connections (default 10).
    public var maxConnections: Int = 10
    /// Connections kept open even when idle, once opened (default 0: fully lazy).
    public var minConnections: Int = 0
    /// How long `withConnection` waits for a free connection before `.poolTimeout` (default 5 s).
    public var acquireTimeout: Duration = .seconds(5)
    /// Idle connections above `minConnections` are closed after this (default 600 s).
    public var idleTimeout: Duration = .seconds(600)
    /// Connections are closed (when released) after this age (default 1800 s).
    public var maxLifetime: Duration = .seconds(1800)
    /// Run an empty round trip before handing out a connection (default false; a cheap socket check always runs).
    public var testBeforeAcquire: Bool = false
    /// Statement timeout for every statement (default 30 s). Direct connections get it as a startup parameter;
    /// in transaction-pooler mode it is applied with `SET LOCAL` at the start of each transaction.
    public var statementTimeout: Duration? = .seconds(30)
    /// `lock_timeout` for every statement of a direct connection (default nil: the server's). A monitor sets it low so
    /// a locked table costs one short wait, not a statement timeout per statement.
    public var lockTimeout: Duration? = nil
    /// Other settings for a direct connection, sent at connect time (`Connection.Options.settings`; a monitor sends
    /// `jit=off`). Behind a transaction pooler they are not sent.
    public var settings: [String: String] = [:]
    /// Set when connecting through PgBouncer (or another pooler) in transaction mode: no startup `options`,
    /// no session state.
    public var transactionPooler: Bool = false
    /// `connect_timeout` in seconds for each new connection (default 10).
    public var connectTimeout: Int = 10
    /// How often the pool publishes its metrics into the schema's pool_reports table (default 5 s; nil = never).
    public var reportInterval: Duration? = .seconds(5)

    public init(source: ConnectionString, applicationName: ApplicationName) {
        self.source = source
        self.applicationName = applicationName
    }

    /// Validates the numbers; throws `.invalidArgument`.
    public func validate() throws {
        guard maxConnections >= 1 else { throw StoreError(.invalidArgument, "maxConnections must be at least 1") }
        guard minConnections >= 0, minConnections <= maxConnections else {
            throw StoreError(.invalidArgument, "minConnections must be between 0 and maxConnections (\(maxConnections))")
        }
        guard acquireTimeout >= .zero else { throw StoreError(.invalidArgument, "acquireTimeout must not be negative") }
        if let r = reportInterval, r < .milliseconds(100) {
            throw StoreError(.invalidArgument, "reportInterval must be at least 100 ms")
        }
    }
}
