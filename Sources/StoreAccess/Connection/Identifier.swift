/// A validated SQL identifier (schema, table, column, database name), quoted by one function.
///
/// Rule: `[A-Za-z_][A-Za-z0-9_]*`, 1 to 63 bytes. This is also factstr's rule for bootstrap database names.
/// It is stricter than PostgreSQL needs, on purpose: names that pass can be typed in psql, pasted in shell
/// scripts and logged without surprises.
public struct Identifier: Sendable, Hashable, CustomStringConvertible, Comparable {
    /// The name as given (case preserved).
    public let name: String

    /// Validates `name`; throws `StoreError.invalidName` naming the problem.
    public init(_ name: String, what: String = "identifier") throws {
        guard let problem = Identifier.problem(with: name) else { self.name = name; return }
        throw StoreError(.invalidName, "invalid \(what) \(Identifier.show(name)): \(problem)")
    }

    /// Returns why `name` is not a valid identifier, or nil when it is.
    public static func problem(with name: String) -> String? {
        let bytes = Array(name.utf8)
        if bytes.isEmpty { return "it is empty" }
        if bytes.count > 63 { return "it is \(bytes.count) bytes long; the limit is 63" }
        func isLetter(_ b: UInt8) -> Bool { (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b == 95 }
        func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }
        if !isLetter(bytes[0]) { return "it must start with a letter or underscore" }
        if let bad = bytes.first(where: { !isLetter($0) && !isDigit($0) }) {
            let ch = bad < 128 ? "'\(Character(UnicodeScalar(bad)))'" : "a non-ASCII character"
            return "it contains \(ch); only letters, digits and underscores are allowed"
        }
        return nil
    }

    /// The name double-quoted for SQL. The only place identifiers are quoted.
    public var quoted: String { "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }

    public var description: String { name }

    public static func < (a: Identifier, b: Identifier) -> Bool { a.name < b.name }

    /// A bounded, printable rendering of untrusted input for error messages.
    static func show(_ s: String) -> String {
        let clipped = s.count > 80 ? String(s.prefix(80)) + "…" : s
        return "\"" + clipped.unicodeScalars.map { $0.value < 32 || $0.value == 127 ? "\\u{\(String($0.value, radix: 16))}" : String($0) }.joined()
            + "\""
    }
}
