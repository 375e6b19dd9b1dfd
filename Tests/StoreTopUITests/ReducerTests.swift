import Foundation
import Testing

@testable import StoreTopUI

/// The reducer, driven by keys through the key table: (state, key, screen context) → (state, effects).
@Suite struct ReducerTests {
    let ctx = HandlerContext(
        rows: [.tenant("acme"), .tenant("globex"), .tenant("initech")], columns: 12, pageSize: 2, tenants: ["acme", "globex", "initech"])

    func run(_ keys: [Key], _ s0: UIState = UIState(), ctx: HandlerContext? = nil) -> (UIState, [Effect]) {
        var s = s0
        var effects: [Effect] = []
        for k in keys {
            let (n, e) = Reducer.handle(s, k, ctx ?? self.ctx)
            s = n
            effects += e
        }
        return (s, effects)
    }

    @Test func viewSwitching() {
        #expect(run([.char("5")]).0.view == .consumers)
        #expect(run([.tab, .tab]).0.view == .pools)
        #expect(run([.backTab]).0.view == .parked)
        #expect(run([.char("7"), .tab]).0.view == .replication)
        #expect(run([.char("8"), .tab]).0.view == .parked)
        #expect(run([.char("9"), .tab]).0.view == .overview)
        #expect(run([.char("8"), .backTab]).0.view == .bookmarks)
        #expect(run([.char("9")]).0.view == .parked)
        #expect(run([.char("0")]).0.view == .overview)
    }

    @Test func movingIsClampedToTheRows() {
        #expect(run([.down, .down, .down, .down]).0.current.selected == 2)
        #expect(run([.end, .up]).0.current.selected == 1)
        #expect(run([.pageDown]).0.current.selected == 2)
        #expect(run([.end, .home]).0.current.selected == 0)
    }

    @Test func drillInAndBackAlongTheBreadcrumb() {
        let (s, _) = run([.down, .enter])
        #expect(s.tenant == "globex")
        #expect(s.current.selected == 0)
        #expect(run([.down, .enter, .escape]).0.tenant == nil)
        // Esc clears a filter before it leaves the tenant
        let (f, _) = run([.down, .enter, .char("/"), .char("x"), .enter, .escape])
        #expect(f.tenant == "globex" && f.current.filter.isEmpty)
    }

    @Test func tenantPicker() {
        let (s, _) = run([.char("t"), .down, .down, .enter])
        #expect(s.tenant == "globex")
        #expect(s.dialog == .none)
        #expect(run([.char("t"), .down, .escape]).0.tenant == nil)
        #expect(run([.char("t"), .up, .enter]).0.tenant == nil)  // "(all tenants)"
    }

    @Test func filterEditing() {
        let (s, _) = run([.char("/"), .char("g"), .char("l"), .backspace, .char("l"), .char("o"), .enter])
        #expect(s.current.filter == "glo")
        #expect(!s.filterEditing)
        // keys go to the filter while editing: q does not quit
        let (t, e) = run([.char("/"), .char("q")])
        #expect(t.current.filter == "q" && e.isEmpty)
        #expect(run([.char("/"), .char("x"), .escape]).0.current.filter == "")
    }

    @Test func sortPauseIntervalRefreshQuit() {
        #expect(run([.char(">"), .char(">")]).0.current.sortColumn == 2)
        // the sort menu: s opens it on the current column, Down twice and Enter sorts by the third; Enter on the
        // current column reverses it; Esc changes nothing
        #expect(run([.char("s")]).0.dialog == .sortMenu(selected: 0))
        let (picked, _) = run([.char("s"), .down, .down, .enter])
        #expect(picked.current.sortColumn == 2 && picked.dialog == .none && !picked.current.sortReversed)
        #expect(run([.char("s"), .enter]).0.current.sortReversed)
        #expect(run([.char("s"), .down, .escape]).0.current == UIState().current)
        #expect(run([.char("S")]).0.current.sortReversed)
        #expect(run([.char(" ")]).0.paused)
        #expect(run([.char(" ")]).1 == [.pausedChanged(true)])
        #expect(run([.char(" "), .char(" ")]).0.paused == false)
        let (s, e) = run([.char("+")])
        #expect(s.interval == 3 && e == [.intervalChanged(3)])
        #expect(run([.char("-"), .char("-"), .char("-"), .char("-")]).0.interval == 0.5)
        #expect(run([.char("r")]).1 == [.refreshNow])
        #expect(run([.char("q")]).1 == [.quit])
        #expect(run([.ctrlC]).1 == [.quit])
        #expect(run([.char("?")]).0.dialog == .help)
        #expect(run([.char("?"), .escape]).0.dialog == .none)
    }

    @Test func pruneDialogDefaultsToNoAndShowsThePlan() {
        let octx = HandlerContext(rows: [.outbox(tenant: "acme", kind: "items")], columns: 7, pageSize: 10, tenants: [])
        var s = UIState()
        s.view = .outboxes
        let (a, e1) = run([.char("P"), .down, .enter], s, ctx: octx)
        #expect(e1 == [.planPrune(PruneTarget(tenant: "acme", kind: "items"), choice: .olderThan1h)])
        guard case .planning = a.dialog else { Issue.record("\(a.dialog)"); return }
        let plan = PruneProposal(
            tenant: "acme", kind: "items", modeName: "safe", olderThan: nil, rows: 5, totalRows: 9, firstID: 1, lastID: 5,
            watchers: [], missedWatchers: [])
        var b = a
        b.dialog = .pruneConfirm(plan: plan, yes: false)
        // Enter on the default (No) cancels
        let (c, e2) = run([.enter], b, ctx: octx)
        #expect(c.dialog == .none && e2.isEmpty)
        // choose Yes, then Enter executes; Esc during progress cancels
        let (d, e3) = run([.left, .enter], b, ctx: octx)
        #expect(e3 == [.executePrune(plan)])
        #expect(d.dialog == .pruneProgress(deleted: 0, planned: 5, cancelling: false))
        #expect(run([.escape], d, ctx: octx).1 == [.cancelPrune])
        // read-only: no dialog at all
        s.readOnly = true
        let (r, e4) = run([.char("P")], s, ctx: octx)
        #expect(r.dialog == .none && e4.isEmpty && r.status?.contains("read-only") == true)
    }

    /// A zestor outbox is pruned by age only (its watchers are in memory), and a plan the service refuses (a listener
    /// idle longer than the age) shows why and offers no Yes: Enter and y leave it undone.
    @Test func aZestorOutboxIsPrunedByAgeAndARefusedPlanCannotRun() {
        let zctx = HandlerContext(rows: [.foreignOutbox(store: "zestor:app", tenant: "7", kind: "order")], columns: 8, pageSize: 10, tenants: [])
        var s = UIState()
        s.view = .outboxes
        let target = PruneTarget(store: "zestor:app", tenant: "7", kind: "order")
        #expect(target.choices == [.olderThan1h, .olderThan24h])
        let (a, e1) = run([.char("P"), .down, .down, .enter], s, ctx: zctx)
        #expect(e1 == [.planPrune(target, choice: .olderThan24h)], "the last choice is 24 h, never safe mode")
        #expect(a.dialog == .planning(target))
        var plan = PruneProposal(
            tenant: "7", kind: "order", modeName: "forced", olderThan: nil, rows: 40, totalRows: 90, firstID: 1, lastID: 40, watchers: [],
            missedWatchers: [])
        plan.store = "zestor:app"
        plan.refusal = "listener pid 4711 has been idle for 2h, longer than 24h"
        var b = a
        b.dialog = .pruneConfirm(plan: plan, yes: false)
        let (c, e2) = run([.char("y"), .enter], b, ctx: zctx)
        #expect(c.dialog == .none && e2.isEmpty && c.status == "nothing done")
        plan.refusal = nil
        b.dialog = .pruneConfirm(plan: plan, yes: false)
        #expect(run([.char("y"), .enter], b, ctx: zctx).1 == [.executePrune(plan)])
        // another library's outbox is not pruned
        let fctx = HandlerContext(rows: [.foreignOutbox(store: "other:x", tenant: "7", kind: "order")], columns: 8, pageSize: 10, tenants: [])
        #expect(run([.char("P")], s, ctx: fctx).0.status == "select an outbox to prune")
    }

    @Test func cancelAndTerminateNeedABackendAndConfirmation() {
        let sctx = HandlerContext(rows: [.group("st:a/b/"), .backend(4242)], columns: 8, pageSize: 10, tenants: [])
        var s = UIState()
        s.view = .sessions
        #expect(run([.char("C")], s, ctx: sctx).0.status?.contains("select a backend") == true)
        let (a, _) = run([.down, .char("K")], s, ctx: sctx)
        #expect(a.dialog == .signalConfirm(pid: 4242, terminate: true, yes: false))
        #expect(run([.down, .char("K"), .enter], s, ctx: sctx).1.isEmpty)
        #expect(run([.down, .char("C"), .char("y"), .enter], s, ctx: sctx).1 == [.signal(pid: 4242, terminate: false)])
        #expect(run([.down, .char("C"), .tab, .enter], s, ctx: sctx).1 == [.signal(pid: 4242, terminate: false)])
        // No leaves nothing done, and says so (not "cancelled": nothing was cancelled)
        let (no, e) = run([.down, .char("C"), .enter], s, ctx: sctx)
        #expect(no.dialog == .none && e.isEmpty && no.status == "nothing done")
        s.readOnly = true
        #expect(run([.down, .char("C")], s, ctx: sctx).0.dialog == .none)
        // Enter on a group expands it
        #expect(run([.enter], UIState(view: .sessions), ctx: sctx).0.expandedGroups == ["st:a/b/"])
    }

    @Test func enterOnAConsumerOpensItsDetailAndHelpLeadsToTheLegend() {
        let cctx = HandlerContext(rows: [.cursor("acme", "billing"), .cursor("acme", "projector")], columns: 9, pageSize: 10, tenants: [])
        let (d, e) = run([.down, .enter], UIState(view: .consumers), ctx: cctx)
        #expect(d.dialog == .consumerDetail(tenant: "acme", name: "projector") && e.isEmpty)
        #expect(run([.down, .enter, .escape], UIState(view: .consumers), ctx: cctx).0.dialog == .none)
        #expect(run([.char("?"), .char("l")]).0.dialog == .legend)
        #expect(run([.char("?"), .char("l"), .escape]).0.dialog == .none)
        // Bookmarks sort stalest first until another column is picked
        #expect(UIState(view: .bookmarks).current.sortColumn == View.bookmarks.defaultSortColumn)
    }

    @Test func footerHidesActionsInReadOnlyMode() {
        #expect(KeyTable.footer(for: .outboxes, readOnly: false).contains { $0.0 == "P" })
        #expect(!KeyTable.footer(for: .outboxes, readOnly: true).contains { $0.0 == "P" })
        #expect(!KeyTable.footer(for: .sessions, readOnly: true).contains { $0.0 == "C" || $0.0 == "K" })
    }

    @Test func anUnboundKeyOnlyClearsTheOneKeyStatus() {
        let (paused, _) = run([.char(" ")])
        #expect(paused.status != nil)
        let (after, effects) = run([.char("x")], paused)
        #expect(effects.isEmpty)
        var expected = paused
        expected.status = nil
        #expect(after == expected)
        #expect(run([.char("x")]) == (UIState(), []))
    }

    @Test func commandsReduceWithoutKeys() {
        #expect(Reducer.reduce(UIState(), .showView(.pools), ctx).0.view == .pools)
        #expect(Reducer.reduce(UIState(), .refreshNow, ctx).1 == [.refreshNow])
        #expect(Reducer.reduce(UIState(), .move(.bottom), ctx).0.current.selected == 2)
        let (s, e) = Reducer.reduce(UIState(), .intervalDown, ctx)
        #expect(s.interval == 1 && e == [.intervalChanged(1)])
    }
}
