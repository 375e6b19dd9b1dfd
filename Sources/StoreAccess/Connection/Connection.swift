import CLibPQ
import Foundation

/// One PostgreSQL connection over libpq. Blocking, like libpq: use it from one thread at a time (the pool
/// hands a connection to exactly one caller). Closed on `close()` or when released.
public final class Connection {
    private var handle: OpaquePointer?
    /// The application_name this connection was opened with (nil when none was stamped).
    public let applicationName: ApplicationName?
    /// The DSN it was opened from, for messages (masked when printed).
    public let source: ConnectionString
    /// When it was opened (monotonic).
    public let openedAt: ContinuousClock.Instant
    /// Set when a statement failed because the connection broke; the pool then drops it.
    public private(set) var isBroken = false

    /// Options applied at connect time (e.g. `statement_timeout` as a startup parameter).
    public struct Options: Sendable {
        /// Seconds libpq waits for the server to answer a connection attempt (`connect_timeout`).
        public var connectTimeout: Int = 10
        /// Sent as `options=-c statement_timeout=…`; leave nil behind PgBouncer (it refuses `options`).
        public var statementTimeout: Duration?
        public init(connectTimeout: Int = 10, statementTimeout: Duration? = nil) {
            self.connectTimeout = connectTimeout
            self.statementTimeout = statementTimeout
        }
    }

    /// Opens a connection. Throws `.connectionFailed` (unreachable, auth, missing database, …), never
    /// with a password in the message.
    public init(_ source: ConnectionString = .environment, applicationName: ApplicationName? = nil,
                options: Options = Options()) throws {
        self.source = source
        self.applicationName = applicationName
        var params: [(String, String)] = [("connect_timeout", String(options.connectTimeout))]
        if let t = options.statementTimeout {
            params.append(("options", "-c statement_timeout=\(t.milliseconds)"))
        }
        params.append(("dbname", source.raw))
        if let applicationName { params.append(("application_name", applicationName.rendered)) }
        guard let h = LibPQ.connect(params) else {
            throw StoreError(.connectionFailed, "out of memory opening a connection to \(source)")
        }
        guard LibPQ.isOK(h) else {
            let message = LibPQ.errorMessage(h)
            LibPQ.finish(h)
            throw StoreError(.connectionFailed, "could not connect to \(source): \(message)",
                             sqlState: Connection.sqlStateGuess(message))
        }
        LibPQ.silenceNotices(h)
        handle = h
        openedAt = .now
    }

    deinit { if let handle { LibPQ.finish(handle) } }

    /// Closes the connection. Idempotent.
    public func close() {
        if let handle { LibPQ.finish(handle) }
        handle = nil
    }

    /// True while open and not broken.
    public var isOpen: Bool {
        guard let handle, !isBroken else { return false }
        return LibPQ.isOK(handle)
    }

    /// The server backend's process id (`pg_backend_pid()`), 0 when closed.
    public var backendPID: Int32 { handle.map(LibPQ.backendPID) ?? 0 }

    /// The server version as an integer (150004 for 15.4).
    public var serverVersion: Int32 { handle.map(LibPQ.serverVersion) ?? 0 }

    /// A server-reported parameter such as `server_version`, `TimeZone` or `application_name`.
    public func parameter(_ name: String) -> String? { handle.flatMap { LibPQ.parameterStatus($0, name) } }

    /// True when the connection sits inside a transaction block (or a failed one).
    public var inTransaction: Bool {
        guard let handle else { return false }
        let s = LibPQ.transactionStatus(handle)
        return s == PQTRANS_INTRANS || s == PQTRANS_INERROR || s == PQTRANS_ACTIVE
    }

    /// Runs one statement with bound parameters (unnamed statement; safe behind PgBouncer).
    @discardableResult
    public func query(_ sql: SQL) throws -> QueryResult {
        let h = try liveHandle(sql.name)
        guard let res = LibPQ.execParams(h, sql.text, sql.binds) else {
            return try failNoResult(h, sql.name)
        }
        defer { LibPQ.clear(res) }
        return try collect(res, h, sql.name)
    }

    /// Runs a statement and returns the affected row count.
    @discardableResult
    public func execute(_ sql: SQL) throws -> Int { try query(sql).affectedRows }

    /// Runs a script of several statements without parameters (simple protocol). For migrations only.
    public func executeScript(_ text: String, name: String) throws {
        let h = try liveHandle(name)
        guard let res = LibPQ.exec(h, text) else { _ = try failNoResult(h, name); return }
        defer { LibPQ.clear(res) }
        _ = try collect(res, h, name)
    }

    /// Runs `body` in a transaction: COMMIT when it returns, ROLLBACK when it throws.
    public func transaction<T>(_ body: (Connection) throws -> T) throws -> T {
        try execute(SQL("BEGIN").named("begin"))
        do {
            let value = try body(self)
            try execute(SQL("COMMIT").named("commit"))
            return value
        } catch {
            if isOpen, inTransaction { _ = try? execute(SQL("ROLLBACK").named("rollback")) }
            throw error
        }
    }

    /// Cancels whatever this connection is running (from another thread). The C function is `PQcancel`.
    public func cancelCurrentQuery() -> Bool { handle.map(LibPQ.cancel) ?? false }

    // MARK: LISTEN / NOTIFY

    /// A notification received on a LISTEN channel.
    public struct Notification: Sendable, Equatable {
        public let channel: String
        public let payload: String
        /// Backend pid of the notifying session.
        public let pid: Int32
    }

    /// Starts listening on `channel`. Use a direct connection: PgBouncer in transaction mode drops notifications.
    public func listen(_ channel: Identifier) throws {
        try execute(SQL(unsafeRaw: "LISTEN \(channel.quoted)", name: "listen"))
    }

    /// Stops listening on `channel`.
    public func unlisten(_ channel: Identifier) throws {
        try execute(SQL(unsafeRaw: "UNLISTEN \(channel.quoted)", name: "unlisten"))
    }

    /// Waits up to `timeout` for notifications without spinning (poll(2) on the socket), then returns what
    /// arrived (possibly none). Throws `.connectionLost` when the connection broke.
    public func waitForNotifications(timeout: Duration) throws -> [Notification] {
        let h = try liveHandle("wait_notifications")
        var out = drainNotifications(h)
        if !out.isEmpty { return out }
        let deadline = ContinuousClock.now + timeout
        while out.isEmpty {
            let remaining = ContinuousClock.now.duration(to: deadline)
            if remaining <= .zero { break }
            let r = LibPQ.waitReadable(h, timeoutMilliseconds: Int32(max(1, min(remaining.milliseconds, 60_000))))
            if r < 0 {
                if errno == EINTR { continue }
                isBroken = true
                throw StoreError(.connectionLost, "waiting for notifications failed: \(String(cString: strerror(errno)))")
            }
            if r == 0 { break }
            guard LibPQ.consumeInput(h) else {
                isBroken = true
                throw StoreError(.connectionLost, "connection lost while listening: \(LibPQ.errorMessage(h))",
                                 statement: "wait_notifications")
            }
            out = drainNotifications(h)
        }
        return out
    }

    /// Checks without blocking whether the server already closed this connection (e.g. after a restart):
    /// reads whatever is pending on the socket. Cheap: one poll(2).
    public func quickAliveCheck() -> Bool {
        guard let h = handle, !isBroken, LibPQ.isOK(h) else { return false }
        // A terminated backend sends an error and then closes: it may take two reads to see the end.
        for _ in 0..<3 {
            let r = LibPQ.waitReadable(h, timeoutMilliseconds: 0)
            if r == 0 { return true }
            if r < 0 || !LibPQ.consumeInput(h) || !LibPQ.isOK(h) { isBroken = true; return false }
        }
        return true
    }

    private func drainNotifications(_ h: OpaquePointer) -> [Notification] {
        var out: [Notification] = []
        while let n = LibPQ.nextNotification(h) { out.append(Notification(channel: n.channel, payload: n.payload, pid: n.pid)) }
        return out
    }

    // MARK: internals

    private func liveHandle(_ name: String?) throws -> OpaquePointer {
        guard let handle else { throw StoreError(.closed, "the connection is closed", statement: name) }
        guard !isBroken, LibPQ.isOK(handle) else {
            isBroken = true
            throw StoreError(.connectionLost, "the connection to the server was lost", statement: name)
        }
        return handle
    }

    private func failNoResult(_ h: OpaquePointer, _ name: String?) throws -> QueryResult {
        let msg = LibPQ.errorMessage(h)
        if !LibPQ.isOK(h) { isBroken = true }
        throw StoreError(LibPQ.isOK(h) ? .server : .connectionLost, msg.isEmpty ? "no result" : msg, statement: name)
    }

    private func collect(_ res: OpaquePointer, _ h: OpaquePointer, _ name: String?) throws -> QueryResult {
        let status = LibPQ.resultStatus(res)
        switch status {
        case PGRES_TUPLES_OK, PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
            let nf = LibPQ.nfields(res), nt = LibPQ.ntuples(res)
            let names = ColumnNames((0..<nf).map { LibPQ.fieldName(res, $0) })
            var rows: [Row] = []
            rows.reserveCapacity(nt)
            for r in 0..<nt {
                var values: [String?] = []
                values.reserveCapacity(nf)
                for c in 0..<nf { values.append(LibPQ.isNull(res, r, c) ? nil : LibPQ.value(res, r, c)) }
                rows.append(Row(names: names, values: values))
            }
            return QueryResult(columns: names.names, rows: rows, affectedRows: LibPQ.cmdTuples(res))
        default:
            let sqlState = LibPQ.errorField(res, "C")
            let primary = LibPQ.errorField(res, "M") ?? LibPQ.resultErrorMessage(res)
            let detail = LibPQ.errorField(res, "D")
            let hint = LibPQ.errorField(res, "H")
            if !LibPQ.isOK(h) {
                isBroken = true
                throw StoreError(.connectionLost, primary.isEmpty ? LibPQ.errorMessage(h) : primary,
                                 sqlState: sqlState, detail: detail, hint: hint, statement: name)
            }
            throw StoreError(Connection.code(for: sqlState), primary, sqlState: sqlState, detail: detail, hint: hint,
                             statement: name)
        }
    }

    static func code(for sqlState: String?) -> StoreError.Code { SQLState.errorCode(for: sqlState) }

    static func sqlStateGuess(_ message: String) -> String? { SQLState.guess(fromConnectMessage: message) }
}

extension Duration {
    /// Whole milliseconds (rounded down).
    public var milliseconds: Int {
        let (s, a) = components
        return Int(s) * 1000 + Int(a / 1_000_000_000_000_000)
    }

    /// Seconds as a Double.
    public var seconds: Double {
        let (s, a) = components
        return Double(s) + Double(a) / 1e18
    }
}
