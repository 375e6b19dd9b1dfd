import Foundation
import StoreMetrics

/// The header line, the meters and the view tabs.
extension Screen {
    static func header(_ c: inout Canvas, _ m: Model, _ s: UIState, now: Date) {
        c.fill(0, 0, c.width, 1, " ", .header)
        var left = " storetop "
        if let sv = m.snapshot?.server {
            left +=
                "│ \(sv.version) · \(sv.database)@\(m.server) · \(sv.isStandby ? "standby" : "primary") · up \(Format.duration(sv.now.timeIntervalSince(sv.startedAt))) "
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
        x = worstLag(&c, snap, m.derived, tenant: tenant, x: x, y: y)
        let outboxes = snap.outboxes.filter { tenant == nil || $0.tenant == tenant }
        let backlog = outboxes.reduce(Int64(0)) { $0 + $1.rows }
        let oldest = outboxes.compactMap { o in o.rows > 0 ? o.oldestAt.map { snap.takenAt.timeIntervalSince($0) } : nil }.max()
        x += c.put(x, y, "Outbox ", .title)
        c.put(x, y, "\(Format.count(backlog)) rows" + (oldest.map { ", oldest \(Format.duration($0))" } ?? ""), Views.ageRole(oldest, 3600, 86400))
    }

    static func worstLag(_ c: inout Canvas, _ snap: Snapshot, _ d: Derived?, tenant: String?, x x0: Int, y: Int) -> Int {
        var x = x0
        let rows = TenantSummary.rows(for: snap, derived: d).filter { tenant == nil || $0.tenant == tenant }
        let worst = rows.max { (Views.severity($0.worstStatus), $0.worstLagEvents) < (Views.severity($1.worstStatus), $1.worstLagEvents) }
        x += c.put(x, y, "Worst lag ", .title)
        if let w = worst, w.worstLagEvents > 0 || w.worstStatus != .ok {
            x += c.put(
                x, y, "\(Format.count(w.worstLagEvents)) \(Format.duration(w.worstLagSeconds)) ", Views.lagRole(w.worstLagSeconds, w.worstLagEvents))
            x += c.put(x, y, "\(w.worstStatus.rawValue.uppercased())", Views.statusRole(w.worstStatus))
            if c.width >= 120 { x += c.put(x, y, " (\(w.tenant)/\(w.worstConsumer ?? "-"))", .dim) }
            x += c.put(x, y, "  ")
        } else {
            x += c.put(x, y, "0  ", .ok)
        }
        return x
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
}
