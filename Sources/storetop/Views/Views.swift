import Foundation
import StoreAccess
import StoreMetrics

/// Builds each view's table from the model. Views only format: every figure comes from the snapshot and
/// its derivations.
enum Views {
    static func table(_ view: View, _ m: Model, _ s: UIState) -> Table {
        guard let snap = m.snapshot else { return Table(columns: [Column(title: "", width: 10, flex: true)], rows: []) }
        let d = m.derived
        let now = snap.takenAt
        func inTenant(_ t: String?) -> Bool { s.tenant == nil || t == s.tenant }
        switch view {
        case .overview:
            let rows = TenantSummary.build(snap, d).filter { inTenant($0.tenant) }.map { t -> TableRow in
                let hist = d?.tenantAppendRateHistory[t.tenant] ?? []
                return TableRow(id: .tenant(t.tenant),
                    cells: [t.tenant, "\(t.sessions)", "\(t.pools)", Format.count(t.events), rate(t.appendRate), sparkline(hist, 12),
                            Format.count(t.worstLagEvents), t.worstLagEvents > 0 ? Format.duration(t.worstLagSeconds) : "-",
                            t.worstStatus.rawValue.uppercased(), t.worstConsumer ?? "-", Format.count(t.outboxRows),
                            t.oldestOutboxAge.map(Format.duration) ?? "-"],
                    roles: [.accent, .normal, .normal, .normal, .normal, .sparkline, lagRole(t.worstLagSeconds, t.worstLagEvents),
                            lagRole(t.worstLagSeconds, t.worstLagEvents), statusRole(t.worstStatus), .normal, .normal, ageRole(t.oldestOutboxAge, 3600, 86400)],
                    keys: [.text(t.tenant), .num(Double(t.sessions)), .num(Double(t.pools)), .num(Double(t.events)), .num(t.appendRate ?? 0),
                           .num(hist.last ?? 0), .num(Double(t.worstLagEvents)), .num(t.worstLagSeconds),
                           .num(Double(TenantSummary.severityOf(t.worstStatus))), .text(t.worstConsumer ?? ""), .num(Double(t.outboxRows)),
                           .num(t.oldestOutboxAge ?? -1)])
            }
            return Table(columns: [Column(title: "TENANT", width: 10, flex: true), Column(title: "SESS", width: 5, right: true, priority: 4),
                                   Column(title: "POOLS", width: 5, right: true, priority: 2), Column(title: "EVENTS", width: 8, right: true, priority: 3),
                                   Column(title: "APPEND/S", width: 9, right: true, priority: 7), Column(title: "TREND", width: 12, priority: 1),
                                   Column(title: "WORST LAG", width: 9, right: true, priority: 8), Column(title: "LAG TIME", width: 8, right: true, priority: 8),
                                   Column(title: "STATUS", width: 8, priority: 9), Column(title: "CONSUMER", width: 14, priority: 4), Column(title: "OUTBOX", width: 7, right: true, priority: 6),
                                   Column(title: "OLDEST", width: 7, right: true, priority: 4)], rows: rows)
        case .sessions:
            let ss = snap.sessions
            let blockers = Dictionary((ss?.deliveryBlockers ?? []).map { ($0.pid, $0) }, uniquingKeysWith: { a, _ in a })
            let rows: [TableRow] = (ss?.groups ?? []).filter { inTenant($0.tenant) || (s.tenant != nil && $0.other && false) }.map { g in
                let key = groupKey(g)
                let name = g.other ? "\(g.service) (other client)" : "\(g.service)/\(g.store)" + (g.tenant.map { "/\($0)" } ?? "")
                var row = TableRow(id: .group(key),
                    cells: [(s.expandedGroups.contains(key) ? "▾ " : "▸ ") + name, "\(g.total)", "\(g.active)", "\(g.idle)", "\(g.idleInTransaction)",
                            "\(g.waiting)", g.longestQuerySeconds.map(Format.duration) ?? "-", g.oldestTransactionSeconds.map(Format.duration) ?? "-"],
                    roles: [g.other ? .dim : .accent, .normal, .normal, .normal, g.idleInTransaction > 0 ? .warning : .normal, g.waiting > 0 ? .critical : .normal,
                            ageRole(g.longestQuerySeconds, 10, 60), ageRole(g.oldestTransactionSeconds, 60, 300)],
                    keys: [.text(name), .num(Double(g.total)), .num(Double(g.active)), .num(Double(g.idle)), .num(Double(g.idleInTransaction)),
                           .num(Double(g.waiting)), .num(g.longestQuerySeconds ?? -1), .num(g.oldestTransactionSeconds ?? -1)])
                if s.expandedGroups.contains(key) {
                    row.children = (ss?.backends ?? []).filter { groupKey(of: $0.applicationName) == key }.map { b in
                        let dur = (b.state == "active" ? b.queryStart : b.stateChange).map { Format.duration(now.timeIntervalSince($0)) } ?? "-"
                        // only lock waits are "waiting"; Client/Activity/Timeout waits are a session at rest
                        let wait = b.waitEventType == "Lock" ? "lock" : ""
                        var note = b.blockedBy.isEmpty ? "" : "blocked by \(b.blockedBy.map(String.init).joined(separator: ","))  "
                        if let bl = blockers[b.pid] { note += "holds \(bl.log) delivery  " }
                        let q = b.query.replacingOccurrences(of: "\n", with: " ")
                        return TableRow(id: .backend(b.pid),
                            cells: ["   pid \(b.pid) \(note)\(q)", "", b.state == "active" ? "act" : "", b.state == "idle" ? "idle" : "",
                                    b.state.hasPrefix("idle in") ? "idle-tx" : "", wait, dur,
                                    b.transactionStart.map { Format.duration(now.timeIntervalSince($0)) } ?? "-"],
                            roles: [b.blockedBy.isEmpty ? (blockers[b.pid] != nil ? .warning : .normal) : .critical, .normal, .normal, .normal,
                                    .warning, .critical, .normal, ageRole(b.transactionStart.map { now.timeIntervalSince($0) }, 60, 300)],
                            keys: Array(repeating: .num(0), count: 8))
                    }
                }
                return row
            }
            return Table(columns: [Column(title: "SERVICE/STORE/TENANT", width: 26, flex: true), Column(title: "TOTAL", width: 5, right: true),
                                   Column(title: "ACTIVE", width: 6, right: true), Column(title: "IDLE", width: 5, right: true, priority: 2),
                                   Column(title: "IDLE-TX", width: 7, right: true), Column(title: "WAIT", width: 5, right: true),
                                   Column(title: "LONGEST Q", width: 9, right: true, priority: 3), Column(title: "OLDEST TX", width: 9, right: true, priority: 6)],
                         rows: rows, defaultSortDescending: [])
        case .pools:
            let rows = snap.pools.filter { inTenant($0.tenant.isEmpty ? nil : $0.tenant) || s.tenant == nil }.map { p -> TableRow in
                let name = "\(p.service)/\(p.store)" + (p.tenant.isEmpty ? "" : "/\(p.tenant)")
                let util = p.utilization
                return TableRow(id: .pool("\(p.host):\(p.pid):\(p.startedAt.timeIntervalSince1970)"),
                    cells: [name, "\(p.host):\(p.pid)", bar(util, 10) + String(format: " %3.0f%%", util * 100), "\(p.inUse)/\(p.maxSize)", "\(p.idle)",
                            "\(p.waiting)", "\(p.timeoutsTotal)", String(format: "%.1f", p.acquireP99Milliseconds),
                            Format.duration(p.reportAgeSeconds) + (p.stale ? " STALE" : "")],
                    roles: [.accent, .normal, util >= 1 ? .critical : (util >= 0.8 ? .warning : .meterFill), .normal, .normal,
                            p.waiting > 0 ? .warning : .normal, p.timeoutsTotal > 0 ? .critical : .normal, p.acquireP99Milliseconds > 100 ? .warning : .normal,
                            p.stale ? .critical : .normal],
                    keys: [.text(name), .text("\(p.host):\(p.pid)"), .num(util), .num(Double(p.inUse)), .num(Double(p.idle)), .num(Double(p.waiting)),
                           .num(Double(p.timeoutsTotal)), .num(p.acquireP99Milliseconds), .num(p.reportAgeSeconds)],
                    dim: p.stale)
            }
            return Table(columns: [Column(title: "SERVICE/STORE/TENANT", width: 20, flex: true), Column(title: "HOST:PID", width: 16, priority: 3),
                                   Column(title: "UTILIZATION", width: 16), Column(title: "USE/MAX", width: 7, right: true),
                                   Column(title: "IDLE", width: 4, right: true, priority: 2), Column(title: "WAIT", width: 4, right: true, priority: 7),
                                   Column(title: "TIMEOUTS", width: 8, right: true, priority: 6), Column(title: "P99 MS", width: 7, right: true, priority: 4),
                                   Column(title: "REPORT AGE", width: 12, priority: 8)], rows: rows)
        case .streams:
            let rows = (snap.streams?.tenants ?? []).filter { inTenant($0.tenant) }.map { t -> TableRow in
                let hist = d?.tenantAppendRateHistory[t.tenant] ?? []
                return TableRow(id: .tenantHead(t.tenant),
                    cells: [t.tenant, "\(t.headPosition)", Format.count(t.events), "\(t.streams)", rate(d?.tenantAppendRate[t.tenant]), sparkline(hist, 20),
                            t.lastWriteAt.map { Format.duration(now.timeIntervalSince($0)) + " ago" } ?? "-"],
                    roles: [.accent, .normal, .normal, .normal, .normal, .sparkline, .normal],
                    keys: [.text(t.tenant), .num(Double(t.headPosition)), .num(Double(t.events)), .num(Double(t.streams)),
                           .num(d?.tenantAppendRate[t.tenant] ?? 0), .num(hist.last ?? 0), .num(t.lastWriteAt.map { -now.timeIntervalSince($0) } ?? -1e12)])
            }
            return Table(columns: [Column(title: "TENANT", width: 14, flex: true), Column(title: "HEAD POS", width: 9, right: true),
                                   Column(title: "EVENTS", width: 8, right: true), Column(title: "STREAMS", width: 7, right: true, priority: 4),
                                   Column(title: "APPEND/S", width: 9, right: true), Column(title: "RATE (last 20)", width: 20, priority: 2),
                                   Column(title: "LAST WRITE", width: 11, right: true, priority: 3)], rows: rows)
        case .consumers:
            let rows = snap.cursors.filter { inTenant($0.tenant) }.map { c -> TableRow in
                let h = d?.cursors[Derived.CursorKey(tenant: c.tenant, name: c.name)]
                let status = h?.status ?? (c.lagEvents > 0 && !c.ownerConnected ? .stopped : .ok)
                return TableRow(id: .cursor(c.tenant, c.name),
                    cells: ["\(c.tenant)/\(c.name)", c.source + (c.kind.map { ":\($0)" } ?? ""), "\(c.position)", Format.count(c.lagEvents),
                            c.lagEvents > 0 ? Format.duration(c.lagSeconds) : "-", h?.consumeRate.map { String(format: "%.1f", $0) } ?? "-",
                            h?.catchUpSeconds.map { $0 == 0 ? "-" : Format.duration($0) } ?? (c.lagEvents > 0 ? "never" : "-"),
                            status.rawValue.uppercased(), h?.reason ?? ""],
                    roles: [.accent, .normal, .normal, lagRole(c.lagSeconds, c.lagEvents), lagRole(c.lagSeconds, c.lagEvents), .normal, .normal,
                            statusRole(status), status == .ok ? .dim : statusRole(status)],
                    keys: [.text("\(c.tenant)/\(c.name)"), .text(c.source), .num(Double(c.position)), .num(Double(c.lagEvents)), .num(c.lagSeconds),
                           .num(h?.consumeRate ?? 0), .num(h?.catchUpSeconds ?? 1e12), .num(Double(TenantSummary.severityOf(status))), .text(h?.reason ?? "")])
            }
            return Table(columns: [Column(title: "TENANT/CONSUMER", width: 22), Column(title: "SOURCE", width: 12, priority: 3), Column(title: "POSITION", width: 8, right: true, priority: 2),
                                   Column(title: "LAG", width: 6, right: true), Column(title: "LAG TIME", width: 8, right: true),
                                   Column(title: "RATE/S", width: 7, right: true, priority: 4), Column(title: "CATCH-UP", width: 8, right: true, priority: 4),
                                   Column(title: "STATUS", width: 8, priority: 9), Column(title: "WHY", width: 20, flex: true, priority: 6)],
                         rows: rows, defaultSortDescending: [3, 4, 7])
        case .outboxes:
            let rows = snap.outboxes.filter { inTenant($0.tenant) }.map { o -> TableRow in
                let age = o.oldestAt.map { now.timeIntervalSince($0) }
                let growth = d?.outboxGrowth[Derived.OutboxKey(tenant: o.tenant, kind: o.kind)]
                return TableRow(id: .outbox(tenant: o.tenant, kind: o.kind),
                    cells: ["\(o.tenant)/\(o.kind)", Format.count(o.rows), o.rows > 0 ? (age.map(Format.duration) ?? "-") : "-",
                            growth.map { String(format: "%+.1f", $0) } ?? "-",
                            o.slowestWatcher.map { "\($0) @\(o.slowestWatcherPosition ?? 0)" } ?? "(no watcher)", "\(o.watchers)",
                            "~" + Format.count(o.safeToPruneEstimate)],
                    roles: [.accent, o.rows > 100_000 ? .warning : .normal, ageRole(o.rows > 0 ? age : nil, 3600, 86400),
                            (growth ?? 0) > 0 ? .warning : .normal, o.slowestWatcher == nil ? .dim : .normal, .normal, .ok],
                    keys: [.text("\(o.tenant)/\(o.kind)"), .num(Double(o.rows)), .num(age ?? -1), .num(growth ?? 0), .text(o.slowestWatcher ?? ""),
                           .num(Double(o.watchers)), .num(Double(o.safeToPruneEstimate))])
            }
            return Table(columns: [Column(title: "TENANT/KIND", width: 18, flex: true), Column(title: "ROWS", width: 7, right: true),
                                   Column(title: "OLDEST", width: 7, right: true), Column(title: "GROWTH/S", width: 8, right: true, priority: 4),
                                   Column(title: "SLOWEST WATCHER", width: 20, priority: 6), Column(title: "WATCHERS", width: 8, right: true, priority: 2),
                                   Column(title: "SAFE TO PRUNE", width: 13, right: true, priority: 7)], rows: rows, defaultSortDescending: [1])
        case .bookmarks:
            let rows = snap.bookmarks.filter { inTenant($0.tenant) }.map { b -> TableRow in
                let age = now.timeIntervalSince(b.updatedAt)
                return TableRow(id: .bookmark("\(b.tenant)/\(b.key)"),
                    cells: [b.tenant, b.key, Format.duration(age), ISO8601DateFormatter().string(from: b.updatedAt)],
                    roles: [.accent, .normal, ageRole(age, 3600, 86400), .dim],
                    keys: [.text(b.tenant), .text(b.key), .num(age), .num(b.updatedAt.timeIntervalSince1970)])
            }
            return Table(columns: [Column(title: "TENANT", width: 14), Column(title: "KEY", width: 30, flex: true), Column(title: "AGE", width: 8, right: true),
                                   Column(title: "UPDATED (UTC)", width: 20, priority: 2)], rows: rows, defaultSortDescending: [2])
        }
    }

    static func groupKey(_ g: Snapshot.SessionGroup) -> String {
        g.other ? "other:\(g.service)" : "st:\(g.service)/\(g.store)/\(g.tenant ?? "")"
    }

    static func groupKey(of app: String) -> String {
        if let n = StoreAccessName.parse(app) { return "st:\(n.service)/\(n.store)/\(n.tenant ?? "")" }
        return "other:\(app.isEmpty ? "(no name)" : app)"
    }

    static func rate(_ r: Double?) -> String { r.map { $0 >= 100 ? String(format: "%.0f", $0) : String(format: "%.1f", $0) } ?? "-" }

    static let blocks: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    /// The last `width` values as block characters scaled to their maximum.
    static func sparkline(_ values: [Double], _ width: Int) -> String {
        let v = values.suffix(width)
        guard let mx = v.max(), mx > 0 else { return String(repeating: "▁", count: v.count) }
        return String(v.map { blocks[min(7, Int(($0 / mx) * 7.0 + 0.5))] })
    }

    static func bar(_ f: Double, _ w: Int) -> String {
        let n = max(0, min(w, Int((f * Double(w)).rounded())))
        return String(repeating: "█", count: n) + String(repeating: "░", count: w - n)
    }

    static func statusRole(_ s: LagStatus) -> Role {
        switch s {
        case .ok: return .ok
        case .lagging, .rewound: return .warning
        case .stalled, .stopped: return .critical
        }
    }

    static func lagRole(_ seconds: Double, _ events: Int64) -> Role {
        if events == 0 { return .ok }
        return seconds >= 600 ? .critical : (seconds >= 60 ? .warning : .normal)
    }

    static func ageRole(_ age: Double?, _ warn: Double, _ crit: Double) -> Role {
        guard let a = age else { return .normal }
        return a >= crit ? .critical : (a >= warn ? .warning : .normal)
    }
}

typealias StoreAccessName = StoreAccess.ApplicationName

extension TenantSummary {
    static func severityOf(_ s: LagStatus) -> Int { severity[s] ?? 0 }
}
