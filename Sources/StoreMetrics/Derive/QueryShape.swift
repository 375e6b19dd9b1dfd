/// A query's shape: its text with every literal (strings, dollar-quoted strings, numbers, negative numbers, `$n`
/// parameters) replaced by `?`, comments dropped, runs of white space made one space, and `IN (…)` / `ARRAY[…]` lists
/// of literals collapsed to one `?`. Identifiers (quoted ones too), keywords and operators are kept as written, so
/// queries that differ only in their values have one shape. Pure: a lexer over the text, no parser.
public enum QueryShape {
    /// The shape of `query` (see the type's description).
    public static func normalize(_ query: String) -> String {
        var lexer = Lexer(Array(query.unicodeScalars))
        return collapseLists(lexer.tokens()).reduce(into: "") { out, t in
            if t.spaced && !out.isEmpty { out += " " }
            out += t.text
        }
    }

    /// A token of the shape: its text, and whether white space or a comment came before it.
    struct Token: Equatable {
        var text: String
        var spaced: Bool
        var literal: Bool { text == "?" }
    }

    /// `IN (?, ?, ?)` and `ARRAY[?, ?]` → `IN (?)` and `ARRAY[?]`.
    static func collapseLists(_ ts: [Token]) -> [Token] {
        var out: [Token] = []
        var i = 0
        while i < ts.count {
            out.append(ts[i])
            let opens = ["IN": "(", "ARRAY": "["][ts[i].text.uppercased()]
            if let open = opens, i + 2 < ts.count, ts[i + 1].text == open, ts[i + 2].literal {
                let close = open == "(" ? ")" : "]"
                var j = i + 2
                while j + 2 < ts.count, ts[j + 1].text == ",", ts[j + 2].literal { j += 2 }
                if j + 1 < ts.count, ts[j + 1].text == close {
                    out += [ts[i + 1], ts[i + 2], ts[j + 1]]
                    i = j + 2
                    continue
                }
            }
            i += 1
        }
        return out
    }
}
