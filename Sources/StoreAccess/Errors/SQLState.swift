/// The one SQLSTATE table of StoreAccess: every SQLSTATE the library raises, maps or checks, with its meaning
/// and the `StoreError.Code` it becomes. Nothing else in the library spells a SQLSTATE; a test enumerates them
/// and fails on a literal elsewhere. The store's SQL functions raise class `SA` (for StoreAccess); the
/// migrations get those codes from here by placeholder (`@sqlstate_conflict@`, …).
public struct SQLState: Hashable, Sendable, CustomStringConvertible {
    /// The five-character code, e.g. `"SA001"` or `"42501"`.
    public let code: String
    /// What the server (or the store's SQL function) means by it.
    public let meaning: String
    /// The `StoreError.Code` a statement failing with it maps to (nil: `.server`, or decided by its class).
    public let maps: StoreError.Code?

    init(_ code: String, _ meaning: String, _ maps: StoreError.Code? = nil) {
        self.code = code
        self.meaning = meaning
        self.maps = maps
    }

    /// The code, as PostgreSQL prints it.
    public var description: String { code }

    /// True when `state` (a server-reported SQLSTATE) is this one.
    public func matches(_ state: String?) -> Bool { state == code }

    // MARK: raised by the store's own SQL functions (class SA)

    /// An expected version or a conditional append's context did not match.
    public static let conflict = SQLState("SA001", "expected version or append condition not met", .conflict)
    /// A row that must exist (a consumer, a key) does not.
    public static let notFound = SQLState("SA002", "the named row does not exist", .notFound)
    /// An argument is invalid (NULL value, another filter for an existing consumer, …).
    public static let invalidArgument = SQLState("SA003", "invalid argument", .invalidArgument)
    /// A tenant, stream, kind, consumer or key name failed validation.
    public static let invalidName = SQLState("SA004", "invalid name", .invalidName)
    /// An attempt to update, delete or truncate the immutable event log.
    public static let immutable = SQLState("SA005", "the event log is append-only", .immutable)
    /// An append gave an event id that its tenant already has (and was not the same append retried idempotently).
    public static let duplicateEvent = SQLState("SA006", "an event with this id already exists", .duplicateEvent)
    /// An operator function refused to move a running consumer (pause it first, or force).
    public static let consumerBusy = SQLState("SA007", "the consumer is running", .consumerBusy)

    // MARK: standard PostgreSQL codes the library maps or checks

    /// `insufficient_privilege`.
    public static let insufficientPrivilege = SQLState("42501", "insufficient privilege", .insufficientPrivilege)
    /// `query_canceled` (statement_timeout or a cancel request).
    public static let queryCanceled = SQLState("57014", "statement timeout or cancel", .timeout)
    /// `lock_not_available` (lock_timeout, NOWAIT).
    public static let lockNotAvailable = SQLState("55P03", "lock timeout", .timeout)
    /// `admin_shutdown` (backend terminated, server stopping).
    public static let adminShutdown = SQLState("57P01", "backend terminated by an administrator", .connectionLost)
    /// `crash_shutdown`.
    public static let crashShutdown = SQLState("57P02", "server crashed", .connectionLost)
    /// `cannot_connect_now` (starting up or shutting down).
    public static let cannotConnectNow = SQLState("57P03", "server starting up or shutting down", .connectionLost)
    /// `invalid_schema_name`.
    public static let invalidSchemaName = SQLState("3F000", "schema does not exist", .schemaMissing)
    /// `invalid_password` (guessed from the connect message: libpq reports no SQLSTATE for a failed connect).
    public static let invalidPassword = SQLState("28P01", "password authentication failed", .connectionFailed)
    /// `invalid_catalog_name` (database missing; guessed from the connect message).
    public static let invalidCatalogName = SQLState("3D000", "database does not exist", .connectionFailed)
    /// `too_many_connections` (guessed from the connect message).
    public static let tooManyConnections = SQLState("53300", "too many connections", .connectionFailed)
    /// `duplicate_database` (a concurrent CREATE DATABASE won).
    public static let duplicateDatabase = SQLState("42P04", "database already exists")
    /// `unique_violation` (a concurrent CREATE DATABASE can also report this).
    public static let uniqueViolation = SQLState("23505", "unique violation")
    /// `undefined_column` (a table changed under the table store's column cache).
    public static let undefinedColumn = SQLState("42703", "undefined column")
    /// `datatype_mismatch` (likewise).
    public static let datatypeMismatch = SQLState("42804", "datatype mismatch")
    /// `invalid_text_representation` (likewise).
    public static let invalidTextRepresentation = SQLState("22P02", "invalid text representation")
    /// `undefined_table` (a monitor panel whose table is missing).
    public static let undefinedTable = SQLState("42P01", "undefined table")
    /// `undefined_function` (a store function missing, e.g. an older schema).
    public static let undefinedFunction = SQLState("42883", "undefined function")
    /// `feature_not_supported` (likewise).
    public static let featureNotSupported = SQLState("0A000", "feature not supported")

    /// The class of connection exceptions (`08xxx`): the connection is unusable.
    public static let connectionExceptionClass = "08"
    /// The class of the store's own codes.
    public static let storeClass = "SA"

    /// Every code of the table, for enumeration (docs and the one-definition test).
    public static let all: [SQLState] = [
        conflict, notFound, invalidArgument, invalidName, immutable, duplicateEvent, consumerBusy,
        insufficientPrivilege, queryCanceled, lockNotAvailable, adminShutdown, crashShutdown, cannotConnectNow,
        invalidSchemaName, invalidPassword, invalidCatalogName, tooManyConnections, duplicateDatabase,
        uniqueViolation, undefinedColumn, datatypeMismatch, invalidTextRepresentation, featureNotSupported,
        undefinedTable, undefinedFunction,
    ]

    /// The store's own codes (class SA), raised by its SQL functions.
    public static var storeCodes: [SQLState] { all.filter { $0.code.hasPrefix(storeClass) } }

    /// Codes after which the connection is unusable (class 08 and the shutdown codes).
    public static let connectionCodes: Set<String> = [adminShutdown.code, crashShutdown.code, cannotConnectNow.code]

    /// True when `state` means the connection itself is unusable.
    public static func isConnectionLoss(_ state: String?) -> Bool {
        guard let state else { return false }
        return state.hasPrefix(connectionExceptionClass) || connectionCodes.contains(state)
    }

    /// The `StoreError.Code` for a server-reported SQLSTATE.
    public static func errorCode(for state: String?) -> StoreError.Code {
        guard let state else { return .server }
        if isConnectionLoss(state) { return .connectionLost }
        return byCode[state]?.maps ?? .server
    }

    private static let byCode: [String: SQLState] = Dictionary(all.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })

    /// The SQLSTATE a failed connect most likely had (libpq gives only a message for connect failures).
    static func guess(fromConnectMessage message: String) -> String? {
        if message.contains("password authentication failed") { return invalidPassword.code }
        if message.contains("does not exist") && message.contains("database") { return invalidCatalogName.code }
        if message.contains("too many clients") || message.contains("remaining connection slots") {
            return tooManyConnections.code
        }
        if message.contains("the database system is starting up") || message.contains("shutting down") {
            return cannotConnectNow.code
        }
        return nil
    }
}
