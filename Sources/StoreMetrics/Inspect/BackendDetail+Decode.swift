import Foundation
import StoreAccess

/// `BackendDetail` from the rows of `InspectStatements.detail`: the backend's columns repeat on every row, one
/// row per lock.
extension BackendDetail {
    static func decode(_ rows: [Row]) throws -> BackendDetail? {
        guard let r = rows.first else { return nil }
        let port: Int32? = try r.decodeOptional("client_port")
        return BackendDetail(
            pid: try r.decode("pid"), database: r["datname"], user: r["usename"], applicationName: try r.decode("application_name"),
            clientAddress: r["client_addr"], clientHostname: r["client_hostname"], clientPort: port.flatMap { $0 < 0 ? nil : $0 },
            backendStart: try r.decodeOptional("backend_start"), transactionStart: try r.decodeOptional("xact_start"),
            queryStart: try r.decodeOptional("query_start"), stateChange: try r.decodeOptional("state_change"),
            state: try r.decode("state"), waitEventType: r["wait_event_type"], waitEvent: r["wait_event"],
            backendXid: r["backend_xid"], backendXmin: r["backend_xmin"], xminAge: try r.decodeOptional("xmin_age"),
            holdsHorizon: try r.decode("holds_horizon"), query: QueryText.redactPasswords(try r.decode("query")),
            queryTruncated: try r.decode("query_truncated"), trackActivityQuerySize: try r.decode("query_size"),
            locks: try rows.compactMap(Lock.decode), blockedBy: pids(r["blocked_by"]), blocks: pids(r["blocks"]),
            readAt: try r.decode("read_at"))
    }

    /// The pids of an `int[]` in text form (`{12,34}`; NULL: none).
    static func pids(_ text: String?) -> [Int32] {
        (text ?? "{}").trimmingCharacters(in: CharacterSet(charactersIn: "{}")).split(separator: ",").compactMap { Int32($0) }
    }
}

extension BackendDetail.Lock {
    /// The lock of one row; nil for the row of a backend without locks.
    static func decode(_ r: Row) throws -> BackendDetail.Lock? {
        guard let type = r["lock_type"] else { return nil }
        return BackendDetail.Lock(
            lockType: type, target: r["lock_target"] ?? type, relation: r["lock_relation"], mode: try r.decode("lock_mode"),
            granted: try r.decode("lock_granted"), waitStart: try r.decodeOptional("lock_wait_start"))
    }
}
