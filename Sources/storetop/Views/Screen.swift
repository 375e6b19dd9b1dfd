import Foundation
import StoreAccess
import StoreMetrics

/// Lays out one frame: header, meters, view tabs, the current view's table, status and footer, and any
/// dialog on top. Pure: (model, UI state, size, wall clock) → canvas, plus the handler's context.
enum Screen {
    static let minWidth = 64
    static let minHeight = 16

    struct Frame {
        var canvas: Canvas
        var context: HandlerContext
        var state: UIState
    }

    static func render(_ m: Model, _ s0: UIState, width: Int, height: Int, now: Date) -> Frame {
        var s = s0
        var c = Canvas(width: width, height: height)
        var ctx = HandlerContext()
        ctx.tenants = tenants(m)
        if width < minWidth || height < minHeight {
            let msg = ["terminal too small: \(width)×\(height)", "storetop needs at least \(minWidth)×\(minHeight)", "(q quits)"]
            for (i, line) in msg.enumerated() where i < height {
                c.put(max(0, (width - line.count) / 2), max(0, height / 2 - 1) + i, line, i == 0 ? .warning : .normal)
            }
            return Frame(canvas: c, context: ctx, state: s)
        }
        header(&c, m, s, now: now)
        meters(&c, m, tenant: s.tenant, width: width, y: 1)
        tabs(&c, s, y: 2)
        let table = Views.table(s.view, m, s)
        let rows = table.visible(s.current)
        ctx.rows = rows.map(\.id)
        ctx.columns = table.columns.count
        var contentH = height - 5
        if s.view == .streams, let st = m.snapshot?.streams, !st.mostActive.isEmpty, contentH >= 12 {
            let extra = min(st.mostActive.count + 2, contentH / 2)
            contentH -= extra
            mostActive(&c, m, y: 3 + contentH, h: extra, width: width)
        }
        ctx.pageSize = max(1, contentH - 2)
        if m.snapshot == nil {
            c.put(2, 4, connectionText(m, now: now), .warning)
        } else {
            s.current.selected = min(s.current.selected, max(0, rows.count - 1))
            s.current.scroll = table.draw(&c, x: 0, y: 3, w: width, h: contentH, state: s.current)
        }
        statusLine(&c, m, s, y: height - 2, width: width, now: now)
        footer(&c, s, y: height - 1, width: width)
        dialog(&c, m, s, ctx)
        return Frame(canvas: c, context: ctx, state: s)
    }

    static func tenants(_ m: Model) -> [String] {
        guard let snap = m.snapshot else { return [] }
        return TenantSummary.build(snap, nil).map(\.tenant)
    }

    static func connectionText(_ m: Model, now: Date) -> String {
        switch m.connection {
        case .connecting: return "connecting to \(m.server)…"
        case .connected: return "connected"
        case .reconnecting(let e, let at):
            return "reconnecting in \(max(0, Int(at.timeIntervalSince(now).rounded(.up))))s: \(e)"
        }
    }

    static func header(_ c: inout Canvas, _ m: Model, _ s: UIState, now: Date) {
        c.fill(0, 0, c.width, 1, " ", .header)
        var left = " storetop "
        if let sv = m.snapshot?.server {
            left += "│ \(sv.version) · \(sv.database)@\(m.server) · \(sv.isStandby ? "standby" : "primary") · up \(Format.duration(sv.now.timeIntervalSince(sv.startedAt))) "
        } else {
            left += "│ \(m.server) "
        }
        left += "│ every \(Format.duration(s.interval)) "
        if s.paused { left += "│ PAUSED " }
        let conn: (String, Role)
        switch m.connection {
        case .connected: conn = m.isStale(now: now, interval: s.interval) ? ("● stale", .warning) : ("● live", .header)
        case .connecting: conn = ("○ connecting", .header)
        case .reconnecting(_, let at): conn = ("✖ reconnecting in \(max(0, Int(at.timeIntervalSince(now).rounded(.up))))s", .error)
        }
        let used = c.put(0, 0, left, .header)
        c.put(used, 0, "│ ", .header)
        c.put(used + 2, 0, conn.0, conn.1)
    }

    /// Sessions used/max (server-wide), then append rate, worst consumer lag and outbox backlog, narrowed to the
    /// tenant when one is drilled into.
    static func meters(_ c: inout Canvas, _ m: Model, tenant: String?, width: Int, y: Int) {
        guard let snap = m.snapshot else { return }
        var x = 1
        if let sv = snap.server {
            let f = Double(sv.connections) / Double(max(1, sv.maxConnections))
            x += c.put(x, y, "Sessions ", .title)
            let barW = width >= 120 ? 12 : 6
            let n = Int((f * Double(barW)).rounded())
            x += c.put(x, y, String(repeating: "|", count: n), f > 0.8 ? .critical : .meterFill)
            x += c.put(x, y, String(repeating: " ", count: barW - n) + " ", .meterEmpty)
            x += c.put(x, y, "\(sv.connections)/\(sv.maxConnections)  ")
        }
        x += c.put(x, y, "Append ", .title)
        let rate = tenant.map { m.derived?.tenantAppendRate[$0] } ?? m.derived?.appendRate
        let history = tenant.map { m.derived?.tenantAppendRateHistory[$0] ?? [] } ?? (m.derived?.appendRateHistory ?? [])
        x += c.put(x, y, (rate.map { Views.rate($0) + "/s" } ?? "-") + " ")
        if width >= 100 { x += c.put(x, y, Views.sparkline(history, 10) + "  ", .sparkline) } else { x += 1 }
        let rows = TenantSummary.build(snap, m.derived).filter { tenant == nil || $0.tenant == tenant }
        let worst = rows.max { (TenantSummary.severityOf($0.worstStatus), $0.worstLagEvents) < (TenantSummary.severityOf($1.worstStatus), $1.worstLagEvents) }
        x += c.put(x, y, "Worst lag ", .title)
        if let w = worst, w.worstLagEvents > 0 || w.worstStatus != .ok {
            x += c.put(x, y, "\(Format.count(w.worstLagEvents)) \(Format.duration(w.worstLagSeconds)) ", Views.lagRole(w.worstLagSeconds, w.worstLagEvents))
            x += c.put(x, y, "\(w.worstStatus.rawValue.uppercased())", Views.statusRole(w.worstStatus))
            if width >= 120 { x += c.put(x, y, " (\(w.tenant)/\(w.worstConsumer ?? "-"))", .dim) }
            x += c.put(x, y, "  ")
        } else { x += c.put(x, y, "0  ", .ok) }
        let outboxes = snap.outboxes.filter { tenant == nil || $0.tenant == tenant }
        let backlog = outboxes.reduce(Int64(0)) { $0 + $1.rows }
        let oldest = outboxes.compactMap { o in o.rows > 0 ? o.oldestAt.map { snap.takenAt.timeIntervalSince($0) } : nil }.max()
        x += c.put(x, y, "Outbox ", .title)
        c.put(x, y, "\(Format.count(backlog)) rows" + (oldest.map { ", oldest \(Format.duration($0))" } ?? ""), Views.ageRole(oldest, 3600, 86400))
    }

    static func tabs(_ c: inout Canvas, _ s: UIState, y: Int) {
        var x = 0
        for v in View.allCases {
            let label = c.width >= 100 ? " \(v.rawValue) \(v.title) " : " \(v.rawValue)\(v.title.prefix(c.width >= 80 ? 8 : 4)) "
            x += c.put(x, y, label, v == s.view ? .selected : .title)
        }
        // the tenant breadcrumb is always visible; the filter sits left of it
        let crumb = " tenant: " + (s.tenant.map { "all › \($0)" } ?? "all") + " "
        var right = c.width
        if x + crumb.count < c.width {
            right = c.width - crumb.count
            c.put(right, y, crumb, .breadcrumb)
        }
        if s.filterEditing || !s.current.filter.isEmpty {
            let f = " filter: \(s.current.filter)\(s.filterEditing ? "▏" : "") "
            if x + f.count < right { c.put(right - f.count - 1, y, f, .warning) }
        }
    }

    static func mostActive(_ c: inout Canvas, _ m: Model, y: Int, h: Int, width: Int) {
        guard let st = m.snapshot?.streams else { return }
        c.put(0, y, " Most active streams (head \(st.headPosition), deliverable up to \(st.safePosition))", .title)
        c.fill(0, y + 1, width, 1, " ", .columnHeader)
        func right(_ a: String, _ b: String, _ cc: String) -> String {
            func lp(_ s: String, _ n: Int) -> String { String(repeating: " ", count: max(0, n - s.count)) + s }
            return lp(a, 8) + lp(b, 11) + lp(cc, 13)
        }
        let head = right("VERSION", "HEAD POS", "LAST WRITE")
        c.put(1, y + 1, "TENANT/STREAM", .columnHeader)
        c.put(width - head.count - 1, y + 1, head, .columnHeader)
        for (i, sh) in st.mostActive.prefix(h - 2).enumerated() {
            let r = right(String(sh.version), String(sh.headPosition), Format.duration(m.snapshot!.takenAt.timeIntervalSince(sh.updatedAt)) + " ago")
            c.put(1, y + 2 + i, "\(sh.tenant)/\(sh.stream)", .accent, maxWidth: width - r.count - 3)
            c.put(width - r.count - 1, y + 2 + i, r)
        }
    }

    static func statusLine(_ c: inout Canvas, _ m: Model, _ s: UIState, y: Int, width: Int, now: Date) {
        var parts: [(String, Role)] = []
        if case .reconnecting = m.connection {
            parts.append((connectionText(m, now: now) + (m.receivedAt.map { " — showing data from \(Format.duration(now.timeIntervalSince($0))) ago" } ?? ""), .error))
        } else if m.isStale(now: now, interval: s.interval), let r = m.receivedAt {
            parts.append(("data is \(Format.duration(now.timeIntervalSince(r))) old", .warning))
        }
        if let st = s.status { parts.append((st, .accent)) }
        if s.readOnly { parts.append(("read-only", .dim)) }
        for e in m.snapshot?.errors ?? [] { parts.append(("! " + e.reason, .warning)) }
        if let b = m.snapshot?.sessions?.deliveryBlockers.first, let t = b.transactionSeconds, t > 5 {
            parts.append(("\(b.log) delivery held back by pid \(b.pid) (transaction \(Format.duration(t)))", .warning))
        }
        var x = 1
        for (text, role) in parts {
            if x >= width - 1 { break }
            x += c.put(x, y, text, role, maxWidth: width - x - 1) + 2
        }
    }

    static func footer(_ c: inout Canvas, _ s: UIState, y: Int, width: Int) {
        c.fill(0, y, width, 1, " ", .footerText)
        var x = 0
        let items: [(String, String)] = s.filterEditing ? [("Enter", "apply"), ("Esc", "clear"), ("", "type to filter")]
            : KeyMap.footer(for: s.view, readOnly: s.readOnly)
        for (k, h) in items {
            if x + k.count + h.count + 2 > width { break }
            if !k.isEmpty { x += c.put(x, y, k, .footerKey) }
            x += c.put(x, y, " \(h) ", .footerText)
        }
    }

    static func dialog(_ c: inout Canvas, _ m: Model, _ s: UIState, _ ctx: HandlerContext) {
        let W = c.width, H = c.height
        func box(_ w: Int, _ h: Int, _ title: String) -> (Int, Int, Int) {
            let bw = min(W - 2, w), bh = min(H - 2, h)
            let x = (W - bw) / 2, y = max(1, (H - bh) / 2)
            c.box(x, y, bw, bh, title: title)
            return (x + 2, y + 1, bw - 4)
        }
        func buttons(_ x: Int, _ y: Int, _ w: Int, _ yes: Bool, _ yesLabel: String) {
            let no = " No ", ok = " \(yesLabel) "
            c.put(x + w - no.count - ok.count - 2, y, ok, yes ? .selected : .dialog)
            c.put(x + w - no.count, y, no, yes ? .dialog : .selected)
        }
        switch s.dialog {
        case .none: break
        case .help:
            let lines = KeyMap.bindings.filter { !(s.readOnly && $0.action) }.map { b in
                b.keys.padding(toLength: 22, withPad: " ", startingAt: 0) + b.help + (b.views.map { " (" + $0.map(\.title).joined(separator: ", ") + ")" } ?? "")
            } + (s.readOnly ? ["", "read-only mode: prune, cancel and terminate are off"] : [])
            let (x, y, w) = box(66, lines.count + 4, "Keys")
            for (i, l) in lines.enumerated() { c.put(x, y + 1 + i, l, .dialog, maxWidth: w) }
        case .message(let title, let text):
            let lines = wrap(text, 56)
            let (x, y, w) = box(62, lines.count + 4, title)
            for (i, l) in lines.enumerated() { c.put(x, y + 1 + i, l, .dialog, maxWidth: w) }
        case .tenantPicker(let sel):
            let names = ["(all tenants)"] + ctx.tenants
            let visible = min(names.count, H - 6)
            let (x, y, w) = box(40, visible + 2, "Tenant")
            let start = max(0, min(sel - visible + 1, names.count - visible))
            for i in 0..<visible where start + i < names.count {
                c.put(x, y + i, names[start + i].padding(toLength: w, withPad: " ", startingAt: 0), start + i == sel ? .selected : .dialog)
            }
        case .pruneMode(let t, let k, let choice):
            let (x, y, w) = box(66, 8, "Prune \(t)/\(k)")
            for (i, ch) in PruneChoice.allCases.enumerated() {
                c.put(x, y + 1 + i, (i == choice ? "› " : "  ") + ch.label, i == choice ? .selected : .dialog, maxWidth: w)
            }
            c.put(x, y + 5, "Enter: plan (nothing is deleted yet)   Esc: cancel", .dialog, maxWidth: w)
        case .planning(let t, let k):
            let (x, y, _) = box(50, 4, "Prune \(t)/\(k)")
            c.put(x, y + 1, "counting rows…", .dialog)
        case .pruneConfirm(let p, let yes):
            var lines = ["Mode: \(p.mode.name)" + (p.olderThan.map { ", rows older than \(ISO8601DateFormatter().string(from: $0))" } ?? ""),
                         "Will delete \(p.rows) of \(p.totalRows) rows" + (p.firstID.map { " (ids \($0)…\(p.lastID ?? $0))" } ?? ""),
                         "Batches of 1000 rows, 1 s lock timeout each; audited.",
                         "Watchers: " + (p.watchers.isEmpty ? "none registered" : p.watchers.map { "\($0.name)@\($0.position)" }.joined(separator: ", "))]
            if !p.missedWatchers.isEmpty { lines.append("WARNING: will miss rows: " + p.missedWatchers.map(\.name).joined(separator: ", ")) }
            if p.rows == 0 { lines.append("Nothing to delete.") }
            let (x, y, w) = box(70, lines.count + 5, "Prune \(p.tenant)/\(p.kind)?")
            for (i, l) in lines.enumerated() { c.put(x, y + 1 + i, l, l.hasPrefix("WARNING") ? .critical : .dialog, maxWidth: w) }
            buttons(x, y + lines.count + 2, w, yes, "Yes, delete \(p.rows) rows")
        case .pruneProgress(let d, let p, let cancelling):
            let (x, y, w) = box(60, 6, cancelling ? "Cancelling…" : "Pruning")
            let f = p == 0 ? 1 : Double(d) / Double(p)
            c.put(x, y + 1, Views.bar(f, w - 10) + String(format: " %3.0f%%", f * 100), .meterFill, maxWidth: w)
            c.put(x, y + 2, "\(d) of \(p) rows deleted   Esc: cancel after this batch", .dialog, maxWidth: w)
        case .signalConfirm(let pid, let term, let yes):
            let b = m.snapshot?.sessions?.backends.first { $0.pid == pid }
            let lines = [term ? "Terminate backend \(pid): its session ends, an open transaction rolls back."
                              : "Cancel the current query of backend \(pid).",
                         "application: \(b?.applicationName ?? "?")  state: \(b?.state ?? "?")",
                         "query: \(b?.query.replacingOccurrences(of: "\n", with: " ").prefix(60) ?? "")"]
            let (x, y, w) = box(70, 7, term ? "Terminate backend?" : "Cancel query?")
            for (i, l) in lines.enumerated() { c.put(x, y + 1 + i, l, .dialog, maxWidth: w) }
            buttons(x, y + 4, w, yes, term ? "Yes, terminate" : "Yes, cancel")
        }
    }

    static func wrap(_ text: String, _ width: Int) -> [String] {
        var out: [String] = []
        for para in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = ""
            for word in para.split(separator: " ") {
                if line.count + word.count + 1 > width { out.append(line); line = "" }
                line += (line.isEmpty ? "" : " ") + word
            }
            out.append(line)
        }
        return out
    }
}
