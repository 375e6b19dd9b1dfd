import Foundation
import StoreMetrics

/// Stores of other libraries (issue 18): the text report's inventory, one line per store with its version and
/// warnings. Their consumers, outboxes and bookmarks are rows of the views' own tables (`ForeignRows`).
enum ForeignView {
    static let stores: [ColumnSpec<Snapshot.ForeignStore>] = [
        .init("STORE", 22, flex: true, role: { _ in .accent }, sort: { .text($0.label) }) { $0.label + ($0.likely ? " (likely)" : "") },
        .init("VER", 4, sort: { .text($0.version) }) { $0.version },
        .init("HEAD", 12, right: true, sort: { .text($0.head ?? "") }) { h in h.head.map { $0.count > 12 ? String($0.prefix(8)) + "…" : $0 } ?? "-" },
        .init("EVENTS", 9, right: true, sort: { .num(Double($0.events ?? -1)) }) { f in
            f.events.map { (f.eventsExact ? "" : "~") + Format.count($0) } ?? "-"
        },
        .init("CONSUMERS", 9, right: true, sort: { .num(Double($0.consumers.count)) }) { f in
            f.consumers.isEmpty ? "-" : "\(f.consumers.count) " + worst(f)
        },
        .init("OUTBOX ROWS", 11, right: true, sort: { .num(Double($0.outboxes.reduce(0) { $0 + $1.rows })) }) { f in
            f.outboxes.isEmpty ? "-" : (f.outboxes.allSatisfy(\.rowsExact) ? "" : "≤") + Format.count(f.outboxes.reduce(0) { $0 + $1.rows })
        },
        .init("SESSIONS", 8, right: true, sort: { .num(Double($0.listeners ?? -1)) }) { $0.listeners.map(String.init) ?? "-" },
        .init("WARNINGS", 30, flex: true, role: { $0.warnings.isEmpty ? .dim : .warning }, sort: { .num(Double($0.warnings.count)) }) {
            $0.warnings.first ?? "-"
        },
    ]

    static func worst(_ f: Snapshot.ForeignStore) -> String {
        for s in ["STALLED", "LAGGING", "UNKNOWN"] where f.consumers.contains(where: { $0.status == s }) { return s }
        return "OK"
    }

    static func storeTable(_ snap: Snapshot) -> Table {
        let rows = (snap.foreign ?? []).map { TableRow(stores, $0, id: .foreign($0.label)) }
        return Table(stores, rows: rows)
    }
}
