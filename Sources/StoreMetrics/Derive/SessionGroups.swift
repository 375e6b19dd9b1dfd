import Foundation
import StoreAccess

/// Session grouping: backends by parsed application_name (StoreAccess sessions by service, store and tenant; axon's
/// as service `axon`, its store and namespace; the rest by their raw name as "other clients"), the xmin holder, and the delivery blockers enriched with
/// what their backends are doing.
enum SessionGroups {
    private struct Key: Hashable {
        let service: String
        let store: String
        let tenant: String?
        let other: Bool
        var library: String? = nil
    }

    /// The sessions panel from its backends and the blockers of the lock scan, ages against `now`. With `database`
    /// (the store's, when every database is read), sessions of other databases are other clients named
    /// "[database] application_name", never counted under this store's tenants, and never the xmin holder (a
    /// session of another database does not hold this database's horizon).
    static func group(
        _ backends: [Snapshot.Backend], blockers: [Snapshot.DeliveryBlocker], now: Date, database: String? = nil
    ) -> Snapshot.Sessions {
        var groups: [Key: Snapshot.SessionGroup] = [:]
        func elsewhere(_ b: Snapshot.Backend) -> Bool { database != nil && b.database != nil && b.database != database }
        for b in backends {
            let key = elsewhere(b) ? Key(service: "[\(b.database ?? "")] \(b.applicationName)", store: "", tenant: nil, other: true) : self.key(b)
            var g =
                groups[key]
                ?? Snapshot.SessionGroup(
                    service: key.service, store: key.store, tenant: key.tenant, other: key.other, library: key.library,
                    total: 0, active: 0, idle: 0, idleInTransaction: 0, waiting: 0)
            count(b, into: &g, now: now)
            groups[key] = g
        }
        let sorted = groups.values.sorted {
            ($0.other ? 1 : 0, $0.service, $0.store, $0.tenant ?? "") < ($1.other ? 1 : 0, $1.service, $1.store, $1.tenant ?? "")
        }
        // the oldest snapshot; among equally old ones (sessions that took their snapshot at the same xid) the lowest pid
        let xmin = backends.filter { $0.xminAge != nil && !elsewhere($0) }.max { ($0.xminAge ?? 0, $1.pid) < ($1.xminAge ?? 0, $0.pid) }
        let byPID = Dictionary(backends.map { ($0.pid, $0) }, uniquingKeysWith: { a, _ in a })
        let enriched = blockers.map { bl -> Snapshot.DeliveryBlocker in
            var x = bl
            if let b = byPID[bl.pid] {
                x.applicationName = b.applicationName
                x.state = b.state
                x.transactionSeconds = b.transactionStart.map { now.timeIntervalSince($0) }
            }
            return x
        }
        return Snapshot.Sessions(groups: sorted, backends: backends, xminHolder: xmin, deliveryBlockers: enriched)
    }

    private static func key(_ b: Snapshot.Backend) -> Key {
        if let n = ApplicationName.parse(b.applicationName) {
            return Key(service: n.service, store: n.store, tenant: n.tenant, other: false)
        }
        if let a = AxonSessions.parse(b.applicationName) {
            return Key(service: "axon", store: a.store, tenant: a.namespace, other: true, library: "axon")
        }
        return Key(service: b.applicationName.isEmpty ? "(no name)" : b.applicationName, store: "", tenant: nil, other: true)
    }

    /// Counts one backend into its group: state, lock waits, and the longest query and transaction.
    private static func count(_ b: Snapshot.Backend, into g: inout Snapshot.SessionGroup, now: Date) {
        g.total += 1
        switch b.state {
        case "active": g.active += 1
        case "idle": g.idle += 1
        case "idle in transaction", "idle in transaction (aborted)":
            g.idleInTransaction += 1
            if let sc = b.stateChange { g.longestIdleInTransactionSeconds = max(g.longestIdleInTransactionSeconds ?? 0, now.timeIntervalSince(sc)) }
        default: break
        }
        if b.waitEventType == "Lock" { g.waiting += 1 }
        if b.state == "active", let qs = b.queryStart { g.longestQuerySeconds = max(g.longestQuerySeconds ?? 0, now.timeIntervalSince(qs)) }
        if let xs = b.transactionStart { g.oldestTransactionSeconds = max(g.oldestTransactionSeconds ?? 0, now.timeIntervalSince(xs)) }
    }
}
