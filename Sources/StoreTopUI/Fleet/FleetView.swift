import Foundation
import StoreMetrics

/// The fleet view (issue 19): one row per target, from each target's own model, so a target that is down shows
/// its error in place while the others stay current.
enum FleetView {
    /// One target's row.
    struct Row: Sendable {
        var name: String
        var group: String
        var model: Model
        var now: Date
        var interval: Double
        /// The worst consumer's tenant row and the replication figure, worked out once per row (each is read by a
        /// column's text, role and sort).
        let worst: TenantSummary?
        let replication: (String, Double, Role)

        init(name: String, group: String, model: Model, now: Date, interval: Double) {
            (self.name, self.group, self.model, self.now, self.interval) = (name, group, model, now, interval)
            worst = model.snapshot.flatMap { s in
                TenantSummary.rows(for: s, derived: model.derived)
                    .max { (Views.severity($0.worstStatus), $0.worstLagEvents) < (Views.severity($1.worstStatus), $1.worstLagEvents) }
            }
            replication = Self.replication(model.snapshot?.replication)
        }

        var snap: Snapshot? { model.snapshot }
        var backlog: Int64 { snap?.outboxes.reduce(Int64(0)) { $0 + $1.rows } ?? 0 }
        /// The replication figure a DBA checks first: a standby's replay delay; a primary's worst standby lag in
        /// bytes, or the most WAL an inactive slot retains.
        static func replication(_ replication: Snapshot.Replication?) -> (String, Double, Role) {
            guard let r = replication else { return ("-", -1, .dim) }
            if let rc = r.receiver {
                let s = rc.replayLagSeconds ?? 0
                return ("replay \(Format.duration(s))\(rc.replayPaused ? " PAUSED" : "")", s, rc.replayPaused || s >= 60 ? .critical : .normal)
            }
            let lag = r.standbys.compactMap(\.lagBytes).max()
            let retained = r.slots.filter { !$0.active }.compactMap(\.retainedBytes).max()
            let role: Role = r.warnings.isEmpty ? .normal : .critical
            if let lag { return ("\(r.standbys.count) sb, \(Format.bytes(lag))", Double(lag), role) }
            if let retained { return ("slot \(Format.bytes(retained))", Double(retained), role) }
            return ("-", 0, .dim)
        }
        var error: String? {
            if case .reconnecting(let e, _) = model.connection { return e }
            return snap?.errors.first.map { "\($0.panel): \($0.reason)" }
        }
    }

    static let columns: [ColumnSpec<Row>] = [
        .init("TARGET", 14, sort: { .text($0.name) }, text: { $0.name }),
        .init("GROUP", 8, priority: 2, sort: { .text($0.group) }, text: { $0.group }),
        .init("ROLE", 8, role: { $0.snap?.server?.isStandby == true ? .warning : .normal }, sort: { .text(role($0)) }, text: role),
        .init("UP", 5, role: { up($0) ? .ok : .critical }, sort: { .num(up($0) ? 1 : 0) }, text: { up($0) ? "yes" : "NO" }),
        .init("FOLLOWS", 15, priority: 2, sort: { .text(follows($0)) }, text: follows),
        .init("PG", 5, priority: 1, sort: { .text($0.snap?.server?.version ?? "") }, text: { version($0) }),
        .init("SESS", 9, right: true, priority: 3, sort: { .num(Double($0.snap?.server?.connections ?? -1)) }, text: sessions),
        .init("APPEND/S", 9, right: true, priority: 4, descending: true, sort: { .num($0.model.derived?.appendRate ?? -1) }) {
            Views.rate($0.model.derived?.appendRate)
        },
        .init(
            "WORST LAG", 16, right: true, descending: true,
            role: { r in r.worst.map { Views.statusRole($0.worstStatus) } ?? .dim },
            sort: { r in .num(Double(r.worst.map { Views.severity($0.worstStatus) * 1_000_000_000 + Int($0.worstLagEvents) } ?? -1)) },
            text: worst),
        .init("OUTBOX", 8, right: true, priority: 3, descending: true, sort: { .num(Double($0.backlog)) }) { Format.count($0.backlog) },
        .init("REPLICATION", 20, descending: true, role: { $0.replication.2 }, sort: { .num($0.replication.1) }, text: { $0.replication.0 }),
        .init("XMIN AGE", 9, right: true, priority: 2, descending: true, sort: { .num(Double($0.snap?.sessions?.xminHolder?.xminAge ?? -1)) }) {
            $0.snap?.sessions?.xminHolder?.xminAge.map { Format.count($0) } ?? "-"
        },
        .init("XMIN HOLDER", 16, priority: 1, sort: { .num(Double($0.snap?.sessions?.xminHolder?.pid ?? -1)) }, text: xminHolder),
        .init("ERROR", 20, flex: true, role: { _ in .critical }, sort: { .text($0.error ?? "") }, text: { $0.error ?? "" }),
    ]

    static func role(_ r: Row) -> String {
        guard let s = r.snap?.server else { return "-" }
        return s.isStandby ? "standby" : "primary"
    }

    /// On a standby, the primary it streams from (its WAL receiver's `sender_host`; `local` for a Unix socket,
    /// as a target's name says); `?` while no receiver runs.
    static func follows(_ r: Row) -> String {
        guard r.snap?.server?.isStandby == true else { return "-" }
        guard let host = r.snap?.replication?.receiver?.senderHost else { return "?" }
        return host.hasPrefix("/") ? "local" : host
    }

    /// The backend holding the oldest snapshot (the xmin horizon): its pid and application.
    static func xminHolder(_ r: Row) -> String {
        guard let x = r.snap?.sessions?.xminHolder, x.xminAge != nil else { return "-" }
        return x.applicationName.isEmpty ? "\(x.pid)" : "\(x.pid) \(x.applicationName)"
    }

    static func up(_ r: Row) -> Bool {
        if case .connected = r.model.connection { return !r.model.isStale(now: r.now, interval: r.interval) }
        return false
    }

    static func version(_ r: Row) -> String {
        guard let v = r.snap?.server?.version else { return "-" }
        return v.replacingOccurrences(of: "PostgreSQL ", with: "").split(separator: " ").first.map(String.init) ?? v
    }

    static func sessions(_ r: Row) -> String {
        guard let s = r.snap?.server else { return "-" }
        return "\(s.connections)/\(s.maxConnections)"
    }

    static func worst(_ r: Row) -> String {
        guard let w = r.worst, let s = r.snap else { return "-" }
        if w.worstLagEvents == 0 && w.worstStatus == .ok { return "0 ok" }
        return "\(Views.events(w.worstLagEvents, capped: Views.worstCapped(s, w))) \(w.worstStatus.rawValue.uppercased())"
    }

    /// The fleet's table.
    static func table(_ rows: [Row]) -> Table {
        Table(columns, rows: rows.map { TableRow(columns, $0, id: .target($0.name)) })
    }
}
