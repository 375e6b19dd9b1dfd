import Foundation
import StoreMetrics

/// The plain-text form of `storetop snapshot`: a summary of the server, then each view's table laid out from
/// the same column specs as the dashboard (every column, as wide as its widest cell).
public enum TextReport {
    /// The report for one snapshot and its derivations.
    public static func render(_ s: Snapshot, derived d: Derived?) -> String {
        var out = summary(s, d)
        func section(_ title: String, _ table: Table, _ extra: [String] = [], sortColumn: Int = 0) {
            out += ["", title] + table.report(sortColumn: sortColumn) + extra
        }
        section("TENANTS", OverviewView.table(s, d, tenant: nil))
        if let ss = s.sessions {
            var notes: [String] = []
            if !ss.seesAll { notes.append("only this role's sessions are visible (grant pg_monitor to see every session)") }
            if let x = ss.xminHolder, let age = x.xminAge {
                notes.append("xmin horizon held by pid \(x.pid) (\(x.applicationName)), age \(age) transactions")
            }
            for b in ss.deliveryBlockers {
                notes.append(
                    "\(b.log) delivery held back by pid \(b.pid) (\(b.applicationName ?? "?"), \(b.state ?? "?"), transaction \(b.transactionSeconds.map(Format.duration) ?? "?"))"
                )
            }
            section("SESSIONS", SessionsView.table(s, tenant: nil, expanded: []), notes)
        }
        if !s.pools.isEmpty { section("POOLS", PoolsView.table(s, tenant: nil)) }
        // other libraries' consumers, outboxes and bookmarks are rows of the same sections (the STORE column)
        let foreign = s.foreign ?? []
        if !s.cursors.isEmpty || foreign.contains(where: { !$0.consumers.isEmpty }) {
            section("CONSUMERS", ConsumersView.table(s, d, tenant: nil))
        }
        if !s.outboxes.isEmpty || foreign.contains(where: { !$0.outboxes.isEmpty }) { section("OUTBOXES", OutboxesView.table(s, d, tenant: nil)) }
        if !s.bookmarks.isEmpty || foreign.contains(where: { !$0.bookmarks.isEmpty }) {
            var recent = s
            recent.bookmarks = Array(s.bookmarks.prefix(50))
            section("BOOKMARKS", BookmarksView.table(recent, tenant: nil), sortColumn: View.bookmarks.defaultSortColumn)
        }
        if !foreign.isEmpty {
            let warnings = foreign.flatMap { f in f.warnings.map { "! \(f.label): \($0)" } }
            section("OTHER LIBRARIES' STORES", ForeignView.storeTable(s), warnings)
        }
        if let r = s.replication, !r.standbys.isEmpty || !r.slots.isEmpty || r.receiver != nil { section("REPLICATION", ReplicationView.table(s)) }
        if let r = s.replication, !r.warnings.isEmpty { out += [""] + r.warnings.map { "! replication: \($0)" } }
        if !s.errors.isEmpty { out += [""] + s.errors.map { "! \($0.reason)" } }
        return out.joined(separator: "\n")
    }

    /// primary, or standby with how far its figures are behind its primary.
    static func role(_ s: Snapshot) -> String {
        guard s.server?.isStandby == true else { return "primary" }
        return s.replication?.receiver?.replayLagSeconds.map { "standby (replay \(Format.duration($0)) behind)" } ?? "standby"
    }

    static func summary(_ s: Snapshot, _ d: Derived?) -> [String] {
        var out: [String] = []
        if let sv = s.server {
            out.append(
                "server     \(sv.version)  db \(sv.database) \(Format.bytes(sv.databaseBytes))  \(role(s))  up \(Format.duration(sv.now.timeIntervalSince(sv.startedAt)))"
            )
            out.append(
                "           connections \(sv.connections)/\(sv.maxConnections)  tps \(d?.transactionRate.map { String(format: "%.1f", $0) } ?? "-")")
        }
        if let st = s.streams {
            out.append(
                "events     head \(st.headPosition)  safe \(st.safePosition)  append/s \(d?.appendRate.map { String(format: "%.1f", $0) } ?? "-")")
        }
        return out
    }
}
