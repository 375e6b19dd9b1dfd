import SafeText

/// A sortable value.
enum SortKey: Comparable, Sendable {
    case num(Double)
    case text(String)

    static func < (a: SortKey, b: SortKey) -> Bool {
        switch (a, b) {
        case (.num(let x), .num(let y)): return x < y
        case (.text(let x), .text(let y)): return x.lowercased() < y.lowercased()
        case (.num, .text): return true
        case (.text, .num): return false
        }
    }

    /// The key as `<` compares it (text lowercased), for `ordered`.
    var folded: SortKey {
        if case .text(let t) = self { return .text(t.lowercased()) }
        return self
    }

    /// `a < b` for folded keys (`folded`): the same order without lowercasing on every comparison.
    static func ordered(_ a: SortKey, _ b: SortKey) -> Bool {
        switch (a, b) {
        case (.num(let x), .num(let y)): return x < y
        case (.text(let x), .text(let y)): return x < y
        case (.num, .text): return true
        case (.text, .num): return false
        }
    }
}

/// How a column lays out: title, width, alignment, whether it takes the remaining width, its priority on a
/// narrow screen (lowest dropped first; the first column never is) and its first sort direction.
struct Column: Sendable {
    let title: String
    let width: Int
    var right = false
    /// Takes the remaining width (at least `width`).
    var flex = false
    var priority = 5
    /// Sorting by this column starts descending (largest lag first).
    var descending = false
}

/// One column of a view: its layout, and how a row fills its cell (text, role, sort key). A view is a list of
/// these, so a cell can never land under the wrong header.
struct ColumnSpec<Row>: Sendable {
    let column: Column
    let text: @Sendable (Row) -> String
    let role: @Sendable (Row) -> Role
    let sort: @Sendable (Row) -> SortKey

    init(
        _ title: String, _ width: Int, right: Bool = false, flex: Bool = false, priority: Int = 5, descending: Bool = false,
        role: @escaping @Sendable (Row) -> Role = { _ in .normal }, sort: @escaping @Sendable (Row) -> SortKey,
        text: @escaping @Sendable (Row) -> String
    ) {
        column = Column(title: title, width: width, right: right, flex: flex, priority: priority, descending: descending)
        (self.text, self.role, self.sort) = (text, role, sort)
    }
}

/// One table row: a cell per column, made by the columns' specs.
struct TableRow: Sendable {
    let id: RowID
    var cells: [String]
    var roles: [Role]
    var keys: [SortKey]
    var dim = false
    /// Child rows (expanded session backends) follow their parent and are not sorted or filtered.
    var children: [TableRow] = []

    init<Row>(_ specs: [ColumnSpec<Row>], _ row: Row, id: RowID, dim: Bool = false, children: [TableRow] = []) {
        self.id = id
        cells = specs.map { DisplayText.sanitize($0.text(row)) }
        roles = specs.map { $0.role(row) }
        keys = specs.map { $0.sort(row) }
        self.dim = dim
        self.children = children
    }
}

/// A view's table: columns and rows, before the UI state's filter and sort.
struct Table: Sendable {
    var columns: [Column]
    var rows: [TableRow]

    init(columns: [Column], rows: [TableRow]) {
        self.columns = columns
        self.rows = rows
    }

    init<Row>(_ specs: [ColumnSpec<Row>], rows: [TableRow]) {
        self.init(columns: specs.map(\.column), rows: rows)
    }

    /// Rows after filter and sort, children inlined.
    func visible(_ st: ViewState) -> [TableRow] {
        let order = sorted(st)
        let kept = st.filter.isEmpty ? order : matching(Needle(st.filter), among: order)
        return lines(kept).map { self[$0] }
    }

    func align(_ s: String, _ w: Int, _ right: Bool) -> String {
        guard w > 0 else { return "" }
        if s.count > w { return w > 1 ? String(s.prefix(w - 1)) + "…" : String(s.prefix(w)) }
        let pad = String(repeating: " ", count: w - s.count)
        return right ? pad + s : s + pad
    }
}
