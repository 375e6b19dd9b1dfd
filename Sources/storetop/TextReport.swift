import Foundation
import StoreMetrics

/// The plain-text form of `storetop snapshot`.
enum TextReport {
    static func render(_ s: Snapshot, derived d: Derived?) -> String {
        var out: [String] = []
        func line(_ x: String = "") { out.append(x) }
        let now = s.takenAt
        if let sv = s.server {
            line("server     \(sv.version)  db \(sv.database) \(Format.bytes(sv.databaseBytes))  \(sv.isStandby ? "standby" : "primary")  up \(Format.duration(sv.now.timeIntervalSince(sv.startedAt)))")
            line("           connections \(sv.connections)/\(sv.maxConnections)  tps \(d?.transactionRate.map { String(format: "%.1f", $0) } ?? "-")")
        }
        if let st = s.streams {
            line("events     head \(st.headPosition)  safe \(st.safePosition)  append/s \(d?.appendRate.map { String(format: "%.1f", $0) } ?? "-")")
        }
        line()
        line("TENANT               SESS POOLS   EVENTS  APPEND/S  WORST LAG  STATUS    OUTBOX  OLDEST")
        for t in TenantSummary.build(s, d) {
            line(pad(t.tenant, 20) + " " + lpad("\(t.sessions)", 4) + " " + lpad("\(t.pools)", 5) + " " + lpad(Format.count(t.events), 8)
                 + " " + lpad(t.appendRate.map { String(format: "%.1f", $0) } ?? "-", 9) + " " + lpad(Format.count(t.worstLagEvents), 10)
                 + "  " + pad(t.worstStatus.rawValue, 8) + " " + lpad(Format.count(t.outboxRows), 7) + "  " + (t.oldestOutboxAge.map(Format.duration) ?? "-"))
        }
        if let ss = s.sessions {
            line()
            line("SESSIONS (service/store/tenant)              TOTAL ACTIVE  IDLE  IDLE-TX WAIT  OLDEST-TX")
            for g in ss.groups {
                let name = g.other ? "\(g.service) (other)" : "\(g.service)/\(g.store)\(g.tenant.map { "/\($0)" } ?? "")"
                line(pad(name, 44) + " " + lpad("\(g.total)", 5) + " " + lpad("\(g.active)", 6) + " " + lpad("\(g.idle)", 5) + " "
                     + lpad("\(g.idleInTransaction)", 8) + " " + lpad("\(g.waiting)", 4) + "  " + (g.oldestTransactionSeconds.map(Format.duration) ?? "-"))
            }
            if let x = ss.xminHolder, let age = x.xminAge { line("xmin horizon held by pid \(x.pid) (\(x.applicationName)), age \(age) transactions") }
            for b in ss.deliveryBlockers {
                line("\(b.log) delivery held back by pid \(b.pid) (\(b.applicationName ?? "?"), \(b.state ?? "?"), transaction \(b.transactionSeconds.map(Format.duration) ?? "?"))")
            }
        }
        if !s.pools.isEmpty {
            line()
            line("POOLS (service/store/tenant)        HOST:PID              USE/MAX WAIT  TIMEOUTS  P99ms   AGE")
            for p in s.pools {
                line(pad("\(p.service)/\(p.store)\(p.tenant.isEmpty ? "" : "/" + p.tenant)", 35) + " " + pad("\(p.host):\(p.pid)", 21) + " "
                     + lpad("\(p.inUse)/\(p.maxSize)", 7) + " " + lpad("\(p.waiting)", 4) + " " + lpad("\(p.timeoutsTotal)", 9) + " "
                     + lpad(String(format: "%.1f", p.acquireP99Milliseconds), 6) + " " + lpad(Format.duration(p.reportAgeSeconds), 5) + (p.stale ? " STALE" : ""))
            }
        }
        if !s.cursors.isEmpty {
            line()
            line("CONSUMERS (tenant/name)              SOURCE   POSITION   LAG  LAG-TIME  STATUS    REASON")
            for c in s.cursors {
                let h = d?.cursors[Derived.CursorKey(tenant: c.tenant, name: c.name)]
                line(pad("\(c.tenant)/\(c.name)", 36) + " " + pad(c.source + (c.kind.map { ":" + $0 } ?? ""), 8) + " " + lpad("\(c.position)", 8) + " "
                     + lpad(Format.count(c.lagEvents), 5) + " " + lpad(Format.duration(c.lagSeconds), 9) + "  " + pad(h?.status.rawValue ?? "-", 8) + "  " + (h?.reason ?? ""))
            }
        }
        if !s.outboxes.isEmpty {
            line()
            line("OUTBOXES (tenant/kind)                ROWS   OLDEST  SLOWEST WATCHER        SAFE TO PRUNE")
            for o in s.outboxes {
                line(pad("\(o.tenant)/\(o.kind)", 35) + " " + lpad(Format.count(o.rows), 7) + " " + lpad(o.oldestAt.map { Format.duration(now.timeIntervalSince($0)) } ?? "-", 8)
                     + "  " + pad(o.slowestWatcher.map { "\($0)@\(o.slowestWatcherPosition ?? 0)" } ?? "(none)", 22) + " ~" + Format.count(o.safeToPruneEstimate))
            }
        }
        if !s.bookmarks.isEmpty {
            line()
            line("BOOKMARKS (tenant/key)                                  AGE")
            for b in s.bookmarks.prefix(50) { line(pad("\(b.tenant)/\(b.key)", 55) + " " + Format.duration(now.timeIntervalSince(b.updatedAt))) }
        }
        if !s.errors.isEmpty {
            line()
            for e in s.errors { line("! \(e.reason)") }
        }
        return out.joined(separator: "\n")
    }

    static func pad(_ s: String, _ n: Int) -> String {
        let c = s.count
        return c >= n ? String(s.prefix(n)) : s + String(repeating: " ", count: n - c)
    }

    static func lpad(_ s: String, _ n: Int) -> String {
        let c = s.count
        return c >= n ? s : String(repeating: " ", count: n - c) + s
    }
}
