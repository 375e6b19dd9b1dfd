import Foundation
import StoreAccess

/// The outboxes panel: one row per tenant and kind from `outbox_heads`, exact size without counting
/// (appended − pruned). The oldest row comes from the probes, the slowest watcher from the cursors panel.
enum OutboxesPanel: Panel {
    static let name = "outboxes"

    static func statements(_ schema: Identifier) -> [SQL] { [statement(schema)] }

    static func statement(_ schema: Identifier) -> SQL {
        SQL(
            """
            SELECT tenant, kind, appended_total - pruned_total AS rows, head_id, appended_total, pruned_total
              FROM \(ident: schema).outbox_heads ORDER BY tenant, kind LIMIT 5000
            """
        ).named("metrics.outboxes")
    }

    static func read(_ c: Connection, _ schema: Identifier) throws -> [OutboxRow] {
        try c.query(statement(schema)).rows.map(decode)
    }

    /// One outbox's head row.
    static func decode(_ r: Row) throws -> OutboxRow {
        OutboxRow(
            tenant: try r.decode("tenant"), kind: try r.decode("kind"), rows: try r.decode("rows"), head: try r.decode("head_id"),
            appended: try r.decode("appended_total"), pruned: try r.decode("pruned_total"))
    }
}

/// An outbox's head row as stored.
struct OutboxRow: Sendable {
    let tenant: String, kind: String, rows: Int64, head: Int64, appended: Int64, pruned: Int64
    var key: OutboxKey { OutboxKey(tenant: tenant, kind: kind) }
}
