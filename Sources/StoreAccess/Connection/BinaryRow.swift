import Foundation

/// One row of a binary-format result, decoded in place from libpq's buffer: integers, timestamps and UUIDs are
/// read from their fixed-width wire form, text is copied once into the `String` that is kept. For the reads
/// that return many rows of a known shape (events); everything else goes through `Row`.
struct BinaryRow {
    let result: PGResult
    let index: Int

    /// A `bigint` column (8 bytes, big-endian).
    @inline(__always)
    func int64(_ col: Int) throws -> Int64 {
        guard let v = try optionalInt64(col) else { throw nullColumn(col, "bigint") }
        return v
    }

    /// A `bigint` column that may be NULL.
    @inline(__always)
    func optionalInt64(_ col: Int) throws -> Int64? {
        try result.withCell(index, col) { b in
            guard let b else { return nil }
            guard b.count == 8 else { throw wrongSize(col, "bigint", b.count) }
            return Int64(bigEndian: b.loadUnaligned(as: Int64.self))
        }
    }

    /// An `integer` column (4 bytes, big-endian).
    @inline(__always)
    func int32(_ col: Int) throws -> Int32 {
        try result.withCell(index, col) { b in
            guard let b else { throw nullColumn(col, "integer") }
            guard b.count == 4 else { throw wrongSize(col, "integer", b.count) }
            return Int32(bigEndian: b.loadUnaligned(as: Int32.self))
        }
    }

    /// A `text` column: its bytes as they are (the server sends text in the client encoding, UTF-8).
    @inline(__always)
    func text(_ col: Int) throws -> String {
        try result.withCell(index, col) { b in
            guard let b else { throw nullColumn(col, "text") }
            return String(decoding: b, as: UTF8.self)
        }
    }

    /// A `jsonb` column: a version byte (1) and the document's text.
    @inline(__always)
    func jsonb(_ col: Int) throws -> JSONText {
        try result.withCell(index, col) { b in
            guard let b else { throw nullColumn(col, "jsonb") }
            guard b.count >= 1, b[0] == 1 else { throw StoreError(.decoding, "column \(col): unknown jsonb format") }
            return JSONText(String(decoding: UnsafeRawBufferPointer(rebasing: b[1...]), as: UTF8.self))
        }
    }

    /// A `timestamptz` column: microseconds since 2000-01-01 00:00 UTC, 8 bytes, big-endian.
    @inline(__always)
    func timestamp(_ col: Int) throws -> Date {
        try result.withCell(index, col) { b in
            guard let b else { throw nullColumn(col, "timestamptz") }
            guard b.count == 8 else { throw wrongSize(col, "timestamptz", b.count) }
            let micros = Int64(bigEndian: b.loadUnaligned(as: Int64.self))
            let (secs, rest) = micros.quotientAndRemainder(dividingBy: 1_000_000)
            let (s, m) = rest < 0 ? (secs - 1, rest + 1_000_000) : (secs, rest)
            return PostgresTimestamp.date(unixSeconds: s + PostgresTimestamp.postgresEpoch, micros: m)
        }
    }

    /// A `uuid` column that may be NULL (16 bytes).
    @inline(__always)
    func optionalUUID(_ col: Int) throws -> UUID? {
        try result.withCell(index, col) { b in
            guard let b else { return nil }
            guard b.count == 16 else { throw wrongSize(col, "uuid", b.count) }
            var u: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
            withUnsafeMutableBytes(of: &u) { $0.copyMemory(from: b) }
            return UUID(uuid: u)
        }
    }

    private func nullColumn(_ col: Int, _ type: String) -> StoreError {
        StoreError(.decoding, "column \(result.columnName(col)) is NULL, expected \(type)")
    }

    private func wrongSize(_ col: Int, _ type: String, _ n: Int) -> StoreError {
        StoreError(.decoding, "column \(result.columnName(col)): \(n) bytes is not a binary \(type)")
    }
}

/// The text of one column, kept from row to row of one result: when a cell holds the same bytes as the previous
/// row's (a catch-up repeats tenants, types and metadata), its `String` is shared instead of made again. The
/// bytes it compares with are libpq's, valid while the result lives: one `RepeatedText` per result.
struct RepeatedText {
    private var bytes: UnsafeRawBufferPointer?
    private var value = ""

    /// The cell's text (`BinaryRow.text`, or with `jsonb` a `jsonb` document's as `BinaryRow.jsonb` reads it), the
    /// previous row's `String` when the bytes are equal.
    @inline(__always)
    mutating func text(_ r: BinaryRow, _ col: Int, jsonb: Bool = false) throws -> String {
        try r.result.withCell(r.index, col) { b in
            guard let b else { throw StoreError(.decoding, "column \(r.result.columnName(col)) is NULL, expected text") }
            if let old = bytes, old.count == b.count, memcmp(old.baseAddress!, b.baseAddress!, b.count) == 0 { return value }
            if jsonb, b.count < 1 || b[0] != 1 { throw StoreError(.decoding, "column \(col): unknown jsonb format") }
            value = String(decoding: UnsafeRawBufferPointer(rebasing: b[(jsonb ? 1 : 0)...]), as: UTF8.self)
            bytes = b
            return value
        }
    }
}

/// PostgreSQL type oids of the binary decoders (`pg_type.oid`).
enum PostgresType {
    static let int8: UInt32 = 20
    static let int4: UInt32 = 23
    static let text: UInt32 = 25
    static let jsonb: UInt32 = 3802
    static let timestamptz: UInt32 = 1184
    static let uuid: UInt32 = 2950
}

extension Connection {
    /// Runs one statement with its result in binary format and decodes each row in place with `decode`, after
    /// checking that the columns have the types `columns` names (a mismatch throws `.decoding`).
    func queryBinary<T>(_ sql: SQL, columns: [UInt32], _ decode: (BinaryRow) throws -> T) throws -> [T] {
        let h = try liveHandle(sql.name)
        guard let res = LibPQ.execParams(h, sql.text, sql.binds, binaryResults: true) else {
            _ = try failNoResult(h, sql.name)
            return []
        }
        guard res.status.succeeded else { throw failure(res, h, sql.name) }
        return try decodeBinary(res, sql, columns: columns, decode)
    }

    /// The rows of a successful binary-format result, decoded in place with `decode`.
    func decodeBinary<T>(_ res: PGResult, _ sql: SQL, columns: [UInt32], _ decode: (BinaryRow) throws -> T) throws -> [T] {
        var out: [T] = []
        try decodeBinary(res, sql, columns: columns, into: &out, decode)
        return out
    }

    /// The rows of a successful binary-format result, decoded in place with `decode` and appended to `out` (a
    /// buffer kept across pages is not allocated and faulted in again for each).
    func decodeBinary<T>(
        _ res: PGResult, _ sql: SQL, columns: [UInt32], into out: inout [T], _ decode: (BinaryRow) throws -> T
    ) throws {
        let types = (0..<res.columnCount).map { res.columnType($0) }
        guard types == columns, res.isBinary else {
            throw StoreError(.decoding, "\(sql.description): columns of types \(types), expected \(columns)", statement: sql.name)
        }
        let n = res.rowCount
        out.reserveCapacity(out.count + n)
        for r in 0..<n { out.append(try decode(BinaryRow(result: res, index: r))) }
    }

    /// Sends one statement without waiting, its result in binary format; `awaitResult` takes the result. Nothing
    /// else may run on the connection in between.
    func sendBinary(_ sql: SQL) throws {
        let h = try liveHandle(sql.name)
        guard LibPQ.sendParams(h, sql.text, sql.binds, binaryResults: true) else {
            isBroken = !LibPQ.isOK(h)
            throw StoreError(isBroken ? .connectionLost : .server, LibPQ.errorMessage(h), statement: sql.name)
        }
    }

    /// Waits for the result of the statement `sendBinary` sent and reads to its end (the connection is then free
    /// again); throws the statement's error.
    func awaitResult(_ sql: SQL) throws -> PGResult {
        let h = try liveHandle(sql.name)
        var first: PGResult?
        while let r = LibPQ.nextResult(h) { if first == nil { first = r } }
        guard let res = first else {
            _ = try failNoResult(h, sql.name)
            throw StoreError(.server, "no result", statement: sql.name)
        }
        guard res.status.succeeded else { throw failure(res, h, sql.name) }
        return res
    }

    /// Reads and drops the result of a statement in flight (after a failure between `sendBinary` and
    /// `awaitResult`), so the connection can go back to its pool.
    func discardResult() {
        guard let h = handle else { return }
        while LibPQ.nextResult(h) != nil {}
    }
}
