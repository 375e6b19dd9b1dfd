/// The Sessions view's own keys: Enter on a group or a backend, `e`, the modes, and the backend detail's keys.
extension Reducer {
    /// Enter: a group expands or collapses; a backend (in any mode) opens its detail, which is read live.
    static func enterSessions(_ s0: UIState, _ ctx: HandlerContext) -> (UIState, [Effect]) {
        var s = s0
        switch selectedRow(s, ctx) {
        case .group(let g)?:
            if s.expandedGroups.contains(g) { s.expandedGroups.remove(g) } else { s.expandedGroups.insert(g) }
        case .backend(let pid)?:
            s.dialog = .backendDetail(pid: pid, scroll: 0)
            return (s, [.inspect(pid)])
        default: break
        }
        return (s, [])
    }

    /// `e`: every group on screen expanded, or collapsed when all of them already are (the groups mode only).
    static func expandAll(_ s: inout UIState, _ ctx: HandlerContext) {
        guard s.sessionsMode == .groups else {
            s.status = "e expands the groups: press \(modeKey(s.sessionsMode)) to return to them"
            return
        }
        let groups = ctx.rows.compactMap { r -> String? in if case .group(let g) = r { return g } else { return nil } }
        if !groups.isEmpty && groups.allSatisfy(s.expandedGroups.contains) {
            s.expandedGroups.subtract(groups)
            s.status = "groups collapsed"
        } else {
            s.expandedGroups.formUnion(groups)
            s.status = "groups expanded: e collapses them"
        }
    }

    /// `a` `L` `w` `Q`: that mode; the same key again returns to the groups.
    static func sessionsMode(_ s: inout UIState, _ mode: SessionsMode) {
        s.view = .sessions
        s.sessionsMode = s.sessionsMode == mode ? .groups : mode
        s.status = s.sessionsMode == .groups ? "sessions by group" : "\(s.sessionsMode.title): \(modeKey(s.sessionsMode)) returns to the groups"
    }

    static func modeKey(_ m: SessionsMode) -> String {
        switch m {
        case .groups: return "Esc"
        case .backends: return "a"
        case .locks: return "L"
        case .waits: return "w"
        case .queries: return "Q"
        }
    }

    /// Keys in the backend detail: scroll, `x` EXPLAIN, `r` read again, `C`/`K` cancel/terminate (asked first, or
    /// why this role may not), Esc.
    static func backendDetail(_ s0: UIState, pid: Int32, scroll: Int, _ key: Key, _ ctx: HandlerContext) -> (UIState, [Effect]) {
        var s = s0
        switch key {
        case .up: s.dialog = .backendDetail(pid: pid, scroll: max(0, scroll - 1))
        case .down: s.dialog = .backendDetail(pid: pid, scroll: scroll + 1)
        case .pageUp: s.dialog = .backendDetail(pid: pid, scroll: max(0, scroll - 10))
        case .pageDown: s.dialog = .backendDetail(pid: pid, scroll: scroll + 10)
        case .home: s.dialog = .backendDetail(pid: pid, scroll: 0)
        case .char("x"): return (s, [.explain(pid)])
        case .char("r"): return (s, [.inspect(pid)])
        case .char("C"), .char("K"): signal(&s, terminate: key == .char("K"), ctx, pid: pid)
        case .escape, .enter, .char("q"): s.dialog = .none
        default: break
        }
        return (s, [])
    }
}
