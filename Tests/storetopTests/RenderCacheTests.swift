import Foundation
import Testing

@testable import StoreMetrics
@testable import StoreTopUI

/// The frames' cache (`RenderCache`, issue 23): a frame drawn with it is the frame drawn without it, and it lets
/// go of what it kept when the snapshot, the view, the scope, the filter or the sort changes.
@Suite struct RenderCacheTests {
    /// One frame with `cache`, and the same frame built from nothing: their text and rows.
    func both(_ m: Model, _ s: UIState, _ cache: inout RenderCache) -> (cached: String, fresh: String, rows: [RowID], freshRows: [RowID]) {
        let now = Fixture.snapshot(2).takenAt
        let a = Screen.render(m, s, width: 120, height: 40, now: now, cache: &cache)
        let b = Screen.render(m, s, width: 120, height: 40, now: now)
        return (a.canvas.text, b.canvas.text, a.context.rows, b.context.rows)
    }

    /// Every view and Sessions mode, every sort column both ways, filters typed and erased a character at a
    /// time, and a tenant drill-in, through one cache: each frame is the uncached frame.
    @Test func everyFrameIsTheFrameWithoutTheCache() {
        let m = Fixture.model()
        var cache = RenderCache()
        var states: [UIState] = []
        for view in View.allCases {
            for mode in view == .sessions ? SessionsMode.allCases : [.groups] {
                var s = UIState(view: view)
                s.sessionsMode = mode
                for col in 0..<12 {
                    for reversed in [false, true] {
                        s.current.sortColumn = col
                        s.current.sortReversed = reversed
                        states.append(s)
                    }
                }
                for filter in ["a", "ac", "acm", "acme", "ac", "", "g", "gl", "x", "", "EVENTS", "-"] {
                    s.current.filter = filter
                    states.append(s)
                }
                s.tenant = "acme"
                states.append(s)
                s.current.filter = ""
                states.append(s)
            }
        }
        for s in states {
            let f = both(m, s, &cache)
            #expect(f.cached == f.fresh, "\(s.view) \(s.sessionsMode) \(s.current)")
            #expect(f.rows == f.freshRows, "\(s.view) \(s.sessionsMode) \(s.current)")
        }
    }

    /// A new snapshot with a changed value shows the new value (set whole, by a refresh, or changed in place).
    @Test func aNewSnapshotShowsItsValues() {
        var m = Fixture.model()
        var cache = RenderCache()
        let s = UIState(view: .consumers)
        #expect(both(m, s, &cache).cached.contains("mailer"))
        var snap = m.snapshot!
        snap.cursors[2].name = "postman"
        m.apply(.refreshed(snap, m.derived!, at: snap.takenAt))
        var f = both(m, s, &cache)
        #expect(f.cached.contains("postman") && !f.cached.contains("mailer"))
        #expect(f.cached == f.fresh)
        m.snapshot?.cursors[2].name = "courier"
        f = both(m, s, &cache)
        #expect(f.cached.contains("courier") && !f.cached.contains("postman"))
        m.snapshot = nil
        #expect(!both(m, s, &cache).cached.contains("courier"))
    }

    /// Typing a filter keeps only the matching rows; erasing it brings the others back; a filter that now
    /// matches nothing says so.
    @Test func aFilterChangeShowsTheFilteredRows() {
        let m = Fixture.model()
        var cache = RenderCache()
        var s = UIState(view: .consumers)
        let all = both(m, s, &cache).rows
        #expect(all.count == 5)
        s.current.filter = "acm"
        #expect(both(m, s, &cache).rows == all.filter { if case .cursor("acme", _) = $0 { true } else { false } })
        s.current.filter = "acme/b"
        #expect(both(m, s, &cache).rows == [.cursor("acme", "billing")])
        s.current.filter = "acme/bx"
        let none = both(m, s, &cache)
        #expect(none.rows.isEmpty && none.cached.contains("(no rows match the filter \"acme/bx\")"))
        s.current.filter = "globex"
        #expect(both(m, s, &cache).rows == [.cursor("globex", "mailer")])
        s.current.filter = ""
        #expect(both(m, s, &cache).rows == all)
    }

    /// Reversing the sort reverses the rows (their keys all differ); another column orders them by its keys.
    @Test func aSortReversalReversesTheRows() {
        let m = Fixture.model()
        var cache = RenderCache()
        var s = UIState(view: .consumers)
        s.current.sortColumn = 0  // TENANT/CONSUMER: the names all differ
        let up = both(m, s, &cache)
        s.current.sortReversed = true
        let down = both(m, s, &cache)
        #expect(down.rows == up.rows.reversed())
        #expect(down.cached == down.fresh && up.cached == up.fresh)
        s.current.sortReversed = false
        #expect(both(m, s, &cache).rows == up.rows)
    }

    /// The tenant picker's list follows the snapshot.
    @Test func theTenantListFollowsTheSnapshot() {
        var m = Fixture.model()
        var cache = RenderCache()
        #expect(cache.tenants(m) == Screen.tenants(m))
        m.snapshot?.tenants.append("umbrella")
        #expect(cache.tenants(m).contains("umbrella"))
        #expect(cache.tenants(m) == Screen.tenants(m))
    }

    /// A past frame shown under one revision keeps its rows; another revision (another frame) rebuilds them.
    @Test func aPastFrameIsBuiltOncePerFrame() {
        let m = Fixture.model()
        let r = Model.Revision()
        let a = m.showing(Fixture.snapshot(0), nil, revision: r)
        let b = m.showing(Fixture.snapshot(0), nil, revision: r)
        #expect(a.revision === b.revision && a.revision !== m.revision)
        var cache = RenderCache()
        let s = UIState(view: .consumers)
        _ = both(a, s, &cache)
        var snap = Fixture.snapshot(1)
        snap.cursors[2].name = "postman"
        let c = m.showing(snap, nil, revision: Model.Revision())
        let f = both(c, s, &cache)
        #expect(f.cached.contains("postman") && f.cached == f.fresh)
    }

    /// The order by row indices (`Table.sorted`, `matching`, `lines`) is the order the views had before it:
    /// filter, then a stable sort by the column's key (text compared without case), ties in row order.
    @Test func theOrderIsTheFormerOrder() {
        let cols = [Column(title: "A", width: 5), Column(title: "B", width: 5, descending: true)]
        var rows: [TableRow] = []
        let names = ["b", "B", "a", "c", "A", "ab", "b", "Ba", "", "ä"]
        for (i, n) in names.enumerated() {
            var r = TableRow([ColumnSpec<Int>](), 0, id: .note("\(i)"))
            (r.cells, r.roles, r.keys) = ([n, "\(i % 3)"], [.normal, .normal], [.text(n), i % 4 == 0 ? .text("x") : .num(Double(i % 3))])
            rows.append(r)
        }
        let table = Table(columns: cols, rows: rows)
        for col in 0..<2 {
            for reversed in [false, true] {
                for filter in ["", "b", "A", "1", "zz"] {
                    let st = ViewState(sortColumn: col, sortReversed: reversed, filter: filter)
                    #expect(table.visible(st).map(\.id) == Self.former(table, st).map(\.id), "\(st)")
                }
            }
        }
    }

    /// The filter's match in place (`Needle`) is the former `cell.lowercased().contains(filter.lowercased())`,
    /// for ASCII cells (searched as bytes) and others (lowercased as before).
    @Test func theFilterMatchesAsBefore() {
        let cells = [
            "acme/Billing", "ACME", "", "a", "e\u{301}x", "café", "CAFE\u{301}", "x\r\ny", "Kelvin \u{212A}", "straße", "STRASSE", "tn00012",
            "≥100k", "1.1k", "ab ab", "consumer-3", "Consumer-31",
        ]
        let filters = ["a", "A", "e", "é", "cafe", "\u{212A}", "k", "ss", "ß", "\n", "y", "tn0001", "b a", "CONSUMER-3", "≥", "1k", "-"]
        for f in filters {
            let needle = Needle(f)
            for cell in cells {
                #expect(needle.found(in: cell) == cell.lowercased().contains(f.lowercased()), "\(f) in \(cell)")
            }
        }
    }

    /// `Table.visible` as it was written before the cache (session 12), for `theOrderIsTheFormerOrder`.
    static func former(_ t: Table, _ st: ViewState) -> [TableRow] {
        var rs = t.rows
        if !st.filter.isEmpty {
            let f = st.filter.lowercased()
            rs = rs.filter { r in r.cells.contains { $0.lowercased().contains(f) } }
        }
        let col = min(st.sortColumn, t.columns.count - 1)
        let desc = t.columns[col].descending != st.sortReversed
        return rs.enumerated().sorted { a, b in
            let ka = a.element.keys[col], kb = b.element.keys[col]
            if ka == kb { return a.offset < b.offset }
            return desc ? kb < ka : ka < kb
        }.map(\.element)
    }
}
