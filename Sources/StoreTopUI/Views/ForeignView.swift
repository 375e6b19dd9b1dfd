import Foundation
import StoreMetrics

/// Stores of other libraries (issue 18): one line per store, and one per foreign consumer, in the text report
/// (and the tables the dashboard will show them in).
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

    struct ConsumerRow: Sendable {
        let store: String
        let c: Snapshot.ForeignStore.Consumer
    }

    static let consumers: [ColumnSpec<ConsumerRow>] = [
        .init("STORE/CONSUMER", 30, flex: true, role: { _ in .accent }, sort: { .text($0.store + "/" + $0.c.name) }) { $0.store + "/" + $0.c.name },
        .init("LAG", 8, right: true, descending: true, sort: { .num(Double($0.c.lagEvents ?? -1)) }) { r in
            r.c.lagEvents.map { (r.c.lagCapped ? "≥" : "") + Format.count($0) } ?? "-"
        },
        .init("OLDEST", 8, right: true, descending: true, sort: { .num($0.c.oldestUnhandledAgeSeconds ?? -1) }) {
            $0.c.oldestUnhandledAgeSeconds.map(Format.duration) ?? "-"
        },
        .init("STATUS", 8, role: { $0.c.status == "OK" ? .ok : ($0.c.status == "STALLED" ? .critical : .warning) }, sort: { .text($0.c.status) }) {
            $0.c.status
        },
        .init("WHY", 40, flex: true, role: { _ in .dim }, sort: { .text($0.c.why) }) { $0.c.why },
    ]

    static func worst(_ f: Snapshot.ForeignStore) -> String {
        for s in ["STALLED", "LAGGING", "UNKNOWN"] where f.consumers.contains(where: { $0.status == s }) { return s }
        return "OK"
    }

    static func storeTable(_ snap: Snapshot) -> Table {
        let rows = (snap.foreign ?? []).map { TableRow(stores, $0, id: .foreign($0.label)) }
        return Table(stores, rows: rows)
    }

    static func consumerTable(_ snap: Snapshot) -> Table {
        let rows = (snap.foreign ?? []).flatMap { f in f.consumers.map { ConsumerRow(store: f.label, c: $0) } }
        return Table(consumers, rows: rows.map { TableRow(consumers, $0, id: .foreign($0.store + "/" + $0.c.name)) })
    }
}
