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
        let items = s.filterEditing ? KeyTable.filterFooter : KeyTable.footer(for: s.view, readOnly: s.readOnly)
        for (k, h) in items {
            if x + k.count + h.count + 2 > width { break }
            if !k.isEmpty { x += c.put(x, y, k, .footerKey) }
            x += c.put(x, y, " \(h) ", .footerText)
        }
    }
}
