/// Consumer operations (docs/operations.md): `R` and `Z` in Consumers, `R` `A` `D` in Parked. Each opens a preview
/// the service computes; the confirm dialog defaults to No; a refused preview offers Yes only with force (`f`).
extension Reducer {
    static func consumerOp(_ s0: UIState, _ command: Command, _ ctx: HandlerContext) -> (UIState, [Effect]) {
        var s = s0
        if s.readOnly { s.status = "read-only mode: consumer operations are off"; return (s, []) }
        if s.rewind != nil { s.status = "showing the past: consumer operations act on the present (Esc goes live)"; return (s, []) }
        if let why = ctx.consumerOpsRefusal { s.status = "consumer operations are off: \(why)"; return (s, []) }
        let row = selectedRow(s, ctx)
        switch (command, row) {
        case (.moveConsumer, .cursor(let t, let n)?):
            s.dialog = .moveMenu(OpTarget(tenant: t, name: n), choice: 0, text: "")
        case (.moveConsumer, .foreignConsumer(let store, let n)?) where store.hasPrefix("factstr:") || store.hasPrefix("eventcore:"):
            s.dialog = .moveMenu(OpTarget(tenant: "", name: n, store: store), choice: 0, text: "")
        case (.moveConsumer, .foreignConsumer(let store, _)?): s.status = "\(store)'s consumers keep no cursor storetop can move"
        case (.pauseConsumer, .foreignConsumer(let store, _)?): s.status = "\(store)'s consumers cannot be paused from here"
        case (.pauseConsumer, .cursor(let t, let n)?):
            return propose(s, OpTarget(tenant: t, name: n), .pauseOrResume)
        case (.replayParked(let all), .parked(let t, let n, let p)?):
            return propose(s, OpTarget(tenant: t, name: n), .replayParked(all ? nil : [p]))
        case (.discardParked, .parked(let t, let n, let p)?):
            return propose(s, OpTarget(tenant: t, name: n), .discardParked([p]))
        case (.moveConsumer, _), (.pauseConsumer, _): s.status = "select one of storetop's own consumers"
        default: s.status = "select a parked event"
        }
        return (s, [])
    }

    static func propose(_ s0: UIState, _ target: OpTarget, _ op: ConsumerOp) -> (UIState, [Effect]) {
        var s = s0
        s.dialog = .proposing(target)
        return (s, [.proposeOp(target, op)])
    }

    /// Up/Down choose; digits and time characters go into the argument; Enter previews (nothing changes yet).
    static func moveMenu(_ s0: UIState, _ target: OpTarget, _ choice: Int, _ text: String, _ key: Key) -> (UIState, [Effect]) {
        var s = s0
        let choices = MoveChoice.allCases
        switch key {
        case .up: s.dialog = .moveMenu(target, choice: max(0, choice - 1), text: text)
        case .down: s.dialog = .moveMenu(target, choice: min(choices.count - 1, choice + 1), text: text)
        case .backspace: s.dialog = .moveMenu(target, choice: choice, text: String(text.dropLast()))
        case .char(let c) where text.count < 40 && (c.isNumber || ":-+TZ.smhd ".contains(c)):
            s.dialog = .moveMenu(target, choice: choice, text: text + String(c))
        case .enter:
            let ch = choices[min(choice, choices.count - 1)]
            guard let request = ch.request(text) else {
                s.status = "type the \(ch.argument ?? "argument") first"
                return (s, [])
            }
            return propose(s, target, .move(request))
        case .escape, .char("q"): s.dialog = .none
        default: break
        }
        return (s, [])
    }

    /// Yes/No (default No); `f` toggles force where the preview offers it; Enter on Yes executes.
    static func opConfirm(_ s0: UIState, _ p: OpProposal, _ yes: Bool, _ force: Bool, _ key: Key) -> (UIState, [Effect]) {
        var s = s0
        if key == .char("f"), p.canForce {
            s.dialog = .opConfirm(p, yes: yes, force: !force)
            return (s, [])
        }
        switch confirm(key, yes: yes) {
        case .toggle(let y): s.dialog = .opConfirm(p, yes: y, force: force)
        case .close: s.dialog = .none
        case .accept:
            s.dialog = .none
            guard yes, p.refusal == nil || force else { s.status = "nothing done"; break }
            s.status = "working…"
            return (s, [.executeOp(p, force: force)])
        case .ignore: break
        }
        return (s, [])
    }
}
