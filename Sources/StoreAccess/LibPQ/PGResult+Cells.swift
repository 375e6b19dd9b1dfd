import CLibPQ

/// Reading cells in place: the bytes libpq holds for a cell, without a `String` in between (for decoders that
/// parse binary-format results straight from the result buffer).
extension PGResult {
    /// Calls `body` with the bytes of one cell (nil for SQL NULL); the bytes live as long as the result, so they
    /// must not escape `body`. The corresponding C functions are `PQgetisnull`, `PQgetvalue` and `PQgetlength`.
    @inline(__always)
    func withCell<T>(_ row: Int, _ col: Int, _ body: (UnsafeRawBufferPointer?) throws -> T) rethrows -> T {
        let r = Int32(truncatingIfNeeded: row), c = Int32(truncatingIfNeeded: col)
        let n = Int(PQgetlength(res, r, c))
        // PQgetlength gives 0 for NULL: only an empty cell needs the second call
        if n == 0, PQgetisnull(res, r, c) == 1 { return try body(nil) }
        return try body(UnsafeRawBufferPointer(start: PQgetvalue(res, r, c), count: n))
    }

    /// True when every column is in binary format. The corresponding C function is `PQbinaryTuples`.
    var isBinary: Bool { PQbinaryTuples(res) == 1 }
}
