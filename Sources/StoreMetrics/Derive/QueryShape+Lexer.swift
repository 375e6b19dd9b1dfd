extension QueryShape {
    /// Splits SQL into the shape's tokens: words and quoted identifiers as written, one token per other character, `?`
    /// for each literal; comments and white space only mark the next token as spaced.
    struct Lexer {
        private let s: [Unicode.Scalar]
        private var i = 0
        private var spaced = false
        private var out: [Token] = []

        /// Words before which a `-` is a sign, not a subtraction.
        static let keywords: Set<String> = [
            "SELECT", "WHERE", "AND", "OR", "NOT", "THEN", "ELSE", "WHEN", "RETURN", "BY", "LIMIT", "OFFSET", "VALUES", "SET", "IN",
            "BETWEEN", "IS", "LIKE", "ILIKE", "AS", "ON", "CASE", "DEFAULT", "HAVING", "ANY", "ALL", "SOME", "DISTINCT", "FETCH",
        ]

        init(_ s: [Unicode.Scalar]) { self.s = s }

        /// Every token of the text.
        mutating func tokens() -> [Token] {
            while i < s.count {
                let c = s[i]
                if c.properties.isWhitespace {
                    spaced = true; i += 1
                } else if c == "-" && at(1) == "-" {
                    while i < s.count && s[i] != "\n" { i += 1 }
                    spaced = true
                } else if c == "/" && at(1) == "*" {
                    blockComment()
                } else if c == "'" {
                    string(backslashes: false)
                } else if c == "\"" {
                    quotedIdentifier()
                } else if c == "$", dollar() {
                    continue
                } else if digit(c) || (c == "." && digit(at(1))) {
                    number()
                } else if identifier(c) {
                    word()
                } else {
                    emit(String(c)); i += 1
                }
            }
            return out
        }

        private func at(_ k: Int) -> Unicode.Scalar? { i + k < s.count ? s[i + k] : nil }
        private func digit(_ c: Unicode.Scalar?) -> Bool { c.map { ("0"..."9").contains($0) } ?? false }
        private func identifier(_ c: Unicode.Scalar) -> Bool { c == "_" || c.properties.isAlphabetic || c.value > 127 }

        private mutating func emit(_ text: String) {
            out.append(Token(text: text, spaced: spaced))
            spaced = false
        }

        /// A literal: `?`, taking a sign before it when that `-` cannot be a subtraction.
        private mutating func literal() {
            if !spaced, let minus = out.last, minus.text == "-", !operand(out.dropLast().last) {
                out.removeLast()
                spaced = minus.spaced
            }
            emit("?")
        }

        /// A token a `-` after it subtracts from: a value, a closing bracket, an identifier that is not a keyword.
        private func operand(_ t: Token?) -> Bool {
            guard let t, let first = t.text.unicodeScalars.first else { return false }
            if t.literal || t.text == ")" || t.text == "]" || first == "\"" { return true }
            return identifier(first) && !Self.keywords.contains(t.text.uppercased())
        }

        /// `/* … */`, nested as PostgreSQL nests them.
        private mutating func blockComment() {
            var depth = 0
            repeat {
                if s[i] == "/" && at(1) == "*" {
                    depth += 1; i += 2
                } else if s[i] == "*" && at(1) == "/" {
                    depth -= 1; i += 2
                } else {
                    i += 1
                }
            } while depth > 0 && i < s.count
            spaced = true
        }

        /// `'…'` with `''` inside (and `\'` in an E'…' string).
        private mutating func string(backslashes: Bool) {
            i += 1
            while i < s.count {
                if backslashes && s[i] == "\\" {
                    i += 2
                } else if s[i] == "'" {
                    if at(1) == "'" { i += 2 } else { i += 1; break }
                } else {
                    i += 1
                }
            }
            literal()
        }

        /// `"…"` with `""` inside, kept as written.
        private mutating func quotedIdentifier() {
            let start = i
            i += 1
            while i < s.count {
                if s[i] == "\"" { if at(1) == "\"" { i += 2 } else { i += 1; break } } else { i += 1 }
            }
            emit(text(start, i))
        }

        /// `$1` (a parameter) or `$tag$…$tag$` (a dollar-quoted string): false for a lone `$`.
        private mutating func dollar() -> Bool {
            if digit(at(1)) {
                i += 1
                while digit(at(0)) { i += 1 }
                literal()
                return true
            }
            var j = i + 1
            while j < s.count, s[j] != "$", identifier(s[j]) || digit(s[j]) { j += 1 }
            guard j < s.count, s[j] == "$" else { return false }
            let tag = Array(s[i...j])
            var k = j + 1
            while k + tag.count <= s.count, Array(s[k..<(k + tag.count)]) != tag { k += 1 }
            i = min(s.count, k + tag.count)
            literal()
            return true
        }

        /// Digits, a point, an exponent with its sign, hex/octal/binary prefixes and underscores.
        private mutating func number() {
            while i < s.count, digit(s[i]) || s[i] == "." || s[i] == "_" || s[i].properties.isAlphabetic {
                let exponent = s[i] == "e" || s[i] == "E"
                i += 1
                if exponent, at(0) == "+" || at(0) == "-" { i += 1 }
            }
            literal()
        }

        /// A word; a prefixed string (`E'…'`, `B'…'`, `X'…'`, `N'…'`, `U&'…'`) is one literal.
        private mutating func word() {
            let start = i
            while i < s.count, identifier(s[i]) || digit(s[i]) || s[i] == "$" { i += 1 }
            let w = text(start, i).uppercased()
            if at(0) == "'", ["E", "B", "X", "N"].contains(w) { return string(backslashes: w == "E") }
            if at(0) == "&", at(1) == "'", w == "U" {
                i += 1
                return string(backslashes: false)
            }
            emit(text(start, i))
        }

        private func text(_ a: Int, _ b: Int) -> String { String(String.UnicodeScalarView(s[a..<b])) }
    }
}
