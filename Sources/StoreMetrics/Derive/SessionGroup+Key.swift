import StoreAccess

// The session-group key lives beside the grouping, so StoreTopUI (which never imports StoreAccess) can match a
// backend to its group without parsing application_name a second time.
extension Snapshot.SessionGroup {
    /// A stable key for the group ("st:service/store/tenant", "axon:store/namespace", or "other:name" for other
    /// clients).
    public var key: String {
        if let library { return "\(library):\(store)/\(tenant ?? "")" }
        return other ? "other:\(service)" : "st:\(service)/\(store)/\(tenant ?? "")"
    }

    /// The key of the group a backend with this `application_name` belongs to (parsed by StoreAccess's one
    /// parser).
    public static func key(ofApplicationName app: String) -> String {
        if let n = ApplicationName.parse(app) { return "st:\(n.service)/\(n.store)/\(n.tenant ?? "")" }
        if let a = AxonSessions.parse(app) { return "axon:\(a.store)/\(a.namespace ?? "")" }
        return "other:\(app.isEmpty ? "(no name)" : app)"
    }
}

extension Snapshot.Sessions {
    /// Each group's backends by `SessionGroup.key`, grouped as `SessionGroups.group` grouped them (sessions of another
    /// database apart when every database was read), one parse per backend: a view matches groups to backends with
    /// one lookup each instead of scanning every backend per group.
    /// - Parameter database: the store's database (`Snapshot.Server.database`).
    public func backendsByGroup(database: String?) -> [String: [Snapshot.Backend]] {
        Dictionary(grouping: backends) { b in
            if allDatabases, let database, let d = b.database, d != database { return "other:[\(d)] \(b.applicationName)" }
            return Snapshot.SessionGroup.key(ofApplicationName: b.applicationName)
        }
    }

    /// For each backend that others wait on, the pids waiting on it (from their `blockedBy`), built once.
    public var waitersByBlocker: [Int32: [Int32]] {
        var out: [Int32: [Int32]] = [:]
        for b in backends { for blocker in b.blockedBy { out[blocker, default: []].append(b.pid) } }
        return out
    }
}
