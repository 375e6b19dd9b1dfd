import CLibPQ

/// An owning libpq result (`PGresult`): cleared exactly once, when the last reference goes (`PQclear` in
/// `deinit`), so no path can leak or double-free one. Only the LibPQ folder creates one.
final class PGResult {
    let res: OpaquePointer

    /// Takes ownership of `res` (nil stays nil: libpq returns none when out of memory or the connection broke).
    init?(owning res: OpaquePointer?) {
        guard let res else { return nil }
        self.res = res
    }

    /// The corresponding C function is `PQclear`.
    deinit { PQclear(res) }

    /// The result's status. The corresponding C function is `PQresultStatus`.
    var status: ResultStatus { ResultStatus(PQresultStatus(res)) }

    /// One error field (SQLSTATE, message, detail, hint). The corresponding C function is `PQresultErrorField`.
    func errorField(_ field: ErrorField) -> String? {
        guard let p = PQresultErrorField(res, field.code) else { return nil }
        return String(cString: p)
    }

    /// The whole error message. The corresponding C function is `PQresultErrorMessage`.
    var errorMessage: String {
        guard let p = PQresultErrorMessage(res) else { return "" }
        return String(cString: p).trimmingTrailingNewlines()
    }

    /// Rows. The corresponding C function is `PQntuples`.
    var rowCount: Int { Int(PQntuples(res)) }
    /// Columns. The corresponding C function is `PQnfields`.
    var columnCount: Int { Int(PQnfields(res)) }
    /// A column's name. The corresponding C function is `PQfname`.
    func columnName(_ col: Int) -> String { String(cString: PQfname(res, Int32(col))) }
    /// A column's type oid. The corresponding C function is `PQftype`.
    func columnType(_ col: Int) -> UInt32 { UInt32(PQftype(res, Int32(col))) }
    /// True for SQL NULL. The corresponding C function is `PQgetisnull`.
    func isNull(_ row: Int, _ col: Int) -> Bool { PQgetisnull(res, Int32(row), Int32(col)) == 1 }

    /// The value of one cell as text. The corresponding C functions are `PQgetvalue` and `PQgetlength`.
    func value(_ row: Int, _ col: Int) -> String {
        let p = PQgetvalue(res, Int32(row), Int32(col))!
        let n = Int(PQgetlength(res, Int32(row), Int32(col)))
        return p.withMemoryRebound(to: UInt8.self, capacity: n) { u in
            String(decoding: UnsafeBufferPointer(start: u, count: n), as: UTF8.self)
        }
    }

    /// Rows affected by the command. The corresponding C function is `PQcmdTuples`.
    var affectedRows: Int {
        guard let p = PQcmdTuples(res) else { return 0 }
        return Int(String(cString: p)) ?? 0
    }

    /// The error fields StoreAccess reads (libpq's `PG_DIAG_*` codes).
    enum ErrorField: Character {
        case sqlState = "C"
        case primaryMessage = "M"
        case detail = "D"
        case hint = "H"

        var code: Int32 { Int32(rawValue.asciiValue!) }
    }
}
