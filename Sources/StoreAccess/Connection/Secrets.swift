/// Redaction of secrets in free text (error messages, logged DSNs). One place, used by every error and log line.
public enum Secrets {
    /// The mask that replaces a secret.
    public static let mask = "****"

    /// Replaces `password=…` (key=value and URL query forms) and the password of `scheme://user:password@`
    /// in any text with the mask.
    public static func redact(_ text: String) -> String {
        // A DSN on its own (as libpq reads it, spaces and all): the exact masker, which hides precisely what libpq
        // would use as the password (free-text rules could cut the DSN where libpq does not).
        if LibPQ.parsesAsDSN(text) { return ConnectionString.mask(text) }
        guard text.contains("password") || text.contains("://") || text.contains("PASSWORD") || text.contains("%") else { return text }
        var out = redactKeyValue(text)
        out = redactURLUserInfo(out)
        return out
    }

    private static func redactKeyValue(_ text: String) -> String {
        var result = ""
        var rest = Substring(text)
        while let r = rest.range(of: "password", options: .caseInsensitive) {
            result += rest[..<r.upperBound]
            var after = rest[r.upperBound...]
            // optional spaces, '=', optional spaces
            let spaces = after.prefix(while: { $0 == " " })
            after = after.dropFirst(spaces.count)
            guard after.first == "=" else { rest = rest[r.upperBound...]; continue }
            after = after.dropFirst()
            let spaces2 = after.prefix(while: { $0 == " " })
            after = after.dropFirst(spaces2.count)
            // a quoted value keeps its quotes, so whatever follows the closing quote keeps its meaning
            result += spaces + "=" + spaces2 + (after.first == "'" ? "'\(mask)'" : mask)
            if after.first == "'" {
                // quoted value with backslash escapes
                var idx = after.index(after: after.startIndex)
                var escaped = false
                while idx < after.endIndex {
                    let c = after[idx]
                    if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == "'" { idx = after.index(after: idx); break }
                    idx = after.index(after: idx)
                }
                rest = after[idx...]
            } else {
                let value = after.prefix(while: { $0 != " " && $0 != "&" && $0 != "\n" && $0 != "\"" && $0 != ")" })
                rest = after.dropFirst(value.count)
            }
        }
        result += rest
        return result
    }

    private static func redactURLUserInfo(_ text: String) -> String {
        var result = ""
        var rest = Substring(text)
        while let r = rest.range(of: "://") {
            result += rest[..<r.upperBound]
            let after = rest[r.upperBound...]
            // authority ends at '/', whitespace or end; userinfo ends at the first '@' before that
            let authority = after.prefix(while: { $0 != "/" && $0 != " " && $0 != "\n" && $0 != "\"" })
            if let at = authority.firstIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") {
                result += authority[..<colon] + ":" + mask + authority[at...]
            } else {
                result += authority
            }
            rest = after.dropFirst(authority.count)
        }
        result += rest
        return result
    }
}
