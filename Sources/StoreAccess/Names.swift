/// Validation of the names stores use as data (tenants, streams, kinds, consumers, event types). The SQL
/// functions check the same rule (`check_name`), so psql users get the same answer.
///
/// Rule: letters, digits and `_ . : @ = + -`, not starting with a punctuation mark other than `_`. Stream ids
/// alone are freer (issue 17, eventcore's `account/source-<uuid>`): any UTF-8 text without control characters,
/// 1 to 255 bytes, `/` and spaces included.
public enum Names {
    /// Validates a tenant name (at most 63 bytes, so it fits `application_name`).
    public static func tenant(_ s: String) throws -> String { try check(s, what: "tenant", max: 63) }
    /// Validates a stream id: any UTF-8 text without control characters (Unicode category Cc), 1 to 255 bytes.
    public static func stream(_ s: String) throws -> String {
        if let problem = streamProblem(s) { throw StoreError(.invalidName, "invalid stream \(Identifier.show(s)): \(problem)") }
        return s
    }

    /// The longest stream id, in UTF-8 bytes.
    public static let maxStreamBytes = 255

    static func streamProblem(_ s: String) -> String? {
        let n = s.utf8.count
        if n == 0 { return "it is empty" }
        if n > maxStreamBytes { return "it is \(n) bytes long; the limit is \(maxStreamBytes)" }
        if s.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return "it contains a control character"
        }
        return nil
    }
    /// Validates a consumer (durable subscription or watcher) name.
    public static func consumer(_ s: String) throws -> String { try check(s, what: "consumer", max: 200) }
    /// Validates a key-value kind.
    public static func kind(_ s: String) throws -> String { try check(s, what: "kind", max: 200) }
    /// A command-state snapshot's name (`SnapshotStore`).
    public static func snapshot(_ s: String) throws -> String { try check(s, what: "snapshot", max: 255) }
    /// Validates an event type.
    public static func eventType(_ s: String) throws -> String { try check(s, what: "event type", max: 200) }

    /// Throws `.invalidName` with what is wrong, or returns `s`.
    public static func check(_ s: String, what: String, max: Int) throws -> String {
        if let problem = problem(s, max: max) {
            throw StoreError(.invalidName, "invalid \(what) \(Identifier.show(s)): \(problem)")
        }
        return s
    }

    static func problem(_ s: String, max: Int) -> String? {
        let u = Array(s.utf8)
        if u.isEmpty { return "it is empty" }
        if u.count > max { return "it is \(u.count) bytes long; the limit is \(max)" }
        func alnum(_ b: UInt8) -> Bool { (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b == 95 }
        func punct(_ b: UInt8) -> Bool { b == 46 || b == 58 || b == 64 || b == 61 || b == 43 || b == 45 }
        if !alnum(u[0]) { return "it must start with a letter, a digit or _" }
        if let bad = u.first(where: { !alnum($0) && !punct($0) }) {
            let ch = bad < 128 && bad >= 32 ? "'\(Character(UnicodeScalar(bad)))'" : "a control or non-ASCII byte"
            return "it contains \(ch); use letters, digits and _ . : @ = + -"
        }
        return nil
    }
}
