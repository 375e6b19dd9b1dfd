import CLibPQ

/// A result's status, typed (libpq's `ExecStatusType`).
enum ResultStatus: Equatable, Sendable {
    case emptyQuery, commandOK, tuplesOK, copyOut, copyIn, badResponse, nonfatalError, fatalError, copyBoth
    case singleTuple, pipelineSync, pipelineAborted
    /// A status this library does not know (a newer libpq).
    case unknown(UInt32)

    init(_ status: ExecStatusType) {
        switch status {
        case PGRES_EMPTY_QUERY: self = .emptyQuery
        case PGRES_COMMAND_OK: self = .commandOK
        case PGRES_TUPLES_OK: self = .tuplesOK
        case PGRES_COPY_OUT: self = .copyOut
        case PGRES_COPY_IN: self = .copyIn
        case PGRES_BAD_RESPONSE: self = .badResponse
        case PGRES_NONFATAL_ERROR: self = .nonfatalError
        case PGRES_FATAL_ERROR: self = .fatalError
        case PGRES_COPY_BOTH: self = .copyBoth
        case PGRES_SINGLE_TUPLE: self = .singleTuple
        case PGRES_PIPELINE_SYNC: self = .pipelineSync
        case PGRES_PIPELINE_ABORTED: self = .pipelineAborted
        default: self = .unknown(status.rawValue)
        }
    }

    /// True when the statement succeeded (with or without rows).
    var succeeded: Bool { self == .tuplesOK || self == .commandOK || self == .emptyQuery }
}

/// A connection's transaction state, typed (libpq's `PGTransactionStatusType`).
enum TransactionStatus: Equatable, Sendable {
    /// Idle, outside a transaction block.
    case idle
    /// A command is in progress.
    case active
    /// Idle inside a valid transaction block.
    case inTransaction
    /// Idle inside a failed transaction block.
    case inError
    /// The connection is bad.
    case unknown

    init(_ status: PGTransactionStatusType) {
        switch status {
        case PQTRANS_IDLE: self = .idle
        case PQTRANS_ACTIVE: self = .active
        case PQTRANS_INTRANS: self = .inTransaction
        case PQTRANS_INERROR: self = .inError
        default: self = .unknown
        }
    }

    /// True inside a transaction block (or a failed one), or while a command runs.
    var isInTransaction: Bool { self == .inTransaction || self == .inError || self == .active }
}
