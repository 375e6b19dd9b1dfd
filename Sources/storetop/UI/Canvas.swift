import Foundation
/// Semantic style roles. Views say what a cell *is*; the theme decides how it looks.
enum Role: UInt8, Sendable, CaseIterable {
    case normal, header, title, dim, selected, ok, warning, critical, accent, meterFill, meterEmpty,
         footerKey, footerText, stale, error, columnHeader, breadcrumb, dialog, dialogTitle, sparkline
}

/// One terminal cell.
struct Cell: Equatable, Sendable {
    var char: Character = " "
    var role: Role = .normal
}

/// An in-memory grid of cells. Views draw here; a backend copies changed cells to the terminal; tests read
/// it back as plain text.
struct Canvas: Equatable, Sendable {
    let width: Int
    let height: Int
    private(set) var cells: [Cell]

    init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: Cell(), count: self.width * self.height)
    }

    subscript(x: Int, y: Int) -> Cell {
        get { cells[y * width + x] }
        set { cells[y * width + x] = newValue }
    }

    /// Writes `text` at (x, y), clipped to `maxWidth` and the canvas; returns the columns used.
    /// Wide characters are not expected here (names are validated ASCII-ish); anything else takes one cell.
    @discardableResult
    mutating func put(_ x: Int, _ y: Int, _ text: String, _ role: Role = .normal, maxWidth: Int? = nil) -> Int {
        guard y >= 0, y < height, x < width else { return 0 }
        let limit = min(width, x + (maxWidth ?? width))
        var cx = x
        for ch in text {
            if cx >= limit { break }
            if cx >= 0 { self[cx, y] = Cell(char: ch.isPrintableCell ? ch : "?", role: role) }
            cx += 1
        }
        return cx - x
    }

    /// Fills a rectangle.
    mutating func fill(_ x: Int, _ y: Int, _ w: Int, _ h: Int, _ ch: Character = " ", _ role: Role = .normal) {
        for yy in max(0, y)..<min(height, y + h) {
            for xx in max(0, x)..<min(width, x + w) { self[xx, yy] = Cell(char: ch, role: role) }
        }
    }

    /// Sets the role of a stretch of cells without changing their characters.
    mutating func paint(_ x: Int, _ y: Int, _ w: Int, _ role: Role) {
        guard y >= 0, y < height else { return }
        for xx in max(0, x)..<min(width, x + w) { self[xx, y].role = role }
    }

    /// A box with a title (Unicode box drawing).
    mutating func box(_ x: Int, _ y: Int, _ w: Int, _ h: Int, title: String, role: Role = .dialog) {
        guard w >= 4, h >= 3 else { return }
        fill(x, y, w, h, " ", role)
        put(x, y, "┌" + String(repeating: "─", count: w - 2) + "┐", role)
        for yy in (y + 1)..<(y + h - 1) { put(x, yy, "│", role); put(x + w - 1, yy, "│", role) }
        put(x, y + h - 1, "└" + String(repeating: "─", count: w - 2) + "┘", role)
        put(x + 2, y, " \(title) ", .dialogTitle, maxWidth: w - 4)
    }

    /// The screen as text, one line per row, trailing spaces removed (what screen tests compare).
    var text: String {
        (0..<height).map { y in
            var line = String((0..<width).map { self[$0, y].char })
            while line.last == " " { line.removeLast() }
            return line
        }.joined(separator: "\n")
    }
}

extension Character {
    /// Control characters (from a query text, say) must never reach the terminal.
    var isPrintableCell: Bool {
        guard let s = unicodeScalars.first else { return false }
        return !(s.value < 0x20 || (s.value >= 0x7f && s.value < 0xa0))
    }
}

extension Character {
    /// The ASCII stand-in for a cell in a terminal whose locale is not UTF-8 (one column, like the original).
    var asciiFallback: Character {
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
        case "›", "▸", "→": return ">"
        case "▾", "▼", "↓": return "v"
        case "▲", "↑": return "^"
        case "×", "✖": return "x"
        case "●": return "*"
        case "○": return "o"
        default: return "?"
        }
    }
}

/// Does the user's locale (LC_ALL / LC_CTYPE / LANG) use UTF-8? Sets the process locale from the environment.
func localeIsUTF8() -> Bool {
    setlocale(LC_ALL, "")
    return String(cString: nl_langinfo(nl_item(CODESET))).uppercased().replacingOccurrences(of: "-", with: "") == "UTF8"
}

extension String {
    /// The text with every non-ASCII character replaced by its stand-in (`Character.asciiFallback`).
    var asciiFallback: String { String(map(\.asciiFallback)) }
}
