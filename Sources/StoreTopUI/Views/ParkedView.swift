import Foundation
import StoreMetrics

/// 9 Parked: events consumers' handlers gave up on (schema version 9), newest failure first, with the error. `R`
/// replays one to its consumer only, `A` all of that consumer's, `D` discards; each previewed and audited.
enum ParkedView {
    struct Row: Sendable {
        let p: Snapshot.Parked
        let age: Double
    }

    static let columns: [ColumnSpec<Row>] = [
        .init("TENANT", 12, role: { _ in .accent }, sort: { .text($0.p.tenant) }) { $0.p.tenant },
        .init("CONSUMER", 14, sort: { .text($0.p.consumer) }) { $0.p.consumer },
        .init("POSITION", 9, right: true, sort: { .num(Double($0.p.position)) }) { String($0.p.position) },
        .init("TYPE", 13, sort: { .text($0.p.type) }) { $0.p.type },
        .init("STREAM", 12, priority: 2, sort: { .text($0.p.stream) }) { $0.p.stream },
        .init("TRIES", 5, right: true, sort: { .num(Double($0.p.attempts)) }) { String($0.p.attempts) },
        .init("FAILED", 8, right: true, descending: true, role: { Views.ageRole($0.age, 600, 3600) }, sort: { .num($0.age) }) {
            Format.duration($0.age)
        },
        .init("STATE", 8, role: { $0.p.replayRequested ? .warning : .critical }, sort: { .text($0.p.replayRequested ? "b" : "a") }) {
            $0.p.replayRequested ? "REPLAY" : "PARKED"
        },
        .init("ERROR", 34, flex: true, role: { _ in .dim }, sort: { .text($0.p.error) }) {
            $0.p.error.replacingOccurrences(of: "\n", with: " ")
        },
    ]

    static func table(_ snap: Snapshot, tenant: String?) -> Table {
        let rows = snap.parkedEvents.filter { tenant == nil || $0.tenant == tenant }.map {
            Row(p: $0, age: max(0, snap.clock.timeIntervalSince($0.lastFailedAt)))
        }
        return Table(
            columns: columns.map(\.column),
            rows: rows.map { TableRow(columns, $0, id: .parked(tenant: $0.p.tenant, consumer: $0.p.consumer, position: $0.p.position)) })
    }
}
