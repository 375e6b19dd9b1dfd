import CLibPQ

/// Connection-string parsing, exactly as libpq will read the string.
extension LibPQ {
    /// Parses a connection string the way libpq will. Returns the parameters that are set, or the parser's error
    /// message. The corresponding C functions are `PQconninfoParse`, `PQconninfoFree` and `PQfreemem`.
    static func parseConninfo(_ text: String) -> Result<[(String, String)], ConninfoParseError> {
        var err: UnsafeMutablePointer<CChar>?
        guard let opts = PQconninfoParse(text, &err) else {
            let message = err.map { String(cString: $0) } ?? "out of memory"
            if let err { PQfreemem(err) }
            return .failure(ConninfoParseError(message: message.trimmingTrailingNewlines()))
        }
        defer { PQconninfoFree(opts) }
        var out: [(String, String)] = []
        var p = opts
        while let kw = p.pointee.keyword {
            if let v = p.pointee.val { out.append((String(cString: kw), String(cString: v))) }
            p += 1
        }
        return .success(out)
    }

    /// Does libpq read `text` (blanks trimmed, as `ConnectionString` does) as a connection string, URL or
    /// key=value? (`PQconninfoParse`.)
    static func parsesAsDSN(_ text: String) -> Bool {
        let t = text.trimmingCharacters(in: .whitespaces)
        guard !t.isEmpty, !t.utf8.contains(0), ConnectionString.isURL(t) || t.contains("=") else { return false }
        if case .success = parseConninfo(t) { return true }
        return false
    }
}

/// libpq's own message for a connection string it cannot parse.
struct ConninfoParseError: Error { let message: String }
