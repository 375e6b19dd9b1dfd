/// Keys while a dialog is open. Every action dialog defaults to No; Esc leaves without acting.
extension Reducer {
    static func dialog(_ s0: UIState, _ key: Key, _ ctx: HandlerContext) -> (UIState, [Effect]) {
        var s = s0
        switch s.dialog {
        case .none: break
        case .help where key == .char("l") || key == .right: s.dialog = .legend
        case .help, .legend, .message, .consumerDetail:
            if [.escape, .enter, .char("q"), .char("?"), .char("h"), .char(" ")].contains(key) { s.dialog = .none }
        case .goToTime(let text): return goToTime(s, text, key)
        case .backendDetail(let pid, let scroll): return backendDetail(s, pid: pid, scroll: scroll, key, ctx)
        case .tenantPicker(let sel): tenantPicker(&s, sel, key, ctx)
        case .sortMenu(let sel): sortMenu(&s, sel, key, ctx)
        case .pruneMode(let target, let choice): return pruneMode(s, target, choice, key)
        case .planning:
            if key == .escape { s.dialog = .none }
        case .pruneConfirm(let plan, let yes):
            switch confirm(key, yes: yes) {
            case .toggle(let y): s.dialog = .pruneConfirm(plan: plan, yes: y)
            case .close: s.dialog = .none
            case .accept:
                guard yes, plan.rows > 0, plan.refusal == nil else { s.dialog = .none; s.status = "nothing done"; break }
                s.dialog = .pruneProgress(deleted: 0, planned: plan.rows, cancelling: false)
                return (s, [.executePrune(plan)])
            case .ignore: break
            }
        case .pruneProgress(let d, let p, _):
            if key == .escape || key == .char("c") {
                s.dialog = .pruneProgress(deleted: d, planned: p, cancelling: true)
                return (s, [.cancelPrune])
            }
        case .moveMenu(let target, let choice, let text): return moveMenu(s, target, choice, text, key)
        case .proposing:
            if key == .escape { s.dialog = .none }
        case .opConfirm(let p, let yes, let force): return opConfirm(s, p, yes, force, key)
        case .signalConfirm(let pid, let term, let yes):
            switch confirm(key, yes: yes) {
            case .toggle(let y): s.dialog = .signalConfirm(pid: pid, terminate: term, yes: y)
            case .close: s.dialog = .none
            case .accept:
                s.dialog = .none
                if yes { return (s, [.signal(pid: pid, terminate: term)]) }
                s.status = "nothing done"
            case .ignore: break
            }
        }
        return (s, [])
    }

    static func tenantPicker(_ s: inout UIState, _ sel: Int, _ key: Key, _ ctx: HandlerContext) {
        let n = ctx.tenants.count + 1
        switch key {
        case .up: s.dialog = .tenantPicker(selected: max(0, sel - 1))
        case .down: s.dialog = .tenantPicker(selected: min(n - 1, sel + 1))
        case .enter:
            s.tenant = sel == 0 ? nil : ctx.tenants[sel - 1]
            s.dialog = .none
            resetPositions(&s)
        case .escape, .char("q"): s.dialog = .none
        default: break
        }
    }

    /// Up/Down (or s) choose a column; Enter sorts by it (again on the same column: reversed); Esc leaves.
    static func sortMenu(_ s: inout UIState, _ sel: Int, _ key: Key, _ ctx: HandlerContext) {
        let n = max(1, ctx.columns)
        switch key {
        case .up: s.dialog = .sortMenu(selected: (sel + n - 1) % n)
        case .down, .char("s"): s.dialog = .sortMenu(selected: (sel + 1) % n)
        case .enter:
            if sel == s.current.sortColumn { s.current.sortReversed.toggle() } else { (s.current.sortColumn, s.current.sortReversed) = (sel, false) }
            s.current.selected = 0
            s.dialog = .none
        case .escape, .char("q"): s.dialog = .none
        default: break
        }
    }

    static func pruneMode(_ s0: UIState, _ target: PruneTarget, _ choice: Int, _ key: Key) -> (UIState, [Effect]) {
        var s = s0
        let choices = target.choices
        switch key {
        case .up: s.dialog = .pruneMode(target, choice: max(0, choice - 1))
        case .down: s.dialog = .pruneMode(target, choice: min(choices.count - 1, choice + 1))
        case .enter:
            s.dialog = .planning(target)
            return (s, [.planPrune(target, choice: choices[min(choice, choices.count - 1)])])
        case .escape, .char("q"), .char("n"): s.dialog = .none
        default: break
        }
        return (s, [])
    }

    /// What a key means in a Yes/No dialog.
    enum Confirm { case toggle(Bool), close, accept, ignore }

    static func confirm(_ key: Key, yes: Bool) -> Confirm {
        switch key {
        case .left, .right, .tab, .backTab: return .toggle(!yes)
        case .char("y"), .char("Y"): return .toggle(true)
        case .char("n"), .char("N"), .escape, .char("q"): return .close
        case .enter: return .accept
        default: return .ignore
        }
    }
}
