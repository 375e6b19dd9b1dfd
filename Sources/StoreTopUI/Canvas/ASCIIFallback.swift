import Foundation

extension Character {
    /// Control characters (from a query text, say) must never reach the terminal.
    var isPrintableCell: Bool {
        guard let s = unicodeScalars.first else { return false }
        return !(s.value < 0x20 || (s.value >= 0x7f && s.value < 0xa0))
    }

    /// The ASCII stand-in for a cell in a terminal whose locale is not UTF-8 (one column, like the original).
    public var asciiFallback: Character {
        if isASCII { return self }
        switch self {
        case "│", "▏", "┃": return "|"
        case "─", "—", "━": return "-"
        case "┌", "┐", "└", "┘", "├", "┤", "┬", "┴", "┼": return "+"
        case "…": return "~"
        case "·", "░": return "."
        case "█", "▇", "▆", "▅": return "#"
        case "▄", "▃": return "="
        case "▂", "▁": return "_"
        case "›", "▸", "→", "≥", "▶": return ">"
        case "←", "◀": return "<"
        case "❚": return "|"
        case "▾", "▼", "↓": return "v"
        case "▲", "↑": return "^"
        case "×", "✖": return "x"
        case "●": return "*"
        case "○": return "o"
        default: return "?"
        }
    }
}

extension String {
    /// The text with every non-ASCII character replaced by its stand-in (`Character.asciiFallback`).
    public var asciiFallback: String { String(map(\.asciiFallback)) }
}

/// Does the user's locale (LC_ALL / LC_CTYPE / LANG) use UTF-8? Sets the process locale from the environment.
public func localeIsUTF8() -> Bool {
    setlocale(LC_ALL, "")
    return String(cString: nl_langinfo(nl_item(CODESET))).uppercased().replacingOccurrences(of: "-", with: "") == "UTF8"
}
