import Foundation
import StoreAccess

extension Actions {
    /// Every (tenant, kind) outbox of the store, in tenant and kind order, as the outboxes panel reads them
    /// (`outbox_heads`, at most 5,000): what `storetop prune --policy` resolves a rule for. Read-only.
    public func outboxes() throws -> [OutboxKey] {
        let s = try openStore()
        return try s.pool.withConnection { c in try OutboxesPanel.read(c, s.schema.name).map(\.key) }
    }
}
