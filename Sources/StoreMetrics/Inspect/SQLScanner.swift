/// The words, parameters and statement ends of SQL text, with comments, string literals (`'…'`, `E'…'`,
/// `$tag$…$tag$`) and quoted identifiers skipped, so a keyword inside them is never taken for one. Enough for
/// `SafeExplain`'s rules; not a parser.
struct SQLScanner {
    /// One token as the rules see it.
    enum Token: Equatable {
        /// A keyword or unquoted name, upper-cased.
        case word(String)
        /// A positional parameter such as `$1`.
        case parameter(String)
        /// A `;`.
        case semicolon
        /// A quoted identifier, string literal or number: a value, never a keyword.
        case value
        /// Any other character (`(`, `,`, `=`, …).
        case symbol(Character)
    }

    /// A quote or comment opened and never closed.
    struct Unterminated: Error {}

    private let s: [Unicode.Scalar]
    private var i = 0
    private var tokens: [Token] = []

    private init(_ text: String) { s = Array(text.unicodeScalars) }

    /// The tokens of `text`, or `Unterminated`.
    static func tokens(_ text: String) throws -> [Token] {
        var scanner = SQLScanner(text)
        while scanner.i < scanner.s.count { try scanner.next() }
        return scanner.tokens
    }

    private func at(_ k: Int) -> Unicode.Scalar? { k < s.count ? s[k] : nil }

    private static func isWordStart(_ c: Unicode.Scalar) -> Bool { c.properties.isAlphabetic || c == "_" || !c.isASCII }
    private static func isWordPart(_ c: Unicode.Scalar) -> Bool { isWordStart(c) || ("0"..."9").contains(c) || c == "$" }

    private mutating func next() throws {
        let c = s[i]
        switch c {
        case _ where c.properties.isWhitespace: i += 1
        case "-" where at(i + 1) == "-":
            while i < s.count, s[i] != "\n" { i += 1 }
        case "/" where at(i + 1) == "*": try skipComment()
        case "'": try skipQuoted("'", backslashes: previousWordIsE())
        case "\"": try skipQuoted("\"", backslashes: false)
        case "$": try dollar()
        case ";":
            tokens.append(.semicolon)
            i += 1
        case _ where ("0"..."9").contains(c):
            while let d = at(i), Self.isWordPart(d) || d == "." { i += 1 }
            tokens.append(.value)
        case _ where Self.isWordStart(c):
            let start = i
            while let d = at(i), Self.isWordPart(d) { i += 1 }
            tokens.append(.word(String(String.UnicodeScalarView(s[start..<i])).uppercased()))
        default:
            tokens.append(.symbol(Character(c)))
            i += 1
        }
    }

    /// True when an `E` word sits right before the quote at `i` (an escape string, where `\'` does not end it).
    private func previousWordIsE() -> Bool {
        guard i > 0, s[i - 1] == "E" || s[i - 1] == "e", case .word("E") = tokens.last else { return false }
        return i < 2 || !Self.isWordPart(s[i - 2])
    }

    /// `/* … */`, nested as PostgreSQL nests them.
    private mutating func skipComment() throws {
        var depth = 0
        repeat {
            if at(i) == "/", at(i + 1) == "*" {
                depth += 1
                i += 2
            } else if at(i) == "*", at(i + 1) == "/" {
                depth -= 1
                i += 2
            } else if i < s.count {
                i += 1
            } else {
                throw Unterminated()
            }
        } while depth > 0
    }

    /// A literal or quoted identifier, doubled quotes inside (and `\x` in an escape string).
    private mutating func skipQuoted(_ quote: Unicode.Scalar, backslashes: Bool) throws {
        i += 1
        while i < s.count {
            if backslashes, s[i] == "\\" {
                i += 2
            } else if s[i] == quote, at(i + 1) == quote {
                i += 2
            } else if s[i] == quote {
                i += 1
                tokens.append(.value)
                return
            } else {
                i += 1
            }
        }
        throw Unterminated()
    }

    /// `$1` (a parameter), `$tag$…$tag$` (a literal) or a lone `$`.
    private mutating func dollar() throws {
        if let d = at(i + 1), ("0"..."9").contains(d) {
            let start = i
            i += 1
            while let e = at(i), ("0"..."9").contains(e) { i += 1 }
            tokens.append(.parameter(String(String.UnicodeScalarView(s[start..<i]))))
            return
        }
        var k = i + 1
        if let d = at(k), Self.isWordStart(d) {
            while let e = at(k), Self.isWordPart(e), e != "$" { k += 1 }
        }
        guard at(k) == "$" else {
            tokens.append(.symbol("$"))
            i += 1
            return
        }
        let tag = Array(s[i...k])
        var m = k + 1
        while m + tag.count <= s.count {
            if Array(s[m..<(m + tag.count)]) == tag {
                i = m + tag.count
                tokens.append(.value)
                return
            }
            m += 1
        }
        throw Unterminated()
    }
}
