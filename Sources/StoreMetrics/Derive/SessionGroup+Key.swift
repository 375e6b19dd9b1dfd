import StoreAccess

// The session-group key lives beside the grouping, so StoreTopUI (which never imports StoreAccess) can match a
// backend to its group without parsing application_name a second time.
extension Snapshot.SessionGroup {
    /// A stable key for the group ("st:service/store/tenant", or "other:name" for other clients).
    public var key: String {
        other ? "other:\(service)" : "st:\(service)/\(store)/\(tenant ?? "")"
    }

    /// The key of the group a backend with this `application_name` belongs to (parsed by StoreAccess's one
    /// parser).
    public static func key(ofApplicationName app: String) -> String {
        if let n = ApplicationName.parse(app) { return "st:\(n.service)/\(n.store)/\(n.tenant ?? "")" }
        return "other:\(app.isEmpty ? "(no name)" : app)"
    }
}
