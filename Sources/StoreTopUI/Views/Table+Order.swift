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

    /// The indices of `among`, in their order, whose row holds `filter` in a cell of its own or of a child's,
    /// without regard to case.
    func matching(_ filter: Needle, among: [Int]) -> [Int] {
        among.filter { i in
            rows[i].cells.contains(where: filter.found) || rows[i].children.contains { $0.cells.contains(where: filter.found) }
        }
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

/// A filter as the rows are searched for it: lowercased, and as bytes when it is printable ASCII, so an ASCII
/// cell (most of them) is searched in place rather than lowercased into a new string for every key.
struct Needle: Sendable {
    /// The filter, lowercased.
    let text: String
    /// Its bytes when every one is printable ASCII (no byte of it can then fall inside a multi-byte character
    /// or a CR LF pair, so a match of bytes in an ASCII cell is a match of characters).
    let bytes: [UInt8]?

    init(_ filter: String) {
        text = filter.lowercased()
        bytes = text.utf8.allSatisfy { (0x20...0x7E).contains($0) } ? Array(text.utf8) : nil
    }

    /// `cell.lowercased().contains(text)`, the views' filter match.
    func found(in cell: String) -> Bool {
        if let b = bytes, let hit = cell.utf8.withContiguousStorageIfAvailable({ Self.search($0, b) }), let found = hit { return found }
        return cell.lowercased().contains(text)
    }

    /// Whether `hay`, ASCII-lowercased, holds `needle`; nil when `hay` is not all ASCII.
    static func search(_ hay: UnsafeBufferPointer<UInt8>, _ needle: [UInt8]) -> Bool? {
        guard hay.allSatisfy({ $0 < 0x80 }) else { return nil }
        let m = needle.count
        guard m <= hay.count else { return false }
        for start in 0...(hay.count - m) {
            var k = 0
            while k < m && lower(hay[start + k]) == needle[k] { k += 1 }
            if k == m { return true }
        }
        return false
    }

    static func lower(_ b: UInt8) -> UInt8 { (0x41...0x5A).contains(b) ? b + 0x20 : b }
}
