import Foundation

/// A JSON-friendly value of a table cell or a bind parameter.
public enum TableValue: Sendable, Equatable, Hashable, CustomStringConvertible {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    /// Text, and the text form of numeric, uuid, dates, timestamps and bytea (hex).
    case string(String)
    /// A json/jsonb value, as JSON text.
    case json(String)

    var text: String? {
        switch self {
        case .null: return nil
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d): return String(d)
        case .string(let s), .json(let s): return s
        }
    }

    public var description: String { text ?? "NULL" }
}

/// How a table store finds a table by name.
public enum TableResolution: Sendable, Equatable {
    /// In the store's namespace schema, through the catalog, whatever the connections' `search_path` (the default).
    case namespace
    /// Through the connections' `search_path`, as an unqualified name in SQL resolves: the first schema on the
    /// path holding the name wins (axon's PostgresStoreBackend). The schema found is cached with the columns
    /// and looked up again when the table changes under the cache (a column vanished or changed type); a table
    /// created later earlier on the path is found by a new store. Set the path on the role or database
    /// (`ALTER ROLE … SET search_path`), or in the DSN's `options` on a direct connection (PgBouncer refuses it).
    case searchPath
}

/// axonstore's generic CRUD on existing tables, resolved through the catalog (independent of `search_path`,
/// unless asked: `TableResolution.searchPath`), optionally inside a per-tenant schema namespace that is also
/// stamped into `application_name`.
/// Where-expressions are parsed (`WhereExpression`); identifiers are validated against the table's columns;
/// values are always bound.
public final class TableStore: @unchecked Sendable {
    public let pool: Pool
    /// The schema the tables live in (the tenant's namespace, or `public`).
    public let namespace: Identifier
    /// Where tables are looked up: the namespace (default) or the connections' `search_path`.
    public let resolution: TableResolution
    private let lock = NSLock()
    private var cache: [String: Resolved] = [:]

    /// A table as found: its schema, its name and its columns.
    struct Resolved: Sendable, Equatable {
        let schema: Identifier
        let table: Identifier
        let columns: [Column]
        var name: String { table.name }
        /// `"schema"."table"`, for SQL.
        var qualified: String { schema.quoted + "." + table.quoted }
    }

    struct Column: Sendable, Equatable {
        let name: String
        let type: String  // format_type, safe to append as a cast
        let base: String  // pg_type.typname
    }

    /// Opens a table store with its own pool, named `st:<service>/table/<namespace>`. Tables are looked up in
    /// `namespace`, or through the connections' `search_path` with `resolution: .searchPath`.
    public init(
        dsn: String, service: String, namespace: String = "public", resolution: TableResolution = .namespace,
        configure: (inout PoolConfiguration) -> Void = { _ in }
    ) throws {
        self.namespace = try Identifier(namespace, what: "schema namespace")
        self.resolution = resolution
        var c = PoolConfiguration(
            source: try ConnectionString(dsn),
            applicationName: ApplicationName(
                service: service, store: "table",
                tenant: namespace == "public" ? nil : namespace))
        c.reportInterval = nil
        configure(&c)
        pool = try Pool(c)
    }

    /// Closes the pool.
    public func close() { pool.close() }

    /// `SELECT 1`.
    public func ping() throws { try pool.query(SQL("SELECT 1").named("table.ping")) }

    /// The table named `table` (from the cache unless `refresh`), in the namespace or through `search_path`.
    func resolve(_ table: Identifier, refresh: Bool = false, on c: Connection) throws -> Resolved {
        lock.lock()
        if !refresh, let hit = cache[table.name] { lock.unlock(); return hit }
        lock.unlock()
        let byPath = resolution == .searchPath
        let rows = try c.query(
            SQL(
                """
                SELECT a.attname, format_type(a.atttypid, a.atttypmod), coalesce(bt.typname, t.typname), n.nspname
                  FROM pg_catalog.pg_attribute a
                  JOIN pg_catalog.pg_class cl ON cl.oid = a.attrelid
                  JOIN pg_catalog.pg_namespace n ON n.oid = cl.relnamespace
                  JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
                  LEFT JOIN pg_catalog.pg_type bt ON t.typtype = 'd' AND bt.oid = t.typbasetype
                 WHERE (CASE WHEN \(byPath) THEN cl.oid = to_regclass(\(table.quoted))
                             ELSE n.nspname = \(namespace.name) AND cl.relname = \(table.name) END)
                   AND cl.relkind IN ('r', 'p', 'v', 'm', 'f') AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum
                """
            ).named("table.columns")
        ).rows
        guard let first = rows.first else {
            let database = (try? c.query(SQL("SELECT current_database()").named("table.database")).first?[0]) ?? nil
            let place = (byPath ? "on this store's search_path" : "in schema \(namespace.name)") + (database.map { " of database \($0)" } ?? "")
            throw StoreError(.notFound, "table \(table.name) does not exist \(place) (or this role cannot see it)")
        }
        let cols = try rows.map { Column(name: try $0.decode(0), type: try $0.decode(1), base: try $0.decode(2)) }
        let found = Resolved(schema: try Identifier(try first.decode(3), what: "schema"), table: table, columns: cols)
        lock.lock(); cache[table.name] = found; lock.unlock()
        return found
    }

    /// Runs `body` with the table's columns. When it fails in a way that a changed table explains (a column
    /// vanished, was added or changed type: `staleColumnStates`, or a column unknown to the cache), the columns
    /// are reloaded; if they changed, `body` runs once more with them, else the first error stands (a value that
    /// does not fit an unchanged column is the caller's error, not a stale cache). A failed statement wrote
    /// nothing, so the retry never writes twice.
    func withColumns<T>(_ tableName: String, _ body: (Connection, Resolved, [Column]) throws -> T) throws -> T {
        let table = try Identifier(tableName, what: "table name")
        return try pool.withConnection { c in
            let cached = try resolve(table, on: c)
            do { return try body(c, cached, cached.columns) } catch let e as StoreError
                where TableStore.staleColumnStates.contains(where: e.has) || e.code == .invalidName
            {
                let fresh = try resolve(table, refresh: true, on: c)
                guard fresh != cached else { throw e }
                return try body(c, fresh, fresh.columns)
            }
        }
    }

    /// SQLSTATEs (from the one table, `SQLState`) that a column changed under the cache explains: a vanished
    /// column (42703), a value cast to the column's old type meeting the new one (42883 operator does not exist,
    /// 42804 datatype mismatch, 22P02 invalid text representation), or a cached plan on a changed type (0A000).
    static let staleColumnStates: [SQLState] = [
        .undefinedColumn, .undefinedFunction, .datatypeMismatch, .invalidTextRepresentation, .featureNotSupported,
    ]

    /// Appends ` WHERE …` for a where-expression (nothing for an empty or blank one), with numbered text binds
    /// cast to each column's type (shared by `query`, `mutate`, `purge` and `stream`).
    static func whereSQL(
        _ expr: String?, _ params: [String: TableValue], _ cols: [Column], into sql: inout String,
        binds: inout [String?]
    ) throws {
        guard let expr, !expr.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return }
        let e = try WhereExpression.parse(expr)
        let byName = Dictionary(cols.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        func render(_ e: WhereExpression) throws -> String {
            switch e {
            case .and(let a, let b): return "(\(try render(a)) AND \(try render(b)))"
            case .or(let a, let b): return "(\(try render(a)) OR \(try render(b)))"
            case .not(let a): return "(NOT \(try render(a)))"
            case .isNull(let c, let neg):
                guard let col = byName[c] else { throw StoreError(.invalidName, "no column \(Identifier.show(c)) in this table") }
                return "(\(try Identifier(col.name).quoted) IS \(neg ? "NOT " : "")NULL)"
            case .compare(let c, let op, let v):
                guard let col = byName[c] else { throw StoreError(.invalidName, "no column \(Identifier.show(c)) in this table") }
                let value: TableValue
                switch v {
                case .literal(let l): value = l
                case .parameter(let p):
                    guard let pv = params[p] else { throw StoreError(.invalidArgument, "no value for parameter :\(p)") }
                    value = pv
                }
                binds.append(value.text)
                let like = op == "LIKE" || op == "ILIKE"
                if like && !Self.textTypes.contains(col.base) {
                    throw StoreError(
                        .invalidArgument,
                        "\(op) needs a text column; \(Identifier.show(col.name)) is \(col.type): compare it with =, <, <=, >, >= instead")
                }
                return "(\(try Identifier(col.name).quoted) \(op) $\(binds.count)::\(like ? "text" : col.type))"
            }
        }
        sql += " WHERE " + (try render(e))
    }

    /// Column types `LIKE` and `ILIKE` accept.
    static let textTypes: Set<String> = ["text", "varchar", "bpchar", "name"]

    /// Rows matching `where` (nil: all), at most `limit`, as column → value.
    public func query(
        _ table: String, where expr: String? = nil, _ params: [String: TableValue] = [:],
        limit: Int = 1000
    ) throws -> [[String: TableValue]] {
        try EventStore.checkLimit(limit)
        return try withColumns(table) { c, t, cols in
            var sql = "SELECT " + (try cols.map { try Identifier($0.name).quoted }.joined(separator: ", ")) + " FROM " + t.qualified
            var binds: [String?] = []
            try Self.whereSQL(expr, params, cols, into: &sql, binds: &binds)
            sql += " LIMIT \(limit)"
            let r = try c.query(SQL(unsafeRaw: sql, name: "table.query").withBinds(binds))
            return r.rows.map { row in
                var d: [String: TableValue] = [:]
                for (i, col) in cols.enumerated() { d[col.name] = Self.value(row[i], col.base) }
                return d
            }
        }
    }

    /// Inserts one row; returns the number of rows inserted (1).
    @discardableResult
    public func insert(_ table: String, _ values: [String: TableValue]) throws -> Int {
        guard !values.isEmpty else { throw StoreError(.invalidArgument, "insert needs at least one column") }
        return try withColumns(table) { c, t, cols in
            let byName = Dictionary(cols.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
            var names: [String] = [], vals: [String] = [], binds: [String?] = []
            for (k, v) in values.sorted(by: { $0.key < $1.key }) {
                guard let col = byName[k] else { throw StoreError(.invalidName, "no column \(Identifier.show(k)) in \(t.schema.name).\(t.name)") }
                binds.append(v.text)
                names.append(try Identifier(col.name).quoted)
                vals.append("$\(binds.count)::\(col.type)")
            }
            let sql = "INSERT INTO \(t.qualified) (\(names.joined(separator: ", "))) VALUES (\(vals.joined(separator: ", ")))"
            return try c.execute(SQL(unsafeRaw: sql, name: "table.insert").withBinds(binds))
        }
    }

    /// Updates rows matching `where` with `values`; returns rows affected. An empty (or blank) where-expression
    /// updates every row, as axon's does; `purge` keeps refusing one.
    @discardableResult
    public func mutate(
        _ table: String, where expr: String, _ params: [String: TableValue] = [:],
        set values: [String: TableValue]
    ) throws -> Int {
        guard !values.isEmpty else { throw StoreError(.invalidArgument, "mutate needs at least one column to set") }
        return try withColumns(table) { c, t, cols in
            let byName = Dictionary(cols.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
            var sets: [String] = [], binds: [String?] = []
            for (k, v) in values.sorted(by: { $0.key < $1.key }) {
                guard let col = byName[k] else { throw StoreError(.invalidName, "no column \(Identifier.show(k)) in \(t.schema.name).\(t.name)") }
                binds.append(v.text)
                sets.append("\(try Identifier(col.name).quoted) = $\(binds.count)::\(col.type)")
            }
            var sql = "UPDATE \(t.qualified) SET \(sets.joined(separator: ", "))"
            try Self.whereSQL(expr, params, cols, into: &sql, binds: &binds)
            return try c.execute(SQL(unsafeRaw: sql, name: "table.mutate").withBinds(binds))
        }
    }

    /// Deletes rows matching `where` (required); returns rows deleted.
    @discardableResult
    public func purge(_ table: String, where expr: String, _ params: [String: TableValue] = [:]) throws -> Int {
        try withColumns(table) { c, t, cols in
            var sql = "DELETE FROM \(t.qualified)"
            var binds: [String?] = []
            try Self.whereSQL(expr, params, cols, into: &sql, binds: &binds)
            guard sql.contains(" WHERE ") else { throw StoreError(.invalidArgument, "purge needs a where-expression") }
            return try c.execute(SQL(unsafeRaw: sql, name: "table.purge").withBinds(binds))
        }
    }

    /// A column's value: booleans, integers, floats and JSON as their own kinds; every other type (numeric, text,
    /// uuid, dates and times, bytea, and types the store has no kind for: inet, point, ranges, enums, …) as its
    /// text form, which `insert` and `mutate` send back cast by the server to the column's type.
    static func value(_ text: String?, _ base: String) -> TableValue {
        guard let text else { return .null }
        switch base {
        case "bool": return .bool(text == "t")
        case "int2", "int4", "int8", "oid": return Int64(text).map(TableValue.int) ?? .string(text)
        case "float4", "float8": return Double(text).map(TableValue.double) ?? .string(text)
        case "json", "jsonb": return .json(text)
        default: return .string(text)
        }
    }
}

extension SQL {
    /// The same text with these (already-numbered) text binds. Internal: for statements built from parsed,
    /// validated parts.
    func withBinds(_ b: [String?]) -> SQL {
        var s = self
        s.setBinds(b)
        return s
    }
}
