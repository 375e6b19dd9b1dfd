import Foundation
import StoreAccess

/// The sessions panel: client backends (bounded), with the blockers of those waiting on locks, grouped by
/// application_name (`SessionGroups`). The window count is the number of client backends, which the server
/// panel reports as connections in use.
enum SessionsPanel: Panel {
    static let name = "sessions"
    /// At most this many backends are read.
    static let limit = 2000

    static func statements(_ schema: Identifier) -> [SQL] { [statement()] }

    static func statement() -> SQL {
        SQL(
            """
            SELECT pid, coalesce(application_name, '') AS application_name, usename, coalesce(state, 'unknown') AS state,
                   wait_event_type, wait_event, query_start, xact_start, state_change, age(backend_xmin) AS xmin_age,
                   CASE WHEN wait_event_type = 'Lock' THEN pg_blocking_pids(pid)::text END AS blocked_by,
                   left(query, 300) AS query, count(*) OVER () AS backends
              FROM pg_stat_activity
             WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()
             ORDER BY xact_start NULLS LAST LIMIT \(unsafeRaw: String(limit))
            """
        ).named("metrics.sessions")
    }

    /// Reads and groups the backends; `count` is every client backend but this one (beyond the bound too).
    static func read(_ c: Connection, blockers: [Snapshot.DeliveryBlocker], count: inout Int?) throws -> Snapshot.Sessions {
        let rows = try c.query(statement()).rows
        count = try rows.first?.decode("backends", as: Int.self) ?? 0
        return SessionGroups.group(try rows.map(decode), blockers: blockers, now: Date())
    }

    /// One backend from its row.
    static func decode(_ r: Row) throws -> Snapshot.Backend {
        let blocked = (r["blocked_by"] ?? "{}").trimmingCharacters(in: CharacterSet(charactersIn: "{}"))
            .split(separator: ",").compactMap { Int32($0) }
        return Snapshot.Backend(
            pid: try r.decode("pid"), applicationName: try r.decode("application_name"), user: r["usename"],
            state: try r.decode("state"), waitEventType: r["wait_event_type"], waitEvent: r["wait_event"],
            queryStart: try r.decodeOptional("query_start"), transactionStart: try r.decodeOptional("xact_start"),
            stateChange: try r.decodeOptional("state_change"), xminAge: try r.decodeOptional("xmin_age"),
            blockedBy: blocked, query: QueryText.redactPasswords(r["query"] ?? ""))
    }
}
