import Foundation
import StoreAccess

extension Collector {
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
