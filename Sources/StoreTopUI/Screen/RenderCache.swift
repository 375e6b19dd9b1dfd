import StoreMetrics

/// What the frames of the view on screen share between keys, so a key costs the page it draws and not the whole
/// view (issue 23: 10,000 tenants, 5,000 consumers). Held by the loop (`AppLoop.cache`) and handed to
/// `Screen.render`; a value, read and written by the loop's thread only.
///
/// - The view's table (its rows built and sanitized) and its cells' widths, once per snapshot and view: rebuilt
///   when the model's `revision` (snapshot, derivations, schema, outbox policy), the view, the Sessions mode, the
///   tenant, the expanded groups or the schema change.
/// - The rows' order: sorted once per sort column and direction; the filter applied once per filter, from the
///   previous filter's rows when the new one only adds to it.
/// - The tenant picker's list, and the meters' worst lag and outbox items (every tenant's summary), once per
///   snapshot (and tenant).
public struct RenderCache: Sendable {
    /// What a view's table is built from.
    struct Source: Equatable, Sendable {
        let revision: Model.Revision
        let schema: String
        let view: View
        let mode: SessionsMode
        let tenant: String?
        let expanded: Set<String>

        init(_ m: Model, _ s: UIState) {
            (revision, schema, view, tenant) = (m.revision, m.schema, s.view, s.tenant)
            // the Sessions mode and the expanded groups change only the Sessions view's rows
            mode = s.view == .sessions ? s.sessionsMode : .groups
            expanded = s.view == .sessions && s.sessionsMode == .groups ? s.expandedGroups : []
        }

        static func == (a: Source, b: Source) -> Bool {
            a.revision === b.revision && a.schema == b.schema && a.view == b.view && a.mode == b.mode && a.tenant == b.tenant
                && a.expanded == b.expanded
        }
    }

    /// A view's table as the frames draw it.
    struct Entry: Sendable {
        let source: Source
        let table: Table
        /// `Table.contentWidths()`.
        let content: [Int]
        /// Every row in the sort of (column, reversed).
        var sorted: (column: Int, reversed: Bool, order: [Int])?
        /// The rows kept by `filter` (lowercased), in the sort order.
        var filtered: (filter: String, order: [Int])?
        /// The lines shown and their ids, for the view state they were made for.
        var shown: (state: ViewState, lines: [Table.Line], ids: [RowID])?
    }

    var entry: Entry?
    var tenantList: (revision: Model.Revision, tenants: [String])?
    var meterItems: (revision: Model.Revision, tenant: String?, items: [LineItem])?

    /// An empty cache: the first frame builds everything.
    public init() {}

    /// The table of the view on screen, its lines in `s.current`'s sort and filter, and their ids.
    mutating func shown(_ m: Model, _ s: UIState) -> (table: Table, lines: [Table.Line], ids: [RowID], content: [Int]) {
        let source = Source(m, s)
        if entry?.source != source {
            let table = Views.table(s.view, m, s)
            entry = Entry(source: source, table: table, content: table.contentWidths())
        }
        let st = s.current
        if let e = entry, let shown = e.shown, Self.sameOrder(shown.state, st) {
            return (e.table, shown.lines, shown.ids, e.content)
        }
        let lines = entry!.table.lines(order(st))
        let ids = lines.map { entry!.table[$0].id }
        entry!.shown = (st, lines, ids)
        return (entry!.table, lines, ids, entry!.content)
    }

    /// Two view states show the same lines (the selection and the scroll move over them).
    static func sameOrder(_ a: ViewState, _ b: ViewState) -> Bool {
        a.filter == b.filter && a.sortColumn == b.sortColumn && a.sortReversed == b.sortReversed
    }

    /// The rows of the entry's table kept by `st`'s filter, in its sort order.
    private mutating func order(_ st: ViewState) -> [Int] {
        let table = entry!.table
        if entry!.sorted.map({ $0.column != st.sortColumn || $0.reversed != st.sortReversed }) ?? true {
            (entry!.sorted, entry!.filtered) = ((st.sortColumn, st.sortReversed, table.sorted(st)), nil)
        }
        let all = entry!.sorted!.order
        guard !st.filter.isEmpty else { return all }
        let needle = Needle(st.filter)
        let f = needle.text
        if let kept = entry!.filtered, kept.filter == f { return kept.order }
        // a longer filter keeps a subset of the rows the shorter one kept, in the same order
        let prior = entry!.filtered.flatMap { f.contains($0.filter) ? $0.order : nil } ?? all
        let kept = table.matching(needle, among: prior)
        entry!.filtered = (f, kept)
        return kept
    }

    /// The tenants the drill-in offers (`Screen.tenants`), once per snapshot.
    mutating func tenants(_ m: Model) -> [String] {
        if let t = tenantList, t.revision === m.revision { return t.tenants }
        let t = Screen.tenants(m)
        tenantList = (m.revision, t)
        return t
    }

    /// The meters' worst lag and outbox items (`Screen.worstLag`, `Screen.outbox`), once per snapshot and tenant.
    mutating func lagAndOutbox(_ m: Model, tenant: String?) -> [LineItem] {
        guard let snap = m.snapshot else { return [] }
        if let k = meterItems, k.revision === m.revision, k.tenant == tenant { return k.items }
        let items = [Screen.worstLag(snap, m.derived, tenant: tenant), Screen.outbox(snap, tenant: tenant)]
        meterItems = (m.revision, tenant, items)
        return items
    }
}
