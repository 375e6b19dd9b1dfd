extension Table {
    /// Column widths for `w` columns: the lowest priorities are dropped until the rest fit (0 = dropped); the
    /// flex column then takes what is left. `content` is `contentWidths()` when the caller kept it.
    func widths(fitting w: Int, content: [Int]? = nil) -> [Int] {
        var shown = Set(columns.indices)
        func need() -> Int { shown.reduce(0) { $0 + columns[$1].width + 1 } - 1 }
        while need() > w, let drop = shown.filter({ $0 != 0 }).min(by: { (columns[$0].priority, -$0) < (columns[$1].priority, -$1) }) {
            shown.remove(drop)
        }
        var widths = columns.indices.map { shown.contains($0) ? columns[$0].width : 0 }
        // spare columns first go to cells that would be cut (a long tenant/consumer name, a watcher's position),
        // then the flex column takes the rest
        var spare = w - need()
        for k in columns.indices where shown.contains(k) && !columns[k].flex && spare > 0 {
            let grow = min(spare, max(0, (content?[k] ?? contentWidth(k)) - widths[k]))
            widths[k] += grow
            spare -= grow
        }
        if let f = columns.firstIndex(where: { $0.flex }), shown.contains(f) { widths[f] += max(0, spare) }
        let used = widths.reduce(0, +) + widths.filter { $0 > 0 }.count - 1
        if used > w { widths[0] = max(1, widths[0] - (used - w)) }
        return widths
    }

    /// The widest cell of column `k` (or its title), at most 48.
    func contentWidth(_ k: Int) -> Int {
        let cells = rows.flatMap { [$0] + $0.children }.map { k < $0.cells.count ? $0.cells[k].count : 0 }
        return min(48, max(columns[k].title.count, cells.max() ?? 0))
    }

    /// `contentWidth` of every column, in one pass over the rows (a cell no longer in UTF-8 than the widest so
    /// far is not counted).
    func contentWidths() -> [Int] {
        var widest = columns.map(\.title.count)
        func measure(_ r: TableRow) {
            for k in columns.indices where k < r.cells.count && widest[k] < 48 && r.cells[k].utf8.count > widest[k] {
                widest[k] = max(widest[k], r.cells[k].count)
            }
        }
        for r in rows {
            measure(r)
            r.children.forEach(measure)
        }
        return widest.map { min(48, $0) }
    }

    /// Draws the table into `area` with the selection and scroll of `st`; returns the updated scroll.
    func draw(_ c: inout Canvas, x: Int, y: Int, w: Int, h: Int, state st: ViewState, focused: Bool = true) -> Int {
        let order = sorted(st)
        let kept = st.filter.isEmpty ? order : matching(Needle(st.filter), among: order)
        return draw(&c, x: x, y: y, w: w, h: h, state: st, lines: lines(kept), content: contentWidths(), focused: focused)
    }

    /// Draws `lines` (the rows in `st`'s filter and order) into `area` with the selection and scroll of `st`, the
    /// columns fitted with `content` (`contentWidths()`); only the rows on screen are read. Returns the updated scroll.
    func draw(_ c: inout Canvas, x: Int, y: Int, w: Int, h: Int, state st: ViewState, lines rows: [Line], content: [Int], focused: Bool = true) -> Int
    {
        guard h >= 2, w > 4 else { return st.scroll }
        let widths = widths(fitting: w, content: content)
        c.fill(x, y, w, 1, " ", .columnHeader)
        var cx = x
        let sortCol = min(st.sortColumn, columns.count - 1)
        for (k, col) in columns.enumerated() where widths[k] > 0 {
            var title = align(col.title, widths[k], col.right)
            if k == sortCol {
                // the arrow replaces the title's last character when the title fills the column: it never goes
                let arrow: Character = (col.descending != st.sortReversed) ? "▼" : "▲"
                let t = col.title.count < widths[k] ? col.title : String(col.title.prefix(max(0, widths[k] - 1)))
                title = align(t + String(arrow), widths[k], col.right)
            }
            c.put(cx, y, title, .columnHeader)
            cx += widths[k] + 1
        }
        let body = h - 1
        let sel = min(st.selected, max(0, rows.count - 1))
        var scroll = st.scroll
        if sel < scroll { scroll = sel }
        if sel >= scroll + body { scroll = sel - body + 1 }
        scroll = max(0, min(scroll, max(0, rows.count - body)))
        for r in 0..<body where scroll + r < rows.count {
            drawRow(&c, self[rows[scroll + r]], x: x, y: y + 1 + r, widths: widths)
            if scroll + r == sel && focused { c.paint(x, y + 1 + r, w, .selected) }
        }
        if rows.isEmpty { c.put(x + 1, y + 1, st.filter.isEmpty ? "(nothing to show)" : "(no rows match the filter \"\(st.filter)\")", .dim) }
        return scroll
    }

    func drawRow(_ c: inout Canvas, _ row: TableRow, x: Int, y: Int, widths: [Int]) {
        var cx = x
        for k in columns.indices where widths[k] > 0 {
            let text = k < row.cells.count ? row.cells[k] : ""
            let role = row.dim ? .stale : (k < row.roles.count ? row.roles[k] : .normal)
            c.put(cx, y, align(text, widths[k], columns[k].right), role)
            cx += widths[k] + 1
        }
    }

    /// The table as plain lines for the text report: every column, each as wide as its widest cell, in the
    /// view's first sort order.
    func report(sortColumn: Int = 0) -> [String] {
        let rows = visible(ViewState(sortColumn: sortColumn))
        let widths = columns.indices.map { k in rows.reduce(max(columns[k].width, columns[k].title.count)) { max($0, $1.cells[k].count) } }
        func line(_ cells: [String]) -> String {
            var s = columns.indices.map { align(cells[$0], widths[$0], columns[$0].right) }.joined(separator: " ")
            while s.last == " " { s.removeLast() }
            return s
        }
        return [line(columns.map(\.title))] + rows.map { line($0.cells) }
    }
}
