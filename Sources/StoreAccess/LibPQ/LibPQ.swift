import CLibPQ
import Glibc

/// The one place that calls libpq (with the other files of this folder). Every C call StoreAccess makes goes
/// through here under a Swift name whose doc line names the C function, so the rest of the library never calls C,
/// and tests have one seam. Results come back as owning `PGResult`s; only `Connection` holds a raw `PGconn`.
enum LibPQ {
    /// Opens a blocking connection. The corresponding C function is `PQconnectdbParams` (expand_dbname = 1).
    static func connect(_ params: [(String, String)]) -> OpaquePointer? {
        var keys: [UnsafeMutablePointer<CChar>?] = params.map { strdup($0.0) }
        var values: [UnsafeMutablePointer<CChar>?] = params.map { strdup($0.1) }
        keys.append(nil)
        values.append(nil)
        defer {
            keys.forEach { free($0) }
            values.forEach { free($0) }
        }
        return keys.withUnsafeBufferPointer { k in
            values.withUnsafeBufferPointer { v in
                k.baseAddress!.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: k.count) { kp in
                    v.baseAddress!.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: v.count) { vp in
                        PQconnectdbParams(kp, vp, 1)
                    }
                }
            }
        }
    }

    /// Silences libpq's default notice printing to stderr (NOTICEs are not errors; they must not reach a
    /// dashboard's terminal). The corresponding C function is `PQsetNoticeProcessor`.
    static func silenceNotices(_ conn: OpaquePointer) {
        _ = PQsetNoticeProcessor(conn, { _, _ in }, nil)
    }

    /// Closes the connection and frees it. The corresponding C function is `PQfinish`.
    static func finish(_ conn: OpaquePointer) { PQfinish(conn) }

    /// True when the connection is usable. The corresponding C function is `PQstatus`.
    static func isOK(_ conn: OpaquePointer) -> Bool { PQstatus(conn) == CONNECTION_OK }

    /// The connection's last error message. The corresponding C function is `PQerrorMessage`.
    static func errorMessage(_ conn: OpaquePointer) -> String {
        guard let p = PQerrorMessage(conn) else { return "" }
        return String(cString: p).trimmingTrailingNewlines()
    }

    /// The server backend's process id. The corresponding C function is `PQbackendPID`.
    static func backendPID(_ conn: OpaquePointer) -> Int32 { PQbackendPID(conn) }

    /// The server version as an integer. The corresponding C function is `PQserverVersion`.
    static func serverVersion(_ conn: OpaquePointer) -> Int32 { PQserverVersion(conn) }

    /// A parameter the server reported. The corresponding C function is `PQparameterStatus`.
    static func parameterStatus(_ conn: OpaquePointer, _ name: String) -> String? {
        guard let p = PQparameterStatus(conn, name) else { return nil }
        return String(cString: p)
    }

    /// The connection's transaction state. The corresponding C function is `PQtransactionStatus`.
    static func transactionStatus(_ conn: OpaquePointer) -> TransactionStatus {
        TransactionStatus(PQtransactionStatus(conn))
    }

    /// Runs one statement with unnamed, text-format parameters; the result comes in text format, or in binary
    /// format (every column) when `binaryResults`. The corresponding C function is `PQexecParams`.
    static func execParams(_ conn: OpaquePointer, _ text: String, _ binds: [String?], binaryResults: Bool = false) -> PGResult? {
        let format: Int32 = binaryResults ? 1 : 0
        if binds.isEmpty {
            return PGResult(owning: PQexecParams(conn, text, 0, nil, nil, nil, nil, format))
        }
        let cValues: [UnsafeMutablePointer<CChar>?] = binds.map { $0.map { strdup($0) } ?? nil }
        defer { cValues.forEach { free($0) } }
        return cValues.withUnsafeBufferPointer { buf in
            buf.baseAddress!.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: buf.count) { vp in
                PGResult(owning: PQexecParams(conn, text, Int32(binds.count), nil, vp, nil, nil, format))
            }
        }
    }

    /// Sends one statement (unnamed, text-format parameters) without waiting for its result, which comes in binary
    /// format when `binaryResults`; false when it could not be sent. The corresponding C function is
    /// `PQsendQueryParams`.
    static func sendParams(_ conn: OpaquePointer, _ text: String, _ binds: [String?], binaryResults: Bool) -> Bool {
        let format: Int32 = binaryResults ? 1 : 0
        let cValues: [UnsafeMutablePointer<CChar>?] = binds.map { $0.map { strdup($0) } ?? nil }
        defer { cValues.forEach { free($0) } }
        return cValues.withUnsafeBufferPointer { buf in
            buf.baseAddress.map {
                $0.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: buf.count) { vp in
                    PQsendQueryParams(conn, text, Int32(binds.count), nil, vp, nil, nil, format) == 1
                }
            } ?? (PQsendQueryParams(conn, text, 0, nil, nil, nil, nil, format) == 1)
        }
    }

    /// The next result of what was sent, waiting for it; nil once the statement's results are all read. The
    /// corresponding C function is `PQgetResult`.
    static func nextResult(_ conn: OpaquePointer) -> PGResult? { PGResult(owning: PQgetResult(conn)) }

    /// Runs a script of several statements (simple protocol, no parameters). The corresponding C function is
    /// `PQexec`.
    static func exec(_ conn: OpaquePointer, _ text: String) -> PGResult? { PGResult(owning: PQexec(conn, text)) }

    /// Sends a cancel request for whatever the connection runs. The corresponding C functions are `PQgetCancel`,
    /// `PQcancel` and `PQfreeCancel`.
    static func cancel(_ conn: OpaquePointer) -> Bool {
        guard let c = PQgetCancel(conn) else { return false }
        defer { PQfreeCancel(c) }
        var buf = [CChar](repeating: 0, count: 256)
        return PQcancel(c, &buf, 256) == 1
    }

    /// The libpq version linked. The corresponding C function is `PQlibVersion`.
    static func libraryVersion() -> Int32 { PQlibVersion() }
}

extension String {
    func trimmingTrailingNewlines() -> String {
        var s = Substring(self)
        while let last = s.last, last == "\n" || last == "\r" || last == " " { s.removeLast() }
        return String(s)
    }
}
