/// The pure reducer: (state, command, what is on screen) → (new state, effects). No terminal, no database.
public enum Reducer {
    /// Handles one key: the key table picks the command. A key no row binds only clears the one-key status.
    public static func handle(_ s: UIState, _ key: Key, _ ctx: HandlerContext) -> (UIState, [Effect]) {
        guard let command = KeyTable.command(for: key, in: s) else {
            var next = s
            next.status = nil
            return (next, [])
        }
        return reduce(s, command, ctx)
    }

    /// Applies one command.
    public static func reduce(_ s0: UIState, _ command: Command, _ ctx: HandlerContext) -> (UIState, [Effect]) {
        var s = s0
        switch command {
        case .dialogKey(let key): return dialog(s, key, ctx)
        case .filterKey(let key): return (filterKey(s, key), [])
        default: break
        }
        s.status = nil
        switch command {
        case .quit: return (s, [.quit])
        case .showView(let v): s.view = v
        case .nextView: s.view = View(rawValue: s.view.rawValue % View.allCases.count + 1)!
        case .previousView: s.view = View(rawValue: (s.view.rawValue + View.allCases.count - 2) % View.allCases.count + 1)!
        case .move(let m): move(&s, m, ctx)
        case .drillIn: drillIn(&s, ctx)
        case .consumerDetail:
            if case .cursor(let t, let n)? = selectedRow(s, ctx) { s.dialog = .consumerDetail(tenant: t, name: n) }
        case .toggleGroup: return enterSessions(s, ctx)
        case .expandAll: expandAll(&s, ctx)
        case .sessionsMode(let mode): sessionsMode(&s, mode)
        case .back: return back(s)
        case .pickTenant:
            let i = s.tenant.flatMap { ctx.tenants.firstIndex(of: $0) }.map { $0 + 1 } ?? 0
            s.dialog = .tenantPicker(selected: i)
        case .editFilter: s.filterEditing = true
        case .nextSortColumn:
            s.current.sortColumn = (s.current.sortColumn + 1) % max(1, ctx.columns)
            s.current.selected = 0
        case .reverseSort: s.current.sortReversed.toggle()
        case .sortMenu: s.dialog = .sortMenu(selected: min(s.current.sortColumn, max(0, ctx.columns - 1)))
        case .togglePause where s.rewind != nil, .intervalUp where s.rewind != nil, .intervalDown where s.rewind != nil, .timeStep, .timeJump,
            .goToTime:
            return time(s, command)
        case .togglePause:
            s.paused.toggle()
            s.status = s.paused ? "paused: Space resumes" : "resumed"
            return (s, [.pausedChanged(s.paused)])
        case .intervalUp, .intervalDown:
            let list = UIState.intervals
            let i = list.firstIndex { $0 >= s.interval } ?? (list.count - 1)
            s.interval = list[command == .intervalUp ? min(list.count - 1, i + 1) : max(0, i - 1)]
            return (s, [.intervalChanged(s.interval)])
        case .refreshNow: return (s, [.refreshNow])
        case .help: s.dialog = .help
        case .prune: prune(&s, ctx)
        case .moveConsumer, .pauseConsumer, .replayParked, .discardParked: return consumerOp(s, command, ctx)
        case .cancelQuery, .terminate: signal(&s, terminate: command == .terminate, ctx)
        case .dialogKey, .filterKey: break
        }
        return (s, [])
    }

    /// Esc: clears the filter, else leaves a Sessions mode, else returns to live, else leaves the tenant.
    static func back(_ s0: UIState) -> (UIState, [Effect]) {
        var s = s0
        if !s.current.filter.isEmpty {
            s.current.filter = ""
        } else if s.view == .sessions && s.sessionsMode != .groups {
            sessionsMode(&s, s.sessionsMode)
        } else if s.rewind != nil && !s.replay {
            return (s, [.seek(.live)])
        } else if s.tenant != nil {
            s.tenant = nil
            s.status = "all tenants"
        }
        return (s, [])
    }

    static func selectedRow(_ s: UIState, _ ctx: HandlerContext) -> RowID? {
        let i = s.current.selected
        return i >= 0 && i < ctx.rows.count ? ctx.rows[i] : nil
    }

    static func move(_ s: inout UIState, _ m: Command.Move, _ ctx: HandlerContext) {
        guard !ctx.rows.isEmpty else { s.current.selected = 0; return }
        let by: Int
        switch m {
        case .up: by = -1
        case .down: by = 1
        case .pageUp: by = -ctx.pageSize
        case .pageDown: by = ctx.pageSize
        case .top: by = -Int.max / 2
        case .bottom: by = Int.max / 2
        }
        s.current.selected = max(0, min(ctx.rows.count - 1, s.current.selected + by))
    }

    static func drillIn(_ s: inout UIState, _ ctx: HandlerContext) {
        guard case .tenant(let t)? = selectedRow(s, ctx) else { return }
        s.tenant = t
        s.status = "tenant \(t): Esc goes back"
        resetPositions(&s)
    }

    static func resetPositions(_ s: inout UIState) {
        for v in View.allCases { s.views[v]?.selected = 0; s.views[v]?.scroll = 0 }
    }

    /// `P`: the prune dialog for the selected outbox, unless this role may not prune storetop's own outboxes (it
    /// says why instead; a zestor outbox's prune checks its own tables when it runs).
    static func prune(_ s: inout UIState, _ ctx: HandlerContext) {
        if s.readOnly { s.status = "read-only mode: pruning is off"; return }
        switch selectedRow(s, ctx) {
        case .outbox(let t, let k)?:
            if let why = ctx.pruneRefusal { s.status = "pruning is off: \(why)"; return }
            s.dialog = .pruneMode(PruneTarget(tenant: t, kind: k), choice: 0)
        case .foreignOutbox(let store, let t, let k)? where store.hasPrefix("zestor:"):
            s.dialog = .pruneMode(PruneTarget(store: store, tenant: t, kind: k), choice: 0)
        default: s.status = ctx.pruneRefusal.map { "pruning is off: \($0)" } ?? "select an outbox to prune"
        }
    }

    /// `C` `K` on the list, and in the backend detail: the confirm dialog, unless this role may not signal that
    /// backend (read-only mode, or another role's backend without `pg_signal_backend`: it says why instead).
    static func signal(_ s: inout UIState, terminate: Bool, _ ctx: HandlerContext, pid: Int32? = nil) {
        if s.readOnly { s.status = "read-only mode: cancel and terminate are off"; return }
        if let why = ctx.signalRefusal, ctx.ownBackends.isEmpty { s.status = "cancel and terminate are off: \(why)"; return }
        guard let pid = pid ?? selectedBackend(s, ctx) else {
            s.status = "select a backend first (Enter expands a group, a lists every backend)"
            return
        }
        if let why = ctx.signalRefusal(for: pid) {
            s.status = "backend \(pid) runs as another role: \(why)"
            return
        }
        s.dialog = .signalConfirm(pid: pid, terminate: terminate, yes: false)
    }

    static func selectedBackend(_ s: UIState, _ ctx: HandlerContext) -> Int32? {
        if case .backend(let pid)? = selectedRow(s, ctx) { return pid } else { return nil }
    }

    static func filterKey(_ s0: UIState, _ key: Key) -> UIState {
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
}
