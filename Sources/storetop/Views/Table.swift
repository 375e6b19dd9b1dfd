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
}

struct Column: Sendable {
    let title: String
    let width: Int
    var right = false
    /// Takes the remaining width (at least `width`).
    var flex = false
    /// On a narrow screen, the lowest priorities are dropped first (the first column never is).
    var priority = 5
}

struct TableRow: Sendable {
    let id: RowID
    var cells: [String]
    var roles: [Role]
    var keys: [SortKey]
    var dim = false
    /// Child rows (expanded session backends) follow their parent and are not sorted or filtered.
    var children: [TableRow] = []
}

/// A view's table: columns and rows, before the UI state's filter and sort.
struct Table: Sendable {
    var columns: [Column]
    var rows: [TableRow]
    var defaultSortDescending: Set<Int> = []

    /// Rows after filter and sort, children inlined.
    func visible(_ st: ViewState) -> [TableRow] {
        var rs = rows
        if !st.filter.isEmpty {
            let f = st.filter.lowercased()
            rs = rs.filter { r in r.cells.contains { $0.lowercased().contains(f) } || r.children.contains { c in c.cells.contains { $0.lowercased().contains(f) } } }
        }
        let col = min(st.sortColumn, columns.count - 1)
        if col >= 0 {
            let desc = defaultSortDescending.contains(col) != st.sortReversed
            rs = rs.enumerated().sorted { a, b in
                let ka = a.element.keys[col], kb = b.element.keys[col]
                if ka == kb { return a.offset < b.offset }
                return desc ? kb < ka : ka < kb
            }.map(\.element)
        }
        return rs.flatMap { [$0] + $0.children }
    }

    /// Draws the table into `area` with the selection and scroll of `st`; returns the updated scroll.
    func draw(_ c: inout Canvas, x: Int, y: Int, w: Int, h: Int, state st: ViewState, focused: Bool = true) -> Int {
        guard h >= 2, w > 4 else { return st.scroll }
        let rows = visible(st)
        // Drop the lowest-priority columns until the rest fit; the flex column then takes what is left.
        var shown = Set(columns.indices)
        func need() -> Int { shown.reduce(0) { $0 + columns[$1].width + 1 } - 1 }
        while need() > w, let drop = shown.filter({ $0 != 0 }).min(by: { (columns[$0].priority, -$0) < (columns[$1].priority, -$1) }) {
            shown.remove(drop)
        }
        var widths = columns.indices.map { shown.contains($0) ? columns[$0].width : 0 }
        if let f = columns.firstIndex(where: { $0.flex }), shown.contains(f) { widths[f] += max(0, w - need()) }
        if need() > w { widths[0] = max(1, widths[0] - (need() - w)) }
        c.fill(x, y, w, 1, " ", .columnHeader)
        var cx = x
        let sortCol = min(st.sortColumn, columns.count - 1)
        for (k, col) in columns.enumerated() where widths[k] > 0 {
            var title = col.title
            if k == sortCol { title += (defaultSortDescending.contains(k) != st.sortReversed) ? "▼" : "▲" }
            c.put(cx, y, align(title, widths[k], col.right), .columnHeader)
            cx += widths[k] + 1
        }
        let body = h - 1
        var scroll = st.scroll
        let sel = min(st.selected, max(0, rows.count - 1))
        if sel < scroll { scroll = sel }
        if sel >= scroll + body { scroll = sel - body + 1 }
        scroll = max(0, min(scroll, max(0, rows.count - body)))
        for r in 0..<body {
            let idx = scroll + r
            guard idx < rows.count else { break }
            let row = rows[idx]
            let yy = y + 1 + r
            var cx = x
            for (k, _) in columns.enumerated() where widths[k] > 0 {
                let text = k < row.cells.count ? row.cells[k] : ""
                let role = row.dim ? .stale : (k < row.roles.count ? row.roles[k] : .normal)
                c.put(cx, yy, align(text, widths[k], columns[k].right), role)
                cx += widths[k] + 1
            }
            if idx == sel && focused { c.paint(x, yy, w, .selected) }
        }
        if rows.isEmpty { c.put(x + 1, y + 1, st.filter.isEmpty ? "(nothing to show)" : "(no rows match the filter \"\(st.filter)\")", .dim) }
        return scroll
    }

    func align(_ s: String, _ w: Int, _ right: Bool) -> String {
        guard w > 0 else { return "" }
        if s.count > w { return w > 1 ? String(s.prefix(w - 1)) + "…" : String(s.prefix(w)) }
        let pad = String(repeating: " ", count: w - s.count)
        return right ? pad + s : s + pad
    }
}
