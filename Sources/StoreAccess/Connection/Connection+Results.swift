/// Turning a libpq result into rows or a typed `StoreError` (the server's fields, the failing statement's name,
/// and whether the connection broke).
extension Connection {
    /// libpq returned no result at all: out of memory, or the connection broke.
    func failNoResult(_ h: OpaquePointer, _ name: String?) throws -> QueryResult {
        let msg = LibPQ.errorMessage(h)
        if !LibPQ.isOK(h) { isBroken = true }
        throw StoreError(LibPQ.isOK(h) ? .server : .connectionLost, msg.isEmpty ? "no result" : msg, statement: name)
    }

    /// The rows of a successful result, or the typed error of a failed one.
    func collect(_ res: PGResult, _ h: OpaquePointer, _ name: String?) throws -> QueryResult {
        guard res.status.succeeded else { throw failure(res, h, name) }
        let nf = res.columnCount, nt = res.rowCount
        let names = ColumnNames((0..<nf).map { res.columnName($0) })
        var rows: [Row] = []
        rows.reserveCapacity(nt)
        for r in 0..<nt {
            var values: [String?] = []
            values.reserveCapacity(nf)
            for c in 0..<nf { values.append(res.isNull(r, c) ? nil : res.value(r, c)) }
            rows.append(Row(names: names, values: values))
        }
        return QueryResult(columns: names.names, rows: rows, affectedRows: res.affectedRows)
    }

    func failure(_ res: PGResult, _ h: OpaquePointer, _ name: String?) -> StoreError {
        let sqlState = res.errorField(.sqlState)
        let primary = res.errorField(.primaryMessage) ?? res.errorMessage
        let detail = res.errorField(.detail)
        let hint = res.errorField(.hint)
        if !LibPQ.isOK(h) {
            isBroken = true
            return StoreError(
                .connectionLost, primary.isEmpty ? LibPQ.errorMessage(h) : primary,
                sqlState: sqlState, detail: detail, hint: hint, statement: name)
        }
        return StoreError(
            SQLState.errorCode(for: sqlState), primary, sqlState: sqlState, detail: detail, hint: hint,
            statement: name)
    }
}
