import Foundation
import StoreAccess

/// The bookmarks panel: the stalest bookmarks (index on `updated_at`), bounded.
enum BookmarksPanel: Panel {
    static let name = "bookmarks"

    static func statements(_ schema: Identifier) -> [SQL] { [statement(schema)] }

    static func statement(_ schema: Identifier) -> SQL {
        SQL("SELECT tenant, key, updated_at FROM \(ident: schema).state ORDER BY updated_at LIMIT 500").named("metrics.bookmarks")
    }

    static func read(_ c: Connection, _ schema: Identifier) throws -> [Snapshot.Bookmark] {
        try c.query(statement(schema)).rows.map {
            .init(tenant: try $0.decode("tenant"), key: try $0.decode("key"), updatedAt: try $0.decode("updated_at"))
        }
    }
}
