import SafeText

/// Semantic style roles. Views say what a cell *is*; the theme decides how it looks.
public enum Role: UInt8, Sendable, CaseIterable {
    case normal, header, title, dim, selected, ok, warning, critical, accent, meterFill, meterEmpty,
        footerKey, footerText, stale, error, columnHeader, breadcrumb, dialog, dialogTitle, sparkline
}

/// One terminal cell.
public struct Cell: Equatable, Sendable {
    /// The character shown (one column).
    public var char: Character = " "
    /// What the cell is; the theme maps it to colours.
    public var role: Role = .normal

    /// A cell showing `char` in `role`.
    public init(char: Character = " ", role: Role = .normal) {
        self.char = char
        self.role = role
    }
}

/// An in-memory grid of cells. Views draw here; a backend copies changed cells to the terminal; tests read
/// it back as plain text.
public struct Canvas: Equatable, Sendable {
    /// Columns.
    public let width: Int
    /// Rows.
    public let height: Int
    /// Row-major cells.
    public private(set) var cells: [Cell]

    /// A blank canvas.
    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: Cell(), count: self.width * self.height)
    }

    /// The cell at column `x`, row `y`.
    public subscript(x: Int, y: Int) -> Cell {
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
        for ch in DisplayText.sanitize(text) {
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
    public var text: String {
        (0..<height).map { y in
            var line = String((0..<width).map { self[$0, y].char })
            while line.last == " " { line.removeLast() }
            return line
        }.joined(separator: "\n")
    }
}
