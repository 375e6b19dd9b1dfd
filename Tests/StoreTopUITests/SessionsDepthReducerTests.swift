import Foundation
import Testing

@testable import StoreTopUI

/// Sessions in depth, the keys: Enter on a group expands it and on a backend opens its detail (and asks for the
/// live read), `e` expands and collapses every group, `a` `L` `w` `Q` switch modes (again, or Esc, returns), each
/// mode keeps its own selection and sort, and the detail's keys ask for EXPLAIN, a new read, or a signal.
@Suite struct SessionsDepthReducerTests {
    func sessions(_ rows: [RowID]) -> (UIState, HandlerContext) {
        var s = UIState()
        s.view = .sessions
        var ctx = HandlerContext()
        ctx.rows = rows
        ctx.columns = 10
        return (s, ctx)
    }

    func keys(_ keys: [Key], _ s0: UIState, _ ctx: HandlerContext) -> (UIState, [Effect]) { press(keys, s0, ctx) }

    @Test func enterExpandsAGroupAndOpensABackendsDetailWithALiveRead() {
        let (s, ctx) = sessions([.group("st:a/b/"), .backend(42)])
        let (open, none) = keys([.enter], s, ctx)
        #expect(open.expandedGroups == ["st:a/b/"])
        #expect(none.isEmpty)
        let (detail, read) = keys([.down, .enter], s, ctx)
        #expect(detail.dialog == .backendDetail(pid: 42, scroll: 0))
        #expect(read == [.inspect(42)])
    }

    @Test func theDetailAsksForExplainAReadAgainAndASignalAfterConfirming() {
        var (s, ctx) = sessions([.backend(42)])
        s.dialog = .backendDetail(pid: 42, scroll: 0)
        #expect(keys([.char("x")], s, ctx).1 == [.explain(42)])
        #expect(keys([.char("r")], s, ctx).1 == [.inspect(42)])
        #expect(keys([.down, .down, .up], s, ctx).0.dialog == .backendDetail(pid: 42, scroll: 1))
        let (asked, nothing) = keys([.char("K")], s, ctx)
        #expect(asked.dialog == .signalConfirm(pid: 42, terminate: true, yes: false))
        #expect(nothing.isEmpty)
        #expect(keys([.char("K"), .char("y"), .enter], s, ctx).1 == [.signal(pid: 42, terminate: true)])
        #expect(keys([.escape], s, ctx).0.dialog == .none)
        s.readOnly = true
        let (refused, none) = keys([.char("C")], s, ctx)
        #expect(refused.dialog == .backendDetail(pid: 42, scroll: 0))
        #expect(refused.status?.contains("read-only") == true)
        #expect(none.isEmpty)
        // EXPLAIN is a read: offered in read-only mode too
        #expect(keys([.char("x")], s, ctx).1 == [.explain(42)])
    }

    @Test func eExpandsEveryGroupOnScreenThenCollapsesThem() {
        let (s, ctx) = sessions([.group("g1"), .group("g2"), .backend(1)])
        let (open, _) = keys([.char("e")], s, ctx)
        #expect(open.expandedGroups == ["g1", "g2"])
        let (closed, _) = keys([.char("e"), .char("e")], s, ctx)
        #expect(closed.expandedGroups.isEmpty)
    }

    @Test func modesSwitchBackAndKeepTheirOwnSelectionAndSort() {
        let (s, ctx) = sessions((1...5).map { .backend(Int32($0)) })
        let (all, _) = keys([.char("a")], s, ctx)
        #expect(all.sessionsMode == .backends)
        // the flat list starts sorted by its duration, the longest first (the column sorts descending)
        #expect(all.current.sortColumn == BackendsColumn.duration && !all.current.sortReversed)
        let (moved, _) = keys([.char("a"), .down, .down], s, ctx)
        #expect(moved.current.selected == 2)
        // the groups keep their own selection
        let (back, _) = keys([.char("a"), .down, .down, .char("a")], s, ctx)
        #expect(back.sessionsMode == .groups)
        #expect(back.current.selected == 0)
        let (again, _) = keys([.char("a"), .down, .down, .escape, .char("a")], s, ctx)
        #expect(again.sessionsMode == .backends)
        #expect(again.current.selected == 2)
        let (locks, _) = keys([.char("L")], s, ctx)
        #expect(locks.sessionsMode == .locks)
        #expect(keys([.char("L"), .char("w")], s, ctx).0.sessionsMode == .waits)
        #expect(keys([.char("Q")], s, ctx).0.sessionsMode == .queries)
        // the mode keys act in Sessions only
        var other = s
        other.view = .pools
        #expect(keys([.char("L")], other, ctx).0.sessionsMode == .groups)
    }
}
