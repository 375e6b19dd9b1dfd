import Foundation
import StoreMetrics

/// The status line and the footer of key hints (generated from the key table).
extension Screen {
    static func statusLine(_ c: inout Canvas, _ m: Model, _ s: UIState, y: Int, width: Int, now: Date) {
        var parts: [(String, Role)] = []
        if case .reconnecting = m.connection {
            parts.append(
                (
                    connectionText(m, now: now)
                        + (m.receivedAt.map { " — showing data from \(Format.duration(now.timeIntervalSince($0))) ago" } ?? ""), .error
                ))
        } else if s.paused, let r = m.receivedAt {
            parts.append(("paused: data from \(Format.duration(now.timeIntervalSince(r))) ago", .accent))
        } else if m.isStale(now: now, interval: s.interval), let r = m.receivedAt {
            parts.append(("data is \(Format.duration(now.timeIntervalSince(r))) old", .warning))
        }
        // the header names the blocker's pid at every width; here it is said in full
        if let b = m.snapshot?.sessions?.deliveryBlockers.first, let t = b.transactionSeconds, t > 5 {
            parts.append(("\(b.log) delivery held back by pid \(b.pid) (transaction \(Format.duration(t)))", .warning))
        }
        if let st = s.status { parts.append((st, .accent)) }
        if s.readOnly { parts.append(("read-only", .dim)) }
        if m.snapshot?.sessions?.seesAll == false {
            parts.append(("only this role's sessions are visible (grant pg_monitor to see every session)", .warning))
        }
        for e in m.snapshot?.errors ?? [] { parts.append(("! " + e.reason, .warning)) }
        var x = 1
        for (text, role) in parts {
            if x >= width - 1 { break }
            x += c.put(x, y, text, role, maxWidth: width - x - 1) + 2
        }
    }

    /// The key hints of the view, without the keys of privileges in `off` (read-only mode, or refused to this
    /// role); "? help" and "q quit" always show (the others go from the right when the line is short), and Space
    /// says "resume" while paused.
    static func footer(_ c: inout Canvas, _ s: UIState, off: Set<KeyBinding.Privilege>, y: Int, width: Int) {
        c.fill(0, y, width, 1, " ", .footerText)
        var items = s.filterEditing ? KeyTable.filterFooter : KeyTable.footer(for: s.view, off: off)
        items = items.map { $0.0 == "Space" && s.paused ? ("Space", "resume") : $0 }
        func w(_ i: (String, String)) -> Int { i.0.count + i.1.count + 2 }
        let fixed = items.filter { $0.1 == "help" || $0.1 == "quit" }
        var room = width - fixed.reduce(0) { $0 + w($1) }
        var shown: [(String, String)] = []
        for i in items {
            if fixed.contains(where: { $0 == i }) { shown.append(i); continue }
            if w(i) <= room { shown.append(i); room -= w(i) } else { room = -1 }
        }
        var x = 0
        for (k, h) in shown {
            if !k.isEmpty { x += c.put(x, y, k, .footerKey) }
            x += c.put(x, y, " \(h) ", .footerText)
        }
    }
}
