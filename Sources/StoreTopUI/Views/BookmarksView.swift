import Foundation
import StoreMetrics

/// 7 Bookmarks: state-store keys and how long ago they were written.
enum BookmarksView {
    struct Row: Sendable {
        let b: Snapshot.Bookmark
        let age: Double
    }

    static let columns: [ColumnSpec<Row>] = [
        .init("TENANT", 14, role: { _ in .accent }, sort: { .text($0.b.tenant) }) { $0.b.tenant },
        .init("KEY", 30, flex: true, sort: { .text($0.b.key) }) { $0.b.key },
        .init("AGE", 8, right: true, descending: true, role: { Views.ageRole($0.age, 3600, 86400) }, sort: { .num($0.age) }) {
            Format.duration($0.age)
        },
        .init("UPDATED (UTC)", 20, priority: 2, role: { _ in .dim }, sort: { .num($0.b.updatedAt.timeIntervalSince1970) }) {
            ISO8601DateFormatter().string(from: $0.b.updatedAt)
        },
    ]

    static func table(_ snap: Snapshot, tenant: String?, store: String = "storeaccess") -> Table {
        let rows = snap.bookmarks.filter { tenant == nil || $0.tenant == tenant }.map {
            Row(b: $0, age: snap.clock.timeIntervalSince($0.updatedAt))
        }
        let foreign = ForeignRows.stores(snap, tenant: tenant).flatMap { f in
            f.bookmarks.map { ForeignLine(row: ForeignRows.At(value: $0, now: snap.clock), id: .foreign(f.label + "/" + $0.key), store: f.label) }
        }
        let own = rows.map { TableRow(columns, $0, id: .bookmark("\($0.b.tenant)/\($0.b.key)")) }
        return StoreColumn.merge(columns, own: own, ownStore: store, foreign: foreign, cells: ForeignRows.bookmarks)
    }
}
