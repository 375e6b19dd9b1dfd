/// The rows of one statement, copied out of libpq's result (which is freed at once).
public struct QueryResult: Sendable {
    /// Column names, in order.
    public let columns: [String]
    /// Rows of text values (nil = SQL NULL).
    public let rows: [Row]
    /// Rows affected by an INSERT/UPDATE/DELETE (`PQcmdTuples`).
    public let affectedRows: Int

    /// The first row, if any.
    public var first: Row? { rows.first }
}

/// One result row. Values are decoded on access, by column index or name.
public struct Row: Sendable {
    let names: ColumnNames
    public let values: [String?]

    /// The raw text of a column (nil for NULL).
    public subscript(_ index: Int) -> String? { values[index] }

    /// The raw text of a named column (nil for NULL or a missing column).
    public subscript(_ name: String) -> String? {
        guard let i = names.index(of: name) else { return nil }
        return values[i]
    }

    /// Decodes a non-NULL column; throws `.decoding` for NULL or a bad value.
    public func decode<T: PostgresDecodable>(_ index: Int, as: T.Type = T.self) throws -> T {
        guard index < values.count else { throw StoreError(.decoding, "no column \(index)") }
        guard let text = values[index] else {
            throw StoreError(.decoding, "column \(names.names[index]) is NULL, expected \(T.self)")
        }
        return try T(postgresText: text)
    }

    /// Decodes a column that may be NULL.
    public func decodeOptional<T: PostgresDecodable>(_ index: Int, as: T.Type = T.self) throws -> T? {
        guard index < values.count, let text = values[index] else { return nil }
        return try T(postgresText: text)
    }

    /// Decodes a named column.
    public func decode<T: PostgresDecodable>(_ name: String, as: T.Type = T.self) throws -> T {
        guard let i = names.index(of: name) else { throw StoreError(.decoding, "no column named \(name)") }
        return try decode(i, as: T.self)
    }

    /// Decodes a named column that may be NULL.
    public func decodeOptional<T: PostgresDecodable>(_ name: String, as: T.Type = T.self) throws -> T? {
        guard let i = names.index(of: name) else { return nil }
        return try decodeOptional(i, as: T.self)
    }
}

/// Column names shared by all rows of a result.
final class ColumnNames: Sendable {
    let names: [String]
    private let lookup: [String: Int]
    init(_ names: [String]) {
        self.names = names
        var d: [String: Int] = [:]
        for (i, n) in names.enumerated() where d[n] == nil { d[n] = i }
        lookup = d
    }
    func index(of name: String) -> Int? { lookup[name] }
}
