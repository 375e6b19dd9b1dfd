import Foundation
import StoreAccess

extension Collector {
    /// Bookmarks, tenants and (schema version 9) parked events: bounded lists read as they are.
    func collectLists(_ c: Connection, _ run: inout PanelRun, schemaVersion: Int?) throws {
        let name = schema.name
        run.snapshot.bookmarks = try run(BookmarksPanel.name) { try BookmarksPanel.read(c, name) } ?? []
        run.snapshot.tenants = try run(TenantsPanel.name) { try TenantsPanel.read(c, name) } ?? []
        if run.snapshot.tenants.count > TenantsPanel.limit {
            run.snapshot.tenants.removeLast(run.snapshot.tenants.count - TenantsPanel.limit)
            run.note(TenantsPanel.name, "tenants: more than \(TenantsPanel.limit); showing the first \(TenantsPanel.limit) by name")
        }
        // the consumers' statement counted every consumer's parked events: the list is read only when there are some
        // (or that count is unknown), so a quiet refresh of a store without parked events sends no statement more
        guard (schemaVersion ?? StoreSchema.currentVersion) >= 9 else { return }
        let cursorsFailed = run.snapshot.errors.contains { $0.panel == CursorsPanel.name }
        guard cursorsFailed || run.snapshot.cursors.contains(where: { $0.parked > 0 }) else {
            run.snapshot.parked = []
            return
        }
        run.snapshot.parked = try run(ParkedPanel.name) { try ParkedPanel.read(c, name) }
    }

    /// pg_stat_statements' top entries (nil without the extension, and no error), read at most every
    /// `statementsInterval`: in between the last read is carried (same `readAt`, so `History` adds no growth).
    func collectStatements(_ c: Connection, _ run: inout PanelRun, _ carry: inout StatementsPanel.Carry?) throws {
        if let carry, carry.at.duration(to: .now) < statementsInterval {
            run.snapshot.statementStatistics = carry.read
            return
        }
        let read = try run(StatementsPanel.name) { n in try StatementsPanel.read(c, all: allDatabases, statements: &n) }
        run.snapshot.statementStatistics = read ?? nil
        carry = read.map { (read: $0, at: .now) }
    }

    /// Tries every switched-off panel again at the next snapshot (the dashboard's `r`).
    public func retryDisabledPanels() { disabled.retryAll() }

    /// Groups backends by parsed application_name (`SessionGroups.group`; kept for existing callers).
    static func group(_ backends: [Snapshot.Backend], blockers: [Snapshot.DeliveryBlocker], now: Date) -> Snapshot.Sessions {
        SessionGroups.group(backends, blockers: blockers, now: now)
    }
}

extension StorePanel {
    /// The note for a store whose schema is newer than this storetop knows, or nil.
    static func newer(_ version: Int?) -> String? {
        guard let v = version, v > StoreSchema.currentVersion else { return nil }
        return "store: schema version \(v) is newer than this storetop knows (\(StoreSchema.currentVersion)): "
            + "figures are read where the tables are compatible; upgrade storetop"
    }
}
