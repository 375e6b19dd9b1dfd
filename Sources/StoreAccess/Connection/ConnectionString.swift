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
        for (k, v) in pairs { out[k] = (masked && k == "password") ? Secrets.mask : v }
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

    /// Masks the password in a URL (user info and `password=` query parameter) or a key=value string.
    /// A DSN without a password is returned unchanged, so its user stays visible.
    public static func mask(_ text: String) -> String {
        if isURL(text) { return maskURL(text) }
        return maskKeyValue(text)
    }

    private static func maskURL(_ text: String) -> String {
        guard let schemeEnd = text.range(of: "://") else { return text }
        let head = text[..<schemeEnd.upperBound]
        let rest = text[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" }) ?? rest.endIndex
        var authority = String(rest[..<authorityEnd])
        var tail = String(rest[authorityEnd...])
        if let at = authority.firstIndex(of: "@") {
            let userinfo = authority[..<at]
            if let colon = userinfo.firstIndex(of: ":") {
                authority = String(userinfo[..<colon]) + ":" + Secrets.mask + String(authority[at...])
            }
        }
        if let q = tail.firstIndex(of: "?") {
            let query = tail[tail.index(after: q)...]
            let parts = query.split(separator: "&", omittingEmptySubsequences: false).map { part -> String in
                if part.lowercased().hasPrefix("password=") { return "password=" + Secrets.mask }
                return String(part)
            }
            tail = String(tail[...q]) + parts.joined(separator: "&")
        }
        return String(head) + authority + tail
    }

    private static func maskKeyValue(_ text: String) -> String {
        // Walk key = value pairs; values may be single-quoted with backslash escapes.
        var out = ""
        var i = text.startIndex
        func skipSpaces() { while i < text.endIndex, text[i].isWhitespace { out.append(text[i]); i = text.index(after: i) } }
        while i < text.endIndex {
            skipSpaces()
            let keyStart = i
            while i < text.endIndex, text[i] != "=", !text[i].isWhitespace { i = text.index(after: i) }
            let key = text[keyStart..<i]
            out += key
            skipSpaces()
            guard i < text.endIndex, text[i] == "=" else { continue }
            out.append("="); i = text.index(after: i)
            skipSpaces()
            let valueStart = i
            if i < text.endIndex, text[i] == "'" {
                i = text.index(after: i)
                var escaped = false
                var closed = false
                while i < text.endIndex {
                    let c = text[i]
                    i = text.index(after: i)
                    if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == "'" { closed = true; break }
                }
                if !closed && key.lowercased() == "password" { out += Secrets.mask; return out }
            } else {
                while i < text.endIndex, !text[i].isWhitespace { i = text.index(after: i) }
            }
            out += key.lowercased() == "password" ? Secrets.mask : String(text[valueStart..<i])
        }
        return out
    }

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
