import SafeText

/// A table's rows in the order a view state shows them, as indices, so the order and the filter can be kept
/// between frames (`RenderCache`) and only the page on screen is read.
extension Table {
    /// One line as shown: row `row`, or its child `child` (children follow their parent, unsorted).
    struct Line: Equatable, Sendable {
        let row: Int
        var child = -1
    }

    /// The row a line shows.
    subscript(_ line: Line) -> TableRow { line.child < 0 ? rows[line.row] : rows[line.row].children[line.child] }

    /// Every row's index in the order of `st`'s sort column (ties keep the rows' order).
    func sorted(_ st: ViewState) -> [Int] {
        let col = min(st.sortColumn, columns.count - 1)
        guard col >= 0 else { return Array(rows.indices) }
        let desc = columns[col].descending != st.sortReversed
        // text keys lowercased once per sort, not once per comparison
        let keyed = rows.indices.map { (key: rows[$0].keys[col].folded, index: $0) }
        return keyed.sorted { a, b in
            if a.key == b.key { return a.index < b.index }
            return desc ? SortKey.ordered(b.key, a.key) : SortKey.ordered(a.key, b.key)
        }.map(\.index)
    }

    /// What the filter searches: each row's cells and its children's, lowercased.
    func searchText() -> [[String]] {
        rows.map { r in (r.cells + r.children.flatMap(\.cells)).map { $0.lowercased() } }
    }

    /// The indices of `among`, in their order, whose row holds `filter` (lowercased) in a cell of its own or of a
    /// child's (`search`, from `searchText()`).
    static func matching(_ filter: String, in search: [[String]], among: [Int]) -> [Int] {
        among.filter { i in search[i].contains { $0.contains(filter) } }
    }

    /// The lines of `order`'s rows, each row followed by its children.
    func lines(_ order: [Int]) -> [Line] {
        var out: [Line] = []
        out.reserveCapacity(order.count)
        for i in order {
            out.append(Line(row: i))
            for k in rows[i].children.indices { out.append(Line(row: i, child: k)) }
        }
        return out
    }
}
