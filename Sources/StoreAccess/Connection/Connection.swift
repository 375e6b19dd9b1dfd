import Foundation

/// One PostgreSQL connection over libpq. Blocking, like libpq: use it from one thread at a time (the pool
/// hands a connection to exactly one caller). Closed on `close()` or when released.
public final class Connection {
    /// The libpq connection (`PGconn`); only this type and its extensions hold it.
    private(set) var handle: OpaquePointer?
    /// The application_name this connection was opened with (nil when none was stamped).
    public let applicationName: ApplicationName?
    /// The DSN it was opened from, for messages (masked when printed).
    public let source: ConnectionString
    /// When it was opened (monotonic).
    public let openedAt: ContinuousClock.Instant
    /// Set when a statement failed because the connection broke; the pool then drops it.
    public internal(set) var isBroken = false

    /// Options applied at connect time (e.g. `statement_timeout` as a startup parameter).
    public struct Options: Sendable {
        /// Seconds libpq waits for the server to answer a connection attempt (`connect_timeout`).
        public var connectTimeout: Int = 10
        /// Sent as `options=-c statement_timeout=…`; leave nil behind PgBouncer (it refuses `options`).
        public var statementTimeout: Duration?
        /// Sent as `options=-c lock_timeout=…` (with the statement timeout; same caveat behind PgBouncer).
        public var lockTimeout: Duration?
        /// Other settings sent as `options=-c name=value` (a monitor sends `jit=off`); names and values of letters,
        /// digits, `_` and `.` only, others are left out. Same caveat behind PgBouncer.
        public var settings: [String: String] = [:]
        public init(
            connectTimeout: Int = 10, statementTimeout: Duration? = nil, lockTimeout: Duration? = nil, settings: [String: String] = [:]
        ) {
            self.connectTimeout = connectTimeout
            self.statementTimeout = statementTimeout
            self.lockTimeout = lockTimeout
            self.settings = settings
        }

        /// The `-c name=value` words of `settings`, sorted, without any that would need quoting.
        public var settingWords: [String] {
            func plain(_ s: String) -> Bool { !s.isEmpty && s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == ".") } }
            return settings.sorted { $0.key < $1.key }.filter { plain($0.key) && plain($0.value) }.map { "-c \($0.key)=\($0.value)" }
        }
    }

    /// Opens a connection. Throws `.connectionFailed` (unreachable, auth, missing database, …), never
    /// with a password in the message.
    public init(
        _ source: ConnectionString = .environment, applicationName: ApplicationName? = nil,
        options: Options = Options()
    ) throws {
        self.source = source
        self.applicationName = applicationName
        var params: [(String, String)] = [("connect_timeout", String(options.connectTimeout))]
        let settings =
            (options.statementTimeout.map { ["-c statement_timeout=\($0.milliseconds)"] } ?? [])
            + (options.lockTimeout.map { ["-c lock_timeout=\($0.milliseconds)"] } ?? []) + options.settingWords
        if !settings.isEmpty { params.append(("options", settings.joined(separator: " "))) }
        params.append(("dbname", source.raw))
        if let applicationName { params.append(("application_name", applicationName.rendered)) }
        guard let h = LibPQ.connect(params) else {
            throw StoreError(.connectionFailed, "out of memory opening a connection to \(source)")
        }
        guard LibPQ.isOK(h) else {
            // libpq's message spans lines ("…failed: Connection refused\n\tIs the server running…"): one line
            let message = LibPQ.errorMessage(h).split(whereSeparator: \.isNewline)
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: " ")
            LibPQ.finish(h)
            throw StoreError(
                .connectionFailed, "could not connect to \(source): \(message)",
                sqlState: SQLState.guess(fromConnectMessage: message))
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

    /// Runs one statement with bound parameters (unnamed statement; safe behind PgBouncer).
    @discardableResult
    public func query(_ sql: SQL) throws -> QueryResult {
        let h = try liveHandle(sql.name)
        guard let res = LibPQ.execParams(h, sql.text, sql.binds) else { return try failNoResult(h, sql.name) }
        return try collect(res, h, sql.name)
    }

    /// Runs a statement and returns the affected row count.
    @discardableResult
    public func execute(_ sql: SQL) throws -> Int { try query(sql).affectedRows }

    /// Runs a script of several statements without parameters (simple protocol). For migrations only.
    public func executeScript(_ text: String, name: String) throws {
        let h = try liveHandle(name)
        guard let res = LibPQ.exec(h, text) else { _ = try failNoResult(h, name); return }
        _ = try collect(res, h, name)
    }

    /// Cancels whatever this connection is running (from another thread). The C function is `PQcancel`.
    public func cancelCurrentQuery() -> Bool { handle.map(LibPQ.cancel) ?? false }

    // MARK: internals

    func liveHandle(_ name: String?) throws -> OpaquePointer {
        guard let handle else { throw StoreError(.closed, "the connection is closed", statement: name) }
        guard !isBroken, LibPQ.isOK(handle) else {
            isBroken = true
            throw StoreError(.connectionLost, "the connection to the server was lost", statement: name)
        }
        return handle
    }

}
