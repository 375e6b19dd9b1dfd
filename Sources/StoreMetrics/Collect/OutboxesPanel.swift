import Foundation
import StoreAccess

/// The outboxes panel: one row per tenant and kind from `outbox_heads`, exact size without counting
/// (appended − pruned), and each outbox's newest prune from `prune_audit` (a table, or from schema 9 a view over
/// `actions_audit`). The oldest row comes from the probes, the slowest watcher from the cursors panel.
enum OutboxesPanel: Panel {
    static let name = "outboxes"

    /// How many of the newest audit rows the last prune is looked for in: the audit has no index by tenant and kind,
    /// so the read is one primary-key range scan of at most this many rows, whatever the audit's size.
    static let auditWindow = 10_000

    static func statements(_ schema: Identifier) -> [SQL] { [statement(schema)] }

    // `status` came with schema 7: read through to_jsonb so an older store still answers (done or cancelled)
    static func statement(_ schema: Identifier) -> SQL {
        SQL(
            """
            SELECT h.tenant, h.kind, h.appended_total - h.pruned_total AS rows, h.head_id, h.appended_total, h.pruned_total,
                   p.started_at AS prune_started_at, p.finished_at AS prune_finished_at, p.rows_deleted AS prune_rows,
                   coalesce(to_jsonb(p) ->> 'status', CASE WHEN p.cancelled THEN 'cancelled' ELSE 'done' END) AS prune_status
              FROM \(ident: schema).outbox_heads h
              LEFT JOIN (SELECT DISTINCT ON (a.tenant, a.kind) a.* FROM \(ident: schema).prune_audit a
                          WHERE a.id > (SELECT coalesce(max(id), 0) FROM \(ident: schema).prune_audit) - \(auditWindow)
                          ORDER BY a.tenant, a.kind, a.id DESC) p ON p.tenant = h.tenant AND p.kind = h.kind
             ORDER BY h.tenant, h.kind LIMIT 5000
            """
        ).named("metrics.outboxes")
    }

    static func read(_ c: Connection, _ schema: Identifier) throws -> [OutboxRow] {
        try c.query(statement(schema)).rows.map(decode)
    }

    /// One outbox's head row.
    static func decode(_ r: Row) throws -> OutboxRow {
        var o = OutboxRow(
            tenant: try r.decode("tenant"), kind: try r.decode("kind"), rows: try r.decode("rows"), head: try r.decode("head_id"),
            appended: try r.decode("appended_total"), pruned: try r.decode("pruned_total"))
        if let started = try r.decodeOptional("prune_started_at", as: Date.self) {
            let at = try r.decodeOptional("prune_finished_at", as: Date.self) ?? started
            o.lastPrune = (at, try r.decode("prune_status"), try r.decode("prune_rows"))
        }
        return o
    }
}

/// An outbox's head row as stored, with its newest prune.
struct OutboxRow: Sendable {
    let tenant: String, kind: String, rows: Int64, head: Int64, appended: Int64, pruned: Int64
    /// Its newest prune: when it ended (or started, while it runs), its status and the rows it deleted.
    var lastPrune: (at: Date, status: String, rows: Int64)? = nil
    var key: OutboxKey { OutboxKey(tenant: tenant, kind: kind) }
}
