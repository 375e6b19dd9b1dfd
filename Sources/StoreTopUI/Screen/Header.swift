import Foundation
import StoreMetrics

/// The header line, the meters and the view tabs. Every item has a priority (`LineItem`): on a narrow screen
/// the least important ones shorten or go first; the connection state (live, paused, stale, reconnecting), a
/// blocker's pid and the tenant breadcrumb always show, and numbers are never cut.
extension Screen {
    /// The xmin horizon holder is named in the header once its transaction is older than this.
    static let horizonWarnSeconds: Double = 300

    static func header(_ c: inout Canvas, _ m: Model, _ s: UIState, now: Date) {
        c.fill(0, 0, c.width, 1, " ", .header)
        let state = connectionState(m, s, now: now)
        var items = [LineItem([([("storetop", .header)], 4)])]
        if let sv = m.snapshot?.server {
            let short = sv.version.replacingOccurrences(of: "PostgreSQL ", with: "PG ")
            items.append(LineItem([([(sv.version, .header)], 2), ([(short, .header)], 1)]))
            items.append(LineItem([([("\(sv.database)@\(m.server)", .header)], 7), ([(sv.database, .header)], 6)]))
            if sv.isStandby, let delay = m.snapshot?.replication?.receiver?.replayLagSeconds {
                // a standby's figures are what it has replayed: say how far behind its primary they are
                let role: Role = delay >= 60 ? .critical : .header
                items.append(LineItem([([("standby, \(Format.duration(delay)) behind", role)], 5), ([("standby", .header)], 8)]))
            } else {
                items.append(LineItem([([(sv.isStandby ? "standby" : "primary", .header)], sv.isStandby ? 8 : 3)]))
            }
            items.append(LineItem([([("up \(Format.duration(sv.now.timeIntervalSince(sv.startedAt)))", .header)], 1)]))
        } else {
            items.append(LineItem([([(m.server, .header)], 7)]))
        }
        items.append(LineItem([([("every \(Format.duration(s.interval))", .header)], 8)], last: [(Format.duration(s.interval), .header)]))
        items += alerts(m.snapshot) + lockAlert(m.snapshot) + replicationAlert(m.snapshot) + visibilityAlert(m.snapshot)
        let limit = c.width - state.0.count - 2
        let fitted = LineItem.fit(items, width: limit - 1, separator: 3)
        LineItem.draw(&c, fitted, x: 1, y: 0, separator: (" │ ", .header), limit: limit)
        c.put(c.width - state.0.count - 1, 0, state.0, state.1)
    }

    /// Live, paused (refreshes held: the data is old on purpose), stale (the server answers late or not at all),
    /// connecting or reconnecting.
    static func connectionState(_ m: Model, _ s: UIState, now: Date) -> (String, Role) {
        if let r = s.rewind { return rewindState(r, m, s, now: now) }
        switch m.connection {
        case .reconnecting(_, let at): return ("✖ reconnecting in \(max(0, Int(at.timeIntervalSince(now).rounded(.up))))s", .error)
        case .connecting: return ("○ connecting", .header)
        case .connected:
            if s.paused { return ("● paused", .warning) }
            return m.isStale(now: now, interval: s.interval) ? ("● stale", .warning) : ("● live", .header)
        }
    }

    /// A past moment: played or held, its time, and how long ago (the live history) or the speed (a replay).
    static func rewindState(_ r: Rewind, _ m: Model, _ s: UIState, now: Date) -> (String, Role) {
        let mark = r.playing ? "▶ ×\(Rewind.speedText(r.speed))" : "❚❚"
        guard let at = m.snapshot?.takenAt else { return ("\(mark) no snapshot", .warning) }
        if s.replay { return ("\(mark) replay \(TimeInput.clock(at, zone: s.timeZone))", .accent) }
        let ago = Format.duration(max(0, now.timeIntervalSince(at)))
        return ("\(mark) \(TimeInput.clock(at, zone: s.timeZone, reference: now)), \(ago) ago", .accent)
    }

    /// Delivery held back by an open append, and an xmin horizon holder older than `horizonWarnSeconds`.
    static func alerts(_ snap: Snapshot?) -> [LineItem] {
        guard let snap, let ss = snap.sessions else { return [] }
        var items: [LineItem] = []
        if let b = ss.deliveryBlockers.first {
            let t = b.transactionSeconds.map { " \(Format.duration($0))" } ?? ""
            items.append(LineItem([([("held back by pid \(b.pid)\(t)", .warning)], 9)], last: [("held pid \(b.pid)", .warning)]))
        }
        if let x = ss.xminHolder, let start = x.transactionStart ?? x.queryStart {
            let age = snap.clock.timeIntervalSince(start)
            if age >= horizonWarnSeconds {
                let full = "horizon pid \(x.pid) \(Format.duration(age))", short = "horizon \(x.pid) \(Format.duration(age))"
                items.append(LineItem([([(full, .warning)], 8), ([(short, .warning)], 7), ([("xmin \(x.pid)", .warning)], 5)]))
            }
        }
        return items
    }

    /// Sessions used/max (server-wide), then append rate, worst consumer lag and outbox backlog, narrowed to the
    /// tenant when one is drilled into (the lag and outbox items once per snapshot and tenant, in `cache`).
    static func meters(_ c: inout Canvas, _ m: Model, tenant: String?, width: Int, y: Int, cache: inout RenderCache) {
        guard let snap = m.snapshot else { return }
        var items: [LineItem] = []
        if let sv = snap.server {
            let f = Double(sv.connections) / Double(max(1, sv.maxConnections))
            let n = Int((f * 12).rounded())
            let bar: [LineItem.Run] = [
                (String(repeating: "|", count: n), f > 0.8 ? .critical : .meterFill), (String(repeating: " ", count: 12 - n) + " ", .meterEmpty),
            ]
            let figure: LineItem.Run = ("\(sv.connections)/\(sv.maxConnections)", f > 0.8 ? .critical : .normal)
            items.append(
                LineItem([([("Sessions ", .title)] + bar + [figure], 3), ([("Sessions ", .title), figure], 4), ([("Sess ", .title), figure], 2)]))
        }
        let rate = tenant.map { m.derived?.tenantAppendRate[$0] } ?? m.derived?.appendRate
        let history = tenant.map { m.derived?.tenantAppendRateHistory[$0] ?? [] } ?? (m.derived?.appendRateHistory ?? [])
        let r: LineItem.Run = (rate.map { Views.rate($0) + "/s" } ?? "-", .normal)
        items.append(
            LineItem([([("Append ", .title), r, (" " + Views.sparkline(history, 10), .sparkline)], 3), ([("Append ", .title), r], 5)], last: [r])
        )
        items += cache.lagAndOutbox(m, tenant: tenant)
        LineItem.draw(&c, LineItem.fit(items, width: width - 2, separator: 2), x: 1, y: y, separator: ("  ", .normal), limit: width - 1)
    }

    static func worstLag(_ snap: Snapshot, _ d: Derived?, tenant: String?) -> LineItem {
        let rows = TenantSummary.rows(for: snap, derived: d).filter { tenant == nil || $0.tenant == tenant }
        let worst = rows.max {
            (Views.severity($0.worstStatus), $0.worstLagEvents, $0.lagsNotCounted) < (
                Views.severity($1.worstStatus), $1.worstLagEvents, $1.lagsNotCounted
            )
        }
        guard let w = worst, w.worstLagEvents > 0 || w.worstStatus != .ok || w.lagsNotCounted > 0 else {
            return LineItem([([("Worst lag ", .title), ("0", .ok)], 4)], last: [("Lag ", .title), ("0", .ok)])
        }
        let role = Views.lagRole(w.worstLagSeconds, w.worstLagEvents)
        let lag: [LineItem.Run] = [
            ("\(Views.worstLag(w, capped: Views.worstCapped(snap, w))) \(Format.duration(w.worstLagSeconds)) ", role),
            (w.worstStatus.rawValue.uppercased(), Views.statusRole(w.worstStatus)),
        ]
        let who: LineItem.Run = (" (\(w.tenant)/\(w.worstConsumer ?? "-"))", .dim)
        return LineItem([([("Worst lag ", .title)] + lag + [who], 2), ([("Worst lag ", .title)] + lag, 6)], last: [("Lag ", .title)] + lag)
    }

    static func outbox(_ snap: Snapshot, tenant: String?) -> LineItem {
        let outboxes = snap.outboxes.filter { tenant == nil || $0.tenant == tenant }
        let backlog = outboxes.reduce(Int64(0)) { $0 + $1.rows }
        let oldest = outboxes.compactMap { o in o.rows > 0 ? o.oldestAt.map { snap.clock.timeIntervalSince($0) } : nil }.max()
        let role = Views.ageRole(oldest, 3600, 86400)
        let n = Format.count(backlog)
        guard let age = oldest.map(Format.duration) else {
            return LineItem([([("Outbox ", .title), ("\(n) rows", role)], 1)], last: [("Outbox ", .title), (n, role)])
        }
        return LineItem(
            [([("Outbox ", .title), ("\(n) rows, oldest \(age)", role)], 1), ([("Outbox ", .title), ("\(n), \(age)", role)], 5)],
            last: [("Outbox ", .title), (n, role)])
    }
}
