import Foundation
import Logging
import StoreAccess

/// Reads one backend in depth and explains its query, on a connection of its own (application_name
/// `st:storetop/inspect`), opened on first use, reopened after a broken connection (a pool of one, so it also
/// works behind PgBouncer). Reads work with pg_monitor; EXPLAIN also needs what the query itself needs (SELECT
/// on its tables). docs/sessions.md, "Backend detail" and "EXPLAIN".
public final class BackendInspector: @unchecked Sendable {
    /// At most this many locks are read for one backend, ungranted first.
    public static let lockLimit = 200
    /// EXPLAIN's `statement_timeout`: planning that takes longer is refused.
    public static let explainStatementTimeout: Duration = .seconds(1)
    /// EXPLAIN's `lock_timeout`: planning waits no longer for a table another session locked.
    public static let explainLockTimeout: Duration = .milliseconds(100)

    /// The pool of one connection every read uses.
    let pool: Pool
    let logger: Logger

    /// Prepares the pool; connects on first use.
    /// - Parameter dsn: where to connect (a DSN, URL or `env:NAME`, as `ConnectionString` reads it).
    public init(dsn: String, logger: Logger = Logger(label: "storetop.inspect")) throws {
        var c = PoolConfiguration(
            source: try ConnectionString(dsn), applicationName: ApplicationName(service: "storetop", store: "inspect"))
        c.maxConnections = 1
        c.minConnections = 0
        c.statementTimeout = .seconds(2)
        c.lockTimeout = .milliseconds(250)
        c.settings = ["jit": "off"]
        c.acquireTimeout = .seconds(5)
        c.reportInterval = nil
        c.connectTimeout = 5
        self.logger = logger
        pool = try Pool(c, logger: logger)
    }

    /// Closes the connection.
    public func close() { pool.close() }

    /// The backend `pid` in depth, from one statement; nil when there is no such backend (it ended).
    public func detail(pid: Int32) throws -> BackendDetail? {
        try retryingOnce {
            try BackendDetail.decode(try pool.query(InspectStatements.detail(pid: pid, lockLimit: Self.lockLimit)).rows)
        }
    }

    /// Plain EXPLAIN (never ANALYZE) of the query backend `pid` runs or, idle, ran last: read again here, checked by
    /// `SafeExplain`, planned in a read-only transaction under short timeouts and always rolled back. A backend of
    /// another database, a missing privilege, a timeout or a planning error is refused with the reason; only a
    /// lost connection throws.
    public func explain(pid: Int32) throws -> ExplainOutcome {
        try retryingOnce {
            try pool.withConnection { c in
                guard let row = try c.query(InspectStatements.explainSource(pid: pid)).first else {
                    return .refused("backend \(pid) has ended")
                }
                let here = try row.decode("here", as: String.self)
                guard let database = row["datname"] else { return .refused("backend \(pid) is not connected to a database") }
                guard database == here else {
                    return .refused(
                        "backend \(pid) runs in database \(database) and the inspector is connected to \(here); EXPLAIN plans only in its own database"
                    )
                }
                let query = try row.decode("query", as: String.self)
                if query.allSatisfy(\.isWhitespace) { return .refused("backend \(pid) has not run a query yet") }
                if let why = SafeExplain.refusal(query: query, truncated: try row.decode("query_truncated")) { return .refused(why) }
                return try plan(query, on: c, role: try row.decode("role"))
            }
        }
    }

    /// Runs `body` again once when the connection broke (the pool has opened a new one by then).
    private func retryingOnce<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as StoreError where e.code == .connectionLost {
            logger.notice("inspector connection lost; reading again", metadata: ["error": "\(e)"])
            return try body()
        }
    }
}
