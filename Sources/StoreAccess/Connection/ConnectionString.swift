import Foundation

/// Where a connection's parameters come from: a URL (`postgresql://…`), a `key=value` string, an `env:VAR`
/// indirection, or nothing (libpq's environment: `PGHOST`, `PGSERVICE`, `.pgpass`, …, as psql uses them).
///
/// The raw text is never printed: `description` is the masked form.
public struct ConnectionString: Sendable, CustomStringConvertible, Equatable {
    /// The text handed to libpq (may hold a password).
    let raw: String

    /// Parses and validates `text` the way libpq will, so a malformed DSN fails here with a typed error.
    /// - `env:VAR` reads the DSN from environment variable `VAR`.
    /// - An empty string means "use the libpq environment".
    public init(_ text: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        var value = text.trimmingCharacters(in: .whitespaces)
        if value.hasPrefix("env:") {
            let name = String(value.dropFirst(4))
            guard !name.isEmpty else { throw StoreError(.invalidDSN, "env: needs a variable name, as in env:DATABASE_URL") }
            guard let v = environment[name] else {
                throw StoreError(.invalidDSN, "environment variable \(name) (named by env:\(name)) is not set")
            }
            value = v.trimmingCharacters(in: .whitespaces)
        }
        if !value.isEmpty {
            switch LibPQ.parseConninfo(value) {
            case .success: break
            case .failure(let e):
                throw StoreError(.invalidDSN, "malformed connection string \(ConnectionString.mask(value)): \(e.message)")
            }
        }
        raw = value
    }

    /// The libpq environment (PGHOST, PGPORT, PGUSER, PGDATABASE, PGSERVICE, PGSSLMODE, .pgpass…).
    public static let environment = ConnectionString(unchecked: "")

    init(unchecked: String) { raw = unchecked }

    /// True when this is a URL (`postgres://` or `postgresql://`).
    public var isURL: Bool { ConnectionString.isURL(raw) }

    /// The DSN with its password replaced by `****`, in the form it was given. Safe to print.
    public var masked: String { ConnectionString.mask(raw) }

    public var description: String { raw.isEmpty ? "(libpq environment)" : masked }

    /// The parameters that are set, as libpq parses them (password masked).
    public func parameters(masked: Bool = true) -> [String: String] {
        guard !raw.isEmpty, case .success(let pairs) = LibPQ.parseConninfo(raw) else { return [:] }
        var out: [String: String] = [:]
        for (k, v) in pairs { out[k] = (masked && Self.secretKeys.contains(k)) ? Secrets.mask : v }
        return out
    }

    /// The same connection aimed at another database, keeping every other parameter (bootstrap's target).
    public func with(database: Identifier) -> ConnectionString {
        if raw.isEmpty { return ConnectionString(unchecked: "dbname=\(database.name)") }
        if isURL {
            return ConnectionString(unchecked: ConnectionString.replacingURLDatabase(raw, with: database.name))
        }
        return ConnectionString(unchecked: raw + " dbname=\(database.name)")
    }

    static func isURL(_ s: String) -> Bool { s.hasPrefix("postgresql://") || s.hasPrefix("postgres://") }

    private static func replacingURLDatabase(_ url: String, with db: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return url }
        let rest = url[schemeEnd.upperBound...]
        let queryStart = rest.firstIndex(of: "?") ?? rest.endIndex
        let beforeQuery = rest[..<queryStart]
        let query = rest[queryStart...]
        let authority: Substring
        if let slash = beforeQuery.firstIndex(of: "/") { authority = beforeQuery[..<slash] } else { authority = beforeQuery }
        return String(url[..<schemeEnd.upperBound]) + authority + "/" + db + query
    }
}
