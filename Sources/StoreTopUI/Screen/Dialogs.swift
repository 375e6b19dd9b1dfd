import Foundation
import SafeText
import StoreMetrics

/// Dialogs drawn over the frame. Help is generated from the key table.
extension Screen {
    static func dialog(_ c: inout Canvas, _ m: Model, _ s: UIState, _ ctx: HandlerContext) {
        switch s.dialog {
        case .none: break
        case .help: help(&c, s, ctx)
        case .legend: putLines(&c, legend, box(&c, 76, legend.count + 4, "Legend"))
        case .message(let title, let text):
            let lines = wrap(text, 56)
            putLines(&c, lines, box(&c, 62, lines.count + 4, title))
        case .goToTime(let text):
            let (x, y, w) = box(&c, 60, 5, "Go to")
            c.put(x, y + 1, "time: \(text)▏", .dialog, maxWidth: w)
            c.put(x, y + 2, "03:12  03:12:30  -5m  +90s  or ISO 8601     Enter  Esc", .dim, maxWidth: w)
        case .tenantPicker(let sel): tenantPicker(&c, sel, ctx)
        case .sortMenu(let sel):
            let (x, y, w) = box(&c, 40, ctx.columnTitles.count + 4, "Sort by")
            for (i, t) in ctx.columnTitles.enumerated() {
                let mark = i == s.current.sortColumn ? (s.current.sortReversed ? " (reversed)" : " (now)") : ""
                c.put(
                    x, y + 1 + i, ((i == sel ? "› " : "  ") + t + mark).padding(toLength: w, withPad: " ", startingAt: 0),
                    i == sel ? .selected : .dialog)
            }
            c.put(x, y + 1 + ctx.columnTitles.count, "Enter sorts (again: reverses)  Esc", .dim, maxWidth: w)
        case .pruneMode(let target, let choice): pruneMode(&c, target, choice)
        case .planning(let target):
            let (x, y, _) = box(&c, 50, 4, "Prune \(target.name)")
            c.put(x, y + 1, "counting rows…", .dialog)
        case .pruneConfirm(let p, let yes): pruneConfirm(&c, p, yes, horizon: m.snapshot?.sessions?.xminHolder)
        case .pruneProgress(let d, let p, let cancelling):
            let (x, y, w) = box(&c, 60, 6, cancelling ? "Cancelling…" : "Pruning")
            let f = p == 0 ? 1 : Double(d) / Double(p)
            c.put(x, y + 1, Views.bar(f, w - 10) + String(format: " %3.0f%%", f * 100), .meterFill, maxWidth: w)
            c.put(x, y + 2, "\(d) of \(p) rows deleted   Esc: cancel after this batch", .dialog, maxWidth: w)
        case .signalConfirm(let pid, let term, let yes): signalConfirm(&c, m, pid, term, yes)
        case .consumerDetail(let t, let n): consumerDetail(&c, m, tenant: t, name: n)
        case .backendDetail(let pid, let scroll):
            backendDetail(&c, m, pid: pid, scroll: scroll, signals: !s.readOnly && ctx.signalRefusal(for: pid) == nil)
        case .moveMenu(let target, let choice, let text): moveMenu(&c, target, choice, text)
        case .proposing(let target):
            let (x, y, _) = box(&c, 50, 4, DisplayText.sanitize(target.label))
            c.put(x, y + 1, "previewing…", .dialog)
        case .opConfirm(let p, let yes, let force): opConfirm(&c, p, yes, force)
        }
    }

    /// What colours, units and marks mean (beside the keys when the screen is wide, under them otherwise).
    static let legend = [
        "Status", "  OK       caught up, or behind and catching up", "  LAGGING  behind by more than the minimum, not catching up",
        "  STALLED  behind, no move for longer than the stall time", "  STOPPED  behind, no process holds its consumer lock",
        "  REWOUND  its position moved back", "Units", "  LAG      events its tenant (and filter) still has to handle",
        "  LAG TIME age of the oldest event it has not handled", "  ≥100k    counted up to the cap: at least this many",
        "  ?  12?   lag not counted this refresh (12?: the worst counted)",
        "  ~20      an estimate (SAFE TO PRUNE)", "  1.2k 3.4M thousands, millions; rates are per second",
        "Colours: green fine, yellow watch, red act; dim: other clients", "[lock] [delivery] [horizon]: a collapsed group holds it",
        "held: a tenant's events are committed but held back",
    ]

    /// Help's last lines: why the keys it leaves out are off (read-only mode, or what this role lacks).
    static func refusedLines(_ s: UIState, _ ctx: HandlerContext) -> [String] {
        if s.readOnly { return ["", "read-only mode: prune, consumer operations, cancel and terminate are off"] }
        let lines = [
            ctx.pruneRefusal.map { "prune is off: \($0)" },
            ctx.consumerOpsRefusal.map { "consumer operations are off: \($0)" },
            ctx.signalRefusal.map { "cancel and terminate " + (ctx.ownBackends.isEmpty ? "are off: " : "only on this role's sessions: ") + $0 },
        ].compactMap { $0 }.flatMap { wrap($0, 68) }
        return lines.isEmpty ? [] : [""] + lines
    }

    static func help(_ c: inout Canvas, _ s: UIState, _ ctx: HandlerContext) {
        let keys =
            KeyTable.helpRows(off: ctx.keysOff(readOnly: s.readOnly)).map { b in
                b.label.padding(toLength: 22, withPad: " ", startingAt: 0) + b.help
                    + (b.views.map { " (" + $0.map(\.title).joined(separator: ", ") + ")" } ?? "")
            } + refusedLines(s, ctx)
        if c.width >= 150 {
            let n = max(keys.count, legend.count)
            let (x, y, _) = box(&c, 140, n + 4, "Keys and legend")
            putLines(&c, keys, (x, y, 70))
            putLines(&c, legend, (x + 72, y, 64))
        } else if keys.count + legend.count + 6 <= c.height {
            let lines = keys + [""] + legend
            putLines(&c, lines, box(&c, 76, lines.count + 4, "Keys and legend"))
        } else {
            // too short for both: the legend is one key away
            let lines = keys + ["", "l or →: the legend (status colours, units, estimates)"]
            putLines(&c, Array(lines.suffix(c.height - 5)), box(&c, 76, min(c.height - 2, lines.count + 4), "Keys"))
        }
    }

    /// A centred box; returns the inner x, y and width.
    static func box(_ c: inout Canvas, _ w: Int, _ h: Int, _ title: String) -> (Int, Int, Int) {
        let bw = min(c.width - 2, w), bh = min(c.height - 2, h)
        let x = (c.width - bw) / 2, y = max(1, (c.height - bh) / 2)
        c.box(x, y, bw, bh, title: title)
        return (x + 2, y + 1, bw - 4)
    }

    static func putLines(_ c: inout Canvas, _ lines: [String], _ at: (Int, Int, Int)) {
        for (i, l) in lines.enumerated() { c.put(at.0, at.1 + 1 + i, l, .dialog, maxWidth: at.2) }
    }

    static func buttons(_ c: inout Canvas, _ x: Int, _ y: Int, _ w: Int, _ yes: Bool, _ yesLabel: String) {
        let no = " No ", ok = " \(yesLabel) "
        c.put(x + w - no.count - ok.count - 2, y, ok, yes ? .selected : .dialog)
        c.put(x + w - no.count, y, no, yes ? .dialog : .selected)
    }

    static func tenantPicker(_ c: inout Canvas, _ sel: Int, _ ctx: HandlerContext) {
        let names = ["(all tenants)"] + ctx.tenants
        let visible = min(names.count, c.height - 6)
        let (x, y, w) = box(&c, 40, visible + 2, "Tenant")
        let start = max(0, min(sel - visible + 1, names.count - visible))
        for i in 0..<visible where start + i < names.count {
            c.put(x, y + i, names[start + i].padding(toLength: w, withPad: " ", startingAt: 0), start + i == sel ? .selected : .dialog)
        }
    }

    /// The prune's choices: safe or by age for the own store; by age only for a zestor outbox, whose watchers live in
    /// the application's memory and never read rows older than their start.
    static func pruneMode(_ c: inout Canvas, _ target: PruneTarget, _ choice: Int) {
        let choices = target.choices
        let note = target.store == nil ? [] : ["zestor's watchers are in memory: only rows older than an age"]
        let (x, y, w) = box(&c, 66, choices.count + note.count + 5, "Prune \(target.name)")
        for (i, ch) in choices.enumerated() {
            c.put(x, y + 1 + i, (i == choice ? "› " : "  ") + ch.label, i == choice ? .selected : .dialog, maxWidth: w)
        }
        for (i, l) in note.enumerated() { c.put(x, y + 2 + choices.count + i, l, .dim, maxWidth: w) }
        c.put(x, y + 2 + choices.count + note.count, "Enter: plan (nothing is deleted yet)   Esc: cancel", .dialog, maxWidth: w)
    }

    static func pruneConfirm(_ c: inout Canvas, _ p: PruneProposal, _ yes: Bool, horizon: Snapshot.Backend?) {
        var lines = [
            "Mode: \(p.modeName)" + (p.olderThan.map { ", rows older than \(ISO8601DateFormatter().string(from: $0))" } ?? ""),
            "Will delete \(p.rows) of \(p.totalRows) rows" + (p.firstID.map { " (ids \($0)…\(p.lastID ?? $0))" } ?? ""),
            "Batches of 1000 rows, 1 s lock timeout each; audited.",
        ]
        if p.store == nil {
            lines.append(
                "Watchers: " + (p.watchers.isEmpty ? "none registered" : p.watchers.map { "\($0.name)@\($0.position)" }.joined(separator: ", ")))
        }
        lines += p.notes
        if let why = p.refusal { lines.append("REFUSED: \(why)") }
        if !p.missedWatchers.isEmpty { lines.append("WARNING: will miss rows: " + p.missedWatchers.map(\.name).joined(separator: ", ")) }
        if p.rows == 0 { lines.append("Nothing to delete.") }
        // deleted rows stay on disk as dead tuples until the horizon moves past them: vacuum cannot free them
        if let x = horizon, p.rows > 0 {
            lines.append("WARNING: \(p.rows) rows will be deleted but stay as dead tuples")
            lines.append("WARNING: while pid \(x.pid) holds the xmin horizon")
        }
        let (x, y, w) = box(&c, 70, lines.count + 5, "Prune \(PruneTarget(store: p.store, tenant: p.tenant, kind: p.kind).name)?")
        for (i, l) in lines.enumerated() {
            c.put(x, y + 1 + i, l, l.hasPrefix("WARNING") || l.hasPrefix("REFUSED") ? .critical : .dialog, maxWidth: w)
        }
        if p.refusal != nil {
            c.put(x, y + lines.count + 2, "Esc: close (nothing is deleted)", .dialog, maxWidth: w)
        } else {
            buttons(&c, x, y + lines.count + 2, w, yes, "Yes, delete \(p.rows) rows")
        }
    }

    static func signalConfirm(_ c: inout Canvas, _ m: Model, _ pid: Int32, _ term: Bool, _ yes: Bool) {
        let b = m.snapshot?.sessions?.backends.first { $0.pid == pid }
        let lines = [
            term
                ? "Terminate backend \(pid): its session ends, an open transaction rolls back."
                : "Cancel the current query of backend \(pid).",
            "application: \(b?.applicationName ?? "?")  state: \(b?.state ?? "?")",
            "query: \(b?.query.replacingOccurrences(of: "\n", with: " ").prefix(60) ?? "")",
        ]
        let (x, y, w) = box(&c, 70, 7, term ? "Terminate backend?" : "Cancel query?")
        for (i, l) in lines.enumerated() { c.put(x, y + 1 + i, l, .dialog, maxWidth: w) }
        buttons(&c, x, y + 4, w, yes, term ? "Yes, terminate" : "Yes, cancel")
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
