import SafeText

/// Every error StoreAccess throws. Carries the server's fields when the server raised it, and the name of
/// the statement that failed. `description` is safe to show and log: it never contains a password.
public struct StoreError: Error, Sendable, CustomStringConvertible, Equatable {
    /// What kind of failure this is; stable across releases, for `switch`/`==` in callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The DSN could not be parsed (or an `env:` variable was missing).
        public static let invalidDSN = Code("invalid_dsn")
        /// Connecting failed: unreachable host, authentication, missing database, too many clients.
        public static let connectionFailed = Code("connection_failed")
        /// A working connection broke (server restart, network, terminated backend).
        public static let connectionLost = Code("connection_lost")
        /// The server rejected a statement (see `sqlState`).
        public static let server = Code("server_error")
        /// No pooled connection became free within the acquire timeout.
        public static let poolTimeout = Code("pool_timeout")
        /// The pool (or store) was closed.
        public static let closed = Code("closed")
        /// A value could not be decoded into the requested Swift type.
        public static let decoding = Code("decoding")
        /// A name (identifier, tenant, stream, key, …) failed validation; nothing was sent to the server.
        public static let invalidName = Code("invalid_name")
        /// An argument is invalid (empty append, bad limit, …); nothing was sent to the server.
        public static let invalidArgument = Code("invalid_argument")
        /// The database holds a newer schema version than this library knows.
        public static let schemaTooNew = Code("schema_too_new")
        /// The store schema is missing or incomplete.
        public static let schemaMissing = Code("schema_missing")
        /// An expected version or a conditional append's context did not match.
        public static let conflict = Code("conflict")
        /// An append gave an event id its tenant already has (SQLSTATE SA006).
        public static let duplicateEvent = Code("duplicate_event")
        /// A key or row that must exist does not.
        public static let notFound = Code("not_found")
        /// Another process already runs the named consumer.
        public static let consumerBusy = Code("consumer_busy")
        /// A watch's bounded buffer overflowed: the consumer was too slow.
        public static let overflow = Code("overflow")
        /// The role lacks a privilege the operation needs.
        public static let insufficientPrivilege = Code("insufficient_privilege")
        /// The operation was refused because the caller asked for read-only mode.
        public static let readOnly = Code("read_only")
        /// The operation was cancelled by the caller.
        public static let cancelled = Code("cancelled")
        /// A statement or lock timeout fired.
        public static let timeout = Code("timeout")
        /// The operation would change something immutable (the append-only event log; SQLSTATE SA005).
        public static let immutable = Code("immutable")
        /// A value's type is not supported (e.g. a table column type the table store can't map).
        public static let unsupportedType = Code("unsupported_type")
    }

    public var code: Code
    /// Human-readable message, already redacted.
    public var message: String
    /// SQLSTATE when the server reported the error.
    public var sqlState: String?
    public var detail: String?
    public var hint: String?
    /// The name of the StoreAccess statement that failed (e.g. `events.append`), when known.
    public var statement: String?

    public init(
        _ code: Code, _ message: String, sqlState: String? = nil, detail: String? = nil, hint: String? = nil,
        statement: String? = nil
    ) {
        self.code = code
        // The server's texts quote names and values other sessions chose: shown, never obeyed, and on one line.
        self.message = DisplayText.sanitize(Secrets.redact(message))
        self.sqlState = sqlState
        self.detail = detail.map { DisplayText.sanitize(Secrets.redact($0)) }
        self.hint = hint.map { DisplayText.sanitize(Secrets.redact($0)) }
        self.statement = statement
    }

    public var description: String {
        var s = "\(code): \(message)"
        if let sqlState { s += " [SQLSTATE \(sqlState)]" }
        if let detail, !detail.isEmpty { s += " — detail: \(detail)" }
        if let hint, !hint.isEmpty { s += " — hint: \(hint)" }
        if let statement { s += " (statement: \(statement))" }
        return Secrets.redact(s)
    }

    /// True for errors that mean the connection itself is unusable.
    public var isConnectionError: Bool {
        code == .connectionLost || code == .connectionFailed || SQLState.isConnectionLoss(sqlState)
    }

    /// True when the server refused for lack of privilege (SQLSTATE 42501).
    public var isPrivilegeError: Bool {
        code == .insufficientPrivilege || SQLState.insufficientPrivilege.matches(sqlState)
    }

    /// True when the server reported `state`.
    public func has(_ state: SQLState) -> Bool { state.matches(sqlState) }
}
