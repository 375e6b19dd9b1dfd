import Foundation
import SafeText
import StoreMetrics

/// Lays out the fleet view: a header with the fleet's totals, the targets' table, the tenant search's answer and
/// the footer. Pure, like `Screen`.
enum FleetScreen {
    struct Frame {
        var canvas: Canvas
        var context: HandlerContext
        var state: FleetState
    }

    static func render(_ rows: [FleetView.Row], _ s0: FleetState, width: Int, height: Int, now: Date) -> Frame {
        var s = s0
        var c = Canvas(width: width, height: height)
        var ctx = HandlerContext()
        if width < Screen.minWidth || height < Screen.minHeight {
            Screen.tooSmall(&c)
            return Frame(canvas: c, context: ctx, state: s)
        }
        let matching =
            s.tenant.isEmpty ? rows : rows.filter { r in r.snap?.tenants.contains { $0.lowercased().contains(s.tenant.lowercased()) } == true }
        let up = rows.filter(FleetView.up).count
        c.fill(0, 0, width, 1, " ", .header)
        _ = c.put(1, 0, "storetop │ fleet │ \(rows.count) targets, \(up) up │ every \(Format.duration(rows.first?.interval ?? 2))", .header)
        if up < rows.count { _ = c.put(width - 10, 0, "\(rows.count - up) down", .critical) }
        let table = FleetView.table(matching)
        let visible = table.visible(s.table)
        ctx.rows = visible.map(\.id)
        ctx.columns = table.columns.count
        ctx.columnTitles = table.columns.map(\.title)
        let contentH = height - 4
        ctx.pageSize = max(1, contentH - 2)
        s.table.selected = min(s.table.selected, max(0, visible.count - 1))
        s.table.scroll = table.draw(&c, x: 0, y: 2, w: width, h: contentH, state: s.table)
        _ = c.put(1, height - 2, status(s, rows: rows, matching: matching), s.typing == nil ? .dim : .title)
        let keys = "Enter open  Esc back/clear  / filter  t tenant  s/< > sort  S reverse  q quit"
        _ = c.put(1, height - 1, keys, .dim, maxWidth: width - 2)
        return Frame(canvas: c, context: ctx, state: s)
    }

    /// The status line: what is being typed, or where the searched tenant lives.
    static func status(_ s: FleetState, rows: [FleetView.Row], matching: [FleetView.Row]) -> String {
        switch s.typing {
        case .filter: return "filter: \(s.table.filter)▏"
        case .tenant: return "tenant: \(s.tenant)▏"
        case nil:
            if !s.tenant.isEmpty {
                return matching.isEmpty
                    ? "no target holds a tenant matching \"\(s.tenant)\""
                    : "tenant \"\(s.tenant)\" lives on: " + matching.map { DisplayText.sanitize($0.name) }.joined(separator: ", ")
            }
            return s.table.filter.isEmpty ? "" : "filter: \(s.table.filter)"
        }
    }
}
