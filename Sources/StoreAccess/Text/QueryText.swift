/// Passwords that other sessions typed into SQL (`ALTER ROLE … PASSWORD '…'`, `CREATE USER … WITH ENCRYPTED
/// PASSWORD '…'`, a `dblink_connect('… password=…')` string) reach `pg_stat_activity.query`. storetop shows and
/// exports query text, so every query text passes through `redactPasswords` before it is shown, logged or exported.
public enum QueryText {
    /// The mask that replaces a password literal.
    public static let mask = "'********'"

    /// `sql` with the string literal after every `PASSWORD` keyword replaced by `'********'`, and every
    /// `password=` inside a connection string masked (`Secrets.redact`). A literal cut off by
    /// `track_activity_query_size` is masked to the end. `PASSWORD NULL` has no secret and stays.
    public static func redactPasswords(_ sql: String) -> String {
        guard sql.range(of: "password", options: .caseInsensitive) != nil || sql.contains("://") else { return sql }
        let masked = maskPasswordLiterals(Array(sql.unicodeScalars))
        return Secrets.redact(masked)
    }

    private static func maskPasswordLiterals(_ s: [Unicode.Scalar]) -> String {
        var out = String.UnicodeScalarView()
        var i = 0
        while i < s.count {
            if isKeyword(s, at: i) {
                out.append(contentsOf: s[i..<(i + 8)])
                var j = i + 8
                while j < s.count, s[j].properties.isWhitespace {
                    out.append(s[j])
                    j += 1
                }
                if let end = literalEnd(s, from: j) {
                    out.append(contentsOf: mask.unicodeScalars)
                    i = end
                    continue
                }
                i = j
                continue
            }
            if s[i] == "'" || s[i] == "$" {
                // a literal that is not a password: copied whole, so a keyword inside it is not one
                let end =
                    (s[i] == "'" ? quotedEnd(s, from: i + 1, backslashes: i > 0 && (s[i - 1] == "E" || s[i - 1] == "e")) : dollarEnd(s, from: i)) ?? i
                    + 1
                out.append(contentsOf: s[i..<end])
                i = end
                continue
            }
            out.append(s[i])
            i += 1
        }
        return String(out)
    }

    /// True when `PASSWORD` (any case) starts at `i` as a whole word.
    private static func isKeyword(_ s: [Unicode.Scalar], at i: Int) -> Bool {
        let word = "password".unicodeScalars.map { $0 }
        guard i + 8 <= s.count else { return false }
        for k in 0..<8 where s[i + k].properties.lowercaseMapping != String(word[k]) { return false }
        func wordChar(_ c: Unicode.Scalar) -> Bool { c.properties.isAlphabetic || c == "_" || ("0"..."9").contains(c) }
        if i > 0, wordChar(s[i - 1]) { return false }
        if i + 8 < s.count, wordChar(s[i + 8]) { return false }
        return true
    }

    /// The index just past the string literal starting at `j` ('…', E'…', U&'…', $tag$…$tag$), the end of the text
    /// for an unterminated one, or nil when no literal starts there.
    private static func literalEnd(_ s: [Unicode.Scalar], from j: Int) -> Int? {
        guard j < s.count else { return nil }
        var k = j
        if s[k] == "E" || s[k] == "e" { k += 1 } else if s[k] == "U" || s[k] == "u", k + 1 < s.count, s[k + 1] == "&" { k += 2 }
        guard k < s.count else { return nil }
        if s[k] == "'" { return quotedEnd(s, from: k + 1, backslashes: k > j && (s[j] == "E" || s[j] == "e")) }
        if s[k] == "$", k == j { return dollarEnd(s, from: k) }
        return nil
    }

    private static func quotedEnd(_ s: [Unicode.Scalar], from start: Int, backslashes: Bool) -> Int {
        var k = start
        while k < s.count {
            if backslashes, s[k] == "\\" {
                k += 2
                continue
            }
            if s[k] == "'" {
                if k + 1 < s.count, s[k + 1] == "'" {
                    k += 2
                    continue
                }
                return k + 1
            }
            k += 1
        }
        return s.count
    }

    private static func dollarEnd(_ s: [Unicode.Scalar], from start: Int) -> Int? {
        var k = start + 1
        while k < s.count, s[k] != "$" {
            guard s[k].properties.isAlphabetic || s[k] == "_" || ("0"..."9").contains(s[k]) else { return nil }
            k += 1
        }
        guard k < s.count else { return nil }
        let tag = Array(s[start...k])
        var m = k + 1
        while m + tag.count <= s.count {
            if Array(s[m..<(m + tag.count)]) == tag { return m + tag.count }
            m += 1
        }
        return s.count
    }
}
