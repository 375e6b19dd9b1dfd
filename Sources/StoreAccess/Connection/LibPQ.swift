import CLibPQ
import Glibc

/// The one place that calls libpq. Every C call used by StoreAccess goes through here, under a Swift name,
/// so the rest of the library never touches a raw pointer and tests have one seam.
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
    /// dashboard's terminal). The C function is `PQsetNoticeProcessor`.
    static func silenceNotices(_ conn: OpaquePointer) {
        _ = PQsetNoticeProcessor(conn, { _, _ in }, nil)
    }

    /// The corresponding C function is `PQfinish`.
    static func finish(_ conn: OpaquePointer) { PQfinish(conn) }

    /// True when the connection is usable. The corresponding C function is `PQstatus`.
    static func isOK(_ conn: OpaquePointer) -> Bool { PQstatus(conn) == CONNECTION_OK }

    /// The corresponding C function is `PQerrorMessage`.
    static func errorMessage(_ conn: OpaquePointer) -> String {
        guard let p = PQerrorMessage(conn) else { return "" }
        return String(cString: p).trimmingTrailingNewlines()
    }

    /// The corresponding C function is `PQbackendPID`.
    static func backendPID(_ conn: OpaquePointer) -> Int32 { PQbackendPID(conn) }

    /// The corresponding C function is `PQserverVersion`.
    static func serverVersion(_ conn: OpaquePointer) -> Int32 { PQserverVersion(conn) }

    /// The corresponding C function is `PQparameterStatus`.
    static func parameterStatus(_ conn: OpaquePointer, _ name: String) -> String? {
        guard let p = PQparameterStatus(conn, name) else { return nil }
        return String(cString: p)
    }

    /// Transaction state: idle, active, in transaction, in error, unknown. The C function is `PQtransactionStatus`.
    static func transactionStatus(_ conn: OpaquePointer) -> PGTransactionStatusType { PQtransactionStatus(conn) }

    /// Runs one statement with unnamed, text-format parameters. The C function is `PQexecParams`.
    static func execParams(_ conn: OpaquePointer, _ text: String, _ binds: [String?]) -> OpaquePointer? {
        if binds.isEmpty {
            return PQexecParams(conn, text, 0, nil, nil, nil, nil, 0)
        }
        let cValues: [UnsafeMutablePointer<CChar>?] = binds.map { $0.map { strdup($0) } ?? nil }
        defer { cValues.forEach { free($0) } }
        return cValues.withUnsafeBufferPointer { buf in
            buf.baseAddress!.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: buf.count) { vp in
                PQexecParams(conn, text, Int32(binds.count), nil, vp, nil, nil, 0)
            }
        }
    }

    /// Runs a script of several statements (simple protocol, no parameters). The C function is `PQexec`.
    static func exec(_ conn: OpaquePointer, _ text: String) -> OpaquePointer? { PQexec(conn, text) }

    /// The C function is `PQclear`.
    static func clear(_ res: OpaquePointer) { PQclear(res) }

    /// The C function is `PQresultStatus`.
    static func resultStatus(_ res: OpaquePointer) -> ExecStatusType { PQresultStatus(res) }

    /// One error field of a result (SQLSTATE is "C"). The C function is `PQresultErrorField`.
    static func errorField(_ res: OpaquePointer, _ field: Character) -> String? {
        guard let p = PQresultErrorField(res, Int32(field.asciiValue!)) else { return nil }
        return String(cString: p)
    }

    /// The C function is `PQresultErrorMessage`.
    static func resultErrorMessage(_ res: OpaquePointer) -> String {
        guard let p = PQresultErrorMessage(res) else { return "" }
        return String(cString: p).trimmingTrailingNewlines()
    }

    static func ntuples(_ res: OpaquePointer) -> Int { Int(PQntuples(res)) }
    static func nfields(_ res: OpaquePointer) -> Int { Int(PQnfields(res)) }
    static func fieldName(_ res: OpaquePointer, _ col: Int) -> String { String(cString: PQfname(res, Int32(col))) }
    static func fieldType(_ res: OpaquePointer, _ col: Int) -> UInt32 { UInt32(PQftype(res, Int32(col))) }
    static func isNull(_ res: OpaquePointer, _ row: Int, _ col: Int) -> Bool { PQgetisnull(res, Int32(row), Int32(col)) == 1 }

    /// The value of one cell as text. The C functions are `PQgetvalue` and `PQgetlength`.
    static func value(_ res: OpaquePointer, _ row: Int, _ col: Int) -> String {
        let p = PQgetvalue(res, Int32(row), Int32(col))!
        let n = Int(PQgetlength(res, Int32(row), Int32(col)))
        return p.withMemoryRebound(to: UInt8.self, capacity: n) { u in
            String(decoding: UnsafeBufferPointer(start: u, count: n), as: UTF8.self)
        }
    }

    /// Rows affected by the command. The C function is `PQcmdTuples`.
    static func cmdTuples(_ res: OpaquePointer) -> Int {
        guard let p = PQcmdTuples(res) else { return 0 }
        return Int(String(cString: p)) ?? 0
    }

    /// The C function is `PQsocket`.
    static func socket(_ conn: OpaquePointer) -> Int32 { PQsocket(conn) }

    /// Waits for input on the socket without spinning (poll(2)). Returns >0 readable, 0 timeout, <0 error.
    static func waitReadable(_ conn: OpaquePointer, timeoutMilliseconds: Int32) -> Int32 {
        storetop_pq_wait_readable(conn, timeoutMilliseconds)
    }

    /// Reads what the server sent. The C function is `PQconsumeInput` (returns false on a broken connection).
    static func consumeInput(_ conn: OpaquePointer) -> Bool { PQconsumeInput(conn) == 1 }

    /// Pops one queued notification. The C functions are `PQnotifies` and `PQfreemem`.
    static func nextNotification(_ conn: OpaquePointer) -> (channel: String, payload: String, pid: Int32)? {
        guard let n = PQnotifies(conn) else { return nil }
        defer { PQfreemem(n) }
        return (String(cString: n.pointee.relname), String(cString: n.pointee.extra), n.pointee.be_pid)
    }

    /// Parses a connection string the way libpq will. The C function is `PQconninfoParse`.
    /// Returns the parameters that are set, or the parser's error message.
    static func parseConninfo(_ text: String) -> Result<[(String, String)], ConninfoParseError> {
        var err: UnsafeMutablePointer<CChar>?
        guard let opts = PQconninfoParse(text, &err) else {
            let message = err.map { String(cString: $0) } ?? "out of memory"
            if let err { PQfreemem(err) }
            return .failure(ConninfoParseError(message: message.trimmingTrailingNewlines()))
        }
        defer { PQconninfoFree(opts) }
        var out: [(String, String)] = []
        var p = opts
        while let kw = p.pointee.keyword {
            if let v = p.pointee.val { out.append((String(cString: kw), String(cString: v))) }
            p += 1
        }
        return .success(out)
    }

    /// Does libpq read `text` (blanks trimmed, as `ConnectionString` does) as a connection string, URL or key=value?
    static func parsesAsDSN(_ text: String) -> Bool {
        let t = text.trimmingCharacters(in: .whitespaces)
        guard !t.isEmpty, !t.utf8.contains(0), ConnectionString.isURL(t) || t.contains("=") else { return false }
        if case .success = parseConninfo(t) { return true }
        return false
    }

    /// Sends a cancel request for whatever the connection runs. The C functions are `PQgetCancel`, `PQcancel`.
    static func cancel(_ conn: OpaquePointer) -> Bool {
        guard let c = PQgetCancel(conn) else { return false }
        defer { PQfreeCancel(c) }
        var buf = [CChar](repeating: 0, count: 256)
        return PQcancel(c, &buf, 256) == 1
    }

    /// Escapes bytes for a bytea literal value in hex form.
    static func libraryVersion() -> Int32 { PQlibVersion() }
}

struct ConninfoParseError: Error { let message: String }

extension String {
    func trimmingTrailingNewlines() -> String {
        var s = Substring(self)
        while let last = s.last, last == "\n" || last == "\r" || last == " " { s.removeLast() }
        return String(s)
    }
}
