import Foundation
import StoreMetrics

/// Sessions' wait events (`w` in Sessions): per wait event over every group shown, then per group, with the
/// backends in it now and the mean over the refreshes of the last minute (`Derived.waits`).
enum WaitEventsView {
    /// A wait event of one group, or of every group shown (`group` nil).
    struct Row: Sendable {
        let group: String?
        let name: String
        let other: Bool
        let type: String
        let event: String
        let now: Int
        let average: Double
        let samples: Int
        /// A line of pg_wait_sampling's profile: its samples since the extension's last reset (NOW and AVG 1M blank).
        var profile = false
    }

    static let columns: [ColumnSpec<Row>] = [
        .init(
            "GROUP", 24, flex: true, role: { $0.group == nil ? .header : ($0.other ? .dim : .accent) },
            sort: { .text(($0.group == nil ? " " : ($0.other ? "~" : "")) + $0.name) }
        ) { $0.name },
        .init("TYPE", 9, sort: { .text($0.type) }) { $0.type },
        .init("EVENT", 22, sort: { .text($0.event) }) { $0.event },
        .init(
            "NOW", 4, right: true, descending: true, role: { $0.type == "Lock" && $0.now > 0 ? .critical : .normal }, sort: { .num(Double($0.now)) }
        ) {
            $0.profile ? "" : "\($0.now)"
        },
        .init("AVG 1M", 6, right: true, descending: true, sort: { .num($0.average) }) { $0.profile ? "" : String(format: "%.1f", $0.average) },
        .init("SAMPLES", 7, right: true, priority: 2, sort: { .num(Double($0.samples)) }) { "\($0.samples)" },
    ]

    /// Where the pg_wait_sampling extension is installed, its profile (every backend, sampled by the server itself,
    /// counted since its last reset), labelled as such, after storetop's own sampling.
    static func profile(_ snap: Snapshot) -> [TableRow] {
        (snap.statementStatistics?.waitProfile ?? []).map { w in
            let row = Row(
                group: "pg_wait_sampling", name: "pg_wait_sampling profile (since its reset)", other: true, type: w.type, event: w.event, now: 0,
                average: 0, samples: Int(clamping: w.count), profile: true)
            return TableRow(columns, row, id: .waitEvent("pg_wait_sampling|\(w.type):\(w.event)"))
        }
    }

    /// The column the table sorts by first: NOW, most backends first.
    static let sortColumn = 3

    static func table(_ snap: Snapshot, _ derived: Derived?, tenant: String?) -> Table {
        let waits = (derived?.waits ?? []).filter { tenant == nil || $0.tenant == tenant }
        var totals: [String: Row] = [:]
        for w in waits {
            let k = "\(w.type):\(w.event)"
            let t = totals[k]
            totals[k] = Row(
                group: nil, name: tenant.map { "all sessions of \($0)" } ?? "all sessions", other: false, type: w.type, event: w.event,
                now: (t?.now ?? 0) + w.now, average: (t?.average ?? 0) + w.minuteAverage, samples: w.samples)
        }
        let all = totals.sorted { $0.key < $1.key }.map { TableRow(columns, $0.value, id: .waitEvent("all|\($0.key)")) }
        let groups = waits.map { w in
            let name = w.other ? w.service : "\(w.service)/\(w.store)" + (w.tenant.map { "/\($0)" } ?? "")
            let row = Row(
                group: w.group, name: name, other: w.other, type: w.type, event: w.event, now: w.now, average: w.minuteAverage, samples: w.samples)
            return TableRow(columns, row, id: .waitEvent(w.key))
        }
        return Table(columns, rows: all + groups + profile(snap))
    }
}
