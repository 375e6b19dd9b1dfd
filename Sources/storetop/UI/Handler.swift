/// What the handler needs to know about the screen: the visible rows of the current view (after filter and
/// sort), its column count, the page height, and the tenants for the picker.
struct HandlerContext: Sendable {
    var rows: [RowID] = []
    var columns: Int = 1
    var pageSize: Int = 10
    var tenants: [String] = []
}

/// Pure key handling: (state, key, context) → (new state, effect). No terminal, no database.
enum Handler {
    static func handle(_ s0: UIState, _ key: Key, _ ctx: HandlerContext) -> (UIState, Effect?) {
        var s = s0
        if key == .ctrlC { return (s, .quit) }
        if s.dialog != .none { return dialog(s, key, ctx) }
        if s.filterEditing { return (filterKey(s, key, ctx), nil) }
        s.status = nil
        switch key {
        case .char("q"): return (s, .quit)
        case .char(let c) where ("1"..."7").contains(c):
            s.view = View(rawValue: Int(String(c))!)!
        case .tab: s.view = View(rawValue: s.view.rawValue % 7 + 1)!
        case .backTab: s.view = View(rawValue: (s.view.rawValue + 5) % 7 + 1)!
        case .up: move(&s, -1, ctx)
        case .down: move(&s, 1, ctx)
        case .pageUp: move(&s, -ctx.pageSize, ctx)
        case .pageDown: move(&s, ctx.pageSize, ctx)
        case .home: move(&s, -Int.max / 2, ctx)
        case .end: move(&s, Int.max / 2, ctx)
        case .enter: return enter(s, ctx)
        case .escape:
            if !s.current.filter.isEmpty { s.current.filter = "" } else if s.tenant != nil {
                s.tenant = nil
                s.status = "all tenants"
            }
        case .char("t"):
            let i = s.tenant.flatMap { ctx.tenants.firstIndex(of: $0) }.map { $0 + 1 } ?? 0
            s.dialog = .tenantPicker(selected: i)
        case .char("/"): s.filterEditing = true
        case .char("s"):
            s.current.sortColumn = (s.current.sortColumn + 1) % max(1, ctx.columns)
            s.current.selected = 0
        case .char("S"): s.current.sortReversed.toggle()
        case .char(" "):
            s.paused.toggle()
            s.status = s.paused ? "paused: Space resumes" : "resumed"
        case .char("+"), .char("-"):
            let list = UIState.intervals
            let i = list.firstIndex { $0 >= s.interval } ?? (list.count - 1)
            let j = key == .char("+") ? min(list.count - 1, i + 1) : max(0, i - 1)
            s.interval = list[j]
            return (s, .intervalChanged(s.interval))
        case .char("r"): return (s, .refreshNow)
        case .char("?"), .char("h"): s.dialog = .help
        case .char("P"):
            guard s.view == .outboxes else { break }
            if s.readOnly { s.status = "read-only mode: pruning is off"; break }
            guard case .outbox(let t, let k)? = selectedRow(s, ctx) else { s.status = "select an outbox to prune"; break }
            s.dialog = .pruneMode(tenant: t, kind: k, choice: 0)
        case .char("C"), .char("K"):
            guard s.view == .sessions else { break }
            if s.readOnly { s.status = "read-only mode: cancel and terminate are off"; break }
            guard case .backend(let pid)? = selectedRow(s, ctx) else { s.status = "select a backend first (Enter expands a group)"; break }
            s.dialog = .signalConfirm(pid: pid, terminate: key == .char("K"), yes: false)
        default: break
        }
        return (s, nil)
    }

    static func selectedRow(_ s: UIState, _ ctx: HandlerContext) -> RowID? {
        let i = s.current.selected
        return i >= 0 && i < ctx.rows.count ? ctx.rows[i] : nil
    }

    static func move(_ s: inout UIState, _ by: Int, _ ctx: HandlerContext) {
        guard !ctx.rows.isEmpty else { s.current.selected = 0; return }
        let n = s.current.selected + by
        s.current.selected = max(0, min(ctx.rows.count - 1, n))
    }

    static func enter(_ s0: UIState, _ ctx: HandlerContext) -> (UIState, Effect?) {
        var s = s0
        switch selectedRow(s, ctx) {
        case .tenant(let t)?:
            s.tenant = t
            s.status = "tenant \(t): Esc goes back"
            for v in View.allCases { s.views[v]?.selected = 0; s.views[v]?.scroll = 0 }
        case .group(let g)?:
            if s.expandedGroups.contains(g) { s.expandedGroups.remove(g) } else { s.expandedGroups.insert(g) }
        default: break
        }
        return (s, nil)
    }

    static func filterKey(_ s0: UIState, _ key: Key, _ ctx: HandlerContext) -> UIState {
        var s = s0
        switch key {
        case .enter: s.filterEditing = false
        case .escape: s.filterEditing = false; s.current.filter = ""
        case .backspace: if !s.current.filter.isEmpty { s.current.filter.removeLast() }
        case .char(let c) where s.current.filter.count < 60: s.current.filter.append(c); s.current.selected = 0
        default: break
        }
        return s
    }

    static func dialog(_ s0: UIState, _ key: Key, _ ctx: HandlerContext) -> (UIState, Effect?) {
        var s = s0
        switch s.dialog {
        case .none: break
        case .help, .message:
            if key == .escape || key == .enter || key == .char("q") || key == .char("?") || key == .char("h") || key == .char(" ") { s.dialog = .none }
        case .tenantPicker(let sel):
            let n = ctx.tenants.count + 1
            switch key {
            case .up: s.dialog = .tenantPicker(selected: max(0, sel - 1))
            case .down: s.dialog = .tenantPicker(selected: min(n - 1, sel + 1))
            case .enter:
                s.tenant = sel == 0 ? nil : ctx.tenants[sel - 1]
                s.dialog = .none
                for v in View.allCases { s.views[v]?.selected = 0; s.views[v]?.scroll = 0 }
            case .escape, .char("q"): s.dialog = .none
            default: break
            }
        case .pruneMode(let t, let k, let choice):
            switch key {
            case .up: s.dialog = .pruneMode(tenant: t, kind: k, choice: max(0, choice - 1))
            case .down: s.dialog = .pruneMode(tenant: t, kind: k, choice: min(PruneChoice.allCases.count - 1, choice + 1))
            case .enter:
                s.dialog = .planning(tenant: t, kind: k)
                return (s, .planPrune(tenant: t, kind: k, choice: PruneChoice.allCases[choice]))
            case .escape, .char("q"), .char("n"): s.dialog = .none
            default: break
            }
        case .planning:
            if key == .escape { s.dialog = .none }
        case .pruneConfirm(let plan, let yes):
            switch key {
            case .left, .right, .tab, .backTab: s.dialog = .pruneConfirm(plan: plan, yes: !yes)
            case .char("y"), .char("Y"): s.dialog = .pruneConfirm(plan: plan, yes: true)
            case .char("n"), .char("N"), .escape, .char("q"): s.dialog = .none
            case .enter:
                guard yes, plan.rows > 0 else { s.dialog = .none; s.status = "prune cancelled"; break }
                s.dialog = .pruneProgress(deleted: 0, planned: plan.rows, cancelling: false)
                return (s, .executePrune(plan))
            default: break
            }
        case .pruneProgress(let d, let p, _):
            if key == .escape || key == .char("c") {
                s.dialog = .pruneProgress(deleted: d, planned: p, cancelling: true)
                return (s, .cancelPrune)
            }
        case .signalConfirm(let pid, let term, let yes):
            switch key {
            case .left, .right, .tab, .backTab: s.dialog = .signalConfirm(pid: pid, terminate: term, yes: !yes)
            case .char("y"), .char("Y"): s.dialog = .signalConfirm(pid: pid, terminate: term, yes: true)
            case .char("n"), .char("N"), .escape, .char("q"): s.dialog = .none
            case .enter:
                s.dialog = .none
                if yes { return (s, .signal(pid: pid, terminate: term)) }
                s.status = "cancelled"
            default: break
            }
        }
        return (s, nil)
    }
}
