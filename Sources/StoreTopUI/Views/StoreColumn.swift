import SafeText
import StoreMetrics

/// A foreign row's cell under one of a view's own columns: its text, role and sort key.
struct ForeignCell<Row>: Sendable {
    let text: @Sendable (Row) -> String
    var role: @Sendable (Row) -> Role = { _ in .normal }
    let sort: @Sendable (Row) -> SortKey
}

/// One foreign row for a view: the row, its id and the store it belongs to (`factstr:public`).
struct ForeignLine<Row>: Sendable where Row: Sendable {
    let row: Row
    let id: RowID
    let store: String
}

/// Where a view's own rows meet other libraries' stores (issue 18). Foreign rows take the view's own columns,
/// matched by title, so a foreign figure can never land under the wrong header, and a column the store has no
/// figure for shows a dim "-". A STORE column, last so the views' column numbers (sort keys, `--sort`) stay what
/// they were, says whose row each is. A view without foreign rows is exactly what it was before.
enum StoreColumn {
    static let title = "STORE"

    /// `table`'s columns and rows, with `foreign` appended in the same columns and the STORE column added.
    static func merge<Own, F>(
        _ specs: [ColumnSpec<Own>], own: [TableRow], ownStore: String, foreign: [ForeignLine<F>], cells: [String: ForeignCell<F>]
    ) -> Table {
        guard !foreign.isEmpty else { return Table(specs, rows: own) }
        let aligned: [ColumnSpec<F>] = specs.map { spec in
            let c = cells[spec.column.title] ?? ForeignCell(text: { _ in "-" }, role: { _ in .dim }, sort: { _ in .num(-1) })
            return ColumnSpec(column: spec.column, text: c.text, role: c.role, sort: c.sort)
        }
        let width = max(12, min(24, (foreign.map(\.store.count) + [ownStore.count]).max() ?? 12))
        let columns = specs.map(\.column) + [Column(title: title, width: width, priority: 8)]
        let rows =
            own.map { tagged($0, ownStore, foreign: false) }
            + foreign.map { tagged(TableRow(aligned, $0.row, id: $0.id), $0.store, foreign: true) }
        return Table(columns: columns, rows: rows)
    }

    private static func tagged(_ row: TableRow, _ store: String, foreign: Bool) -> TableRow {
        var r = row
        r.cells.append(DisplayText.sanitize(store))
        r.roles.append(foreign ? .accent : .dim)
        r.keys.append(.text(store))
        return r
    }

    /// The label of storetop's own store in the STORE column: `storeaccess`, or `storeaccess:<schema>` when the
    /// store is not in StoreAccess's default schema.
    static func own(_ m: Model) -> String {
        m.schema.isEmpty || m.schema == defaultSchema ? "storeaccess" : "storeaccess:\(m.schema)"
    }

    /// StoreAccess's default schema (`StoreSchema.defaultName`; the UI does not import StoreAccess).
    static let defaultSchema = "storeaccess"

    /// Foreign status text as a role, as the own statuses are coloured.
    @Sendable static func statusRole(_ status: String) -> Role {
        switch status {
        case "OK": return .ok
        case "STALLED": return .critical
        default: return .warning
        }
    }

    /// Foreign status text ranked as the own statuses sort (worst first when descending).
    @Sendable static func severity(_ status: String) -> Double {
        ["OK": 0, "UNKNOWN": 1, "LAGGING": 2, "STALLED": 4][status] ?? 1
    }

    /// An event id (a UUID) shortened for a narrow column; positions that are numbers stay whole.
    @Sendable static func position(_ p: String) -> String { p.count > 12 ? String(p.prefix(8)) + "…" : p }
}

extension ColumnSpec {
    /// A spec with an existing column's layout and other cells.
    init(
        column: Column, text: @escaping @Sendable (Row) -> String, role: @escaping @Sendable (Row) -> Role,
        sort: @escaping @Sendable (Row) -> SortKey
    ) {
        self.column = column
        (self.text, self.role, self.sort) = (text, role, sort)
    }
}
