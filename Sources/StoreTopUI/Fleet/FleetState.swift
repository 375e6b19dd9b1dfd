import Foundation
import StoreMetrics

/// The fleet view's own UI state: which target is open, the table's selection, sort and filter, and the tenant
/// search (`t`: "where does tenant acme live").
struct FleetState: Equatable, Sendable {
    /// The member whose dashboard is open; nil: the fleet view.
    var open: Int?
    var table = ViewState()
    /// The filter or the tenant search is being typed.
    var typing: Typing?
    /// Only targets holding a tenant whose name contains this.
    var tenant = ""

    enum Typing: Equatable, Sendable { case filter, tenant }
}

/// What the fleet's keys need from the frame: the visible targets in order and the page height.
struct FleetContext: Sendable {
    var rows: [String] = []
    var pageSize = 10
}

extension FleetLoop {
    /// One key on the fleet view; false when the loop must end.
    func handleFleet(_ key: Key, context: HandlerContext, now: Date) -> Bool {
        if let typing = state.typing { return type(key, typing) }
        let n = context.rows.count
        var t = state.table
        switch key {
        case .char("q"), .ctrlC: return false
        case .up, .char("k"): t.selected = max(0, t.selected - 1)
        case .down, .char("j"): t.selected = min(max(0, n - 1), t.selected + 1)
        case .pageUp: t.selected = max(0, t.selected - context.pageSize)
        case .pageDown: t.selected = min(max(0, n - 1), t.selected + context.pageSize)
        case .home: t.selected = 0
        case .end: t.selected = max(0, n - 1)
        case .char(">"), .char("s"): (t.sortColumn, t.sortReversed) = ((t.sortColumn + 1) % FleetView.columns.count, false)
        case .char("<"): (t.sortColumn, t.sortReversed) = ((t.sortColumn + FleetView.columns.count - 1) % FleetView.columns.count, false)
        case .char("S"): t.sortReversed.toggle()
        case .char("/"): state.typing = .filter
        case .char("t"): state.typing = .tenant
        case .escape: (t.filter, state.tenant) = ("", "")
        case .enter:
            if t.selected < n, case .target(let name) = context.rows[t.selected], let i = names.firstIndex(where: { $0.name == name }) {
                state.open = i
            }
        default: break
        }
        state.table = t
        return true
    }

    /// A key while the filter or tenant search is typed.
    private func type(_ key: Key, _ typing: FleetState.Typing) -> Bool {
        var text = typing == .filter ? state.table.filter : state.tenant
        switch key {
        case .enter: state.typing = nil
        case .escape: (text, state.typing) = ("", nil)
        case .backspace: text = String(text.dropLast())
        case .char(let c) where !c.isNewline && text.count < 64: text.append(c)
        case .ctrlC: return false
        default: break
        }
        if typing == .filter { state.table.filter = text } else { state.tenant = text }
        state.table.selected = 0
        return true
    }
}
