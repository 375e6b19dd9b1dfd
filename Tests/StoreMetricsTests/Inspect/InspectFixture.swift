import Foundation
import StoreAccess
import StoreTestSupport

@testable import StoreMetrics

/// A fresh schema with two tables (`orders`, 100 rows, and `other`) for the inspector's tests, direct connections
/// that hold locks or leave a query behind, and the test's own reads of pg_stat_activity and pg_locks (as the
/// superuser, with an empty search_path so `regclass` prints every name schema-qualified).
struct InspectFixture {
    let server: TestServer
    let schema: String

    init() throws {
        server = try TestServer.current()
        schema = TestServer.freshSchemaName("insp")
        let c = try connect()
        defer { c.close() }
        try c.executeScript(
            """
            CREATE SCHEMA "\(schema)";
            CREATE TABLE "\(schema)".orders (id int PRIMARY KEY, v int NOT NULL);
            INSERT INTO "\(schema)".orders SELECT g, 0 FROM generate_series(1, 100) g;
            CREATE TABLE "\(schema)".other (id int);
            """, name: "inspect.fixture")
    }

    /// Drops the schema.
    func drop() { server.dropSchema(schema) }

    /// A direct connection as the application role (over TCP), or with `dsn`.
    func connect(_ dsn: String? = nil) throws -> Connection {
        try Connection(try ConnectionString(dsn ?? server.directDSN))
    }

    /// Polls `condition` every 50 ms for at most `seconds`; true once it held.
    func eventually(seconds: Double = 10, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return try condition()
    }

    /// True while backend `pid` waits on a heavyweight lock.
    func waitsOnLock(_ pid: Int32) throws -> Bool {
        try server.admin(SQL("SELECT 1 FROM pg_stat_activity WHERE pid = \(pid) AND wait_event_type = 'Lock'")).rows.isEmpty == false
    }

    /// Ends the given backends (cleanup of a test that failed half-way).
    func terminate(_ pids: [Int32]) {
        for pid in pids { _ = try? server.admin(SQL("SELECT pg_terminate_backend(\(pid))")) }
    }
}

/// A statement run on a thread of its own, because it waits on a lock; `wait` joins it.
final class BlockedStatement: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private let connection: Connection

    init(_ connection: Connection, _ sql: SQL) {
        self.connection = connection
        Thread.detachNewThread { [self] in
            _ = try? self.connection.query(sql)  // ends with an error when cleanup terminates the backend
            self.done.signal()
        }
    }

    private let lock = NSLock()
    private var ended = false

    /// True when the statement ended within `seconds` (at once when it ended before).
    func wait(seconds: Double = 10) -> Bool {
        if lock.withLock({ ended }) { return true }
        guard done.wait(timeout: .now() + seconds) == .success else { return false }
        lock.withLock { ended = true }
        return true
    }
}

/// What the test itself reads of one backend, to compare with `BackendInspector.detail`.
struct ObservedBackend {
    var state: String
    var waitEventType: String?
    var waitEvent: String?
    var transactionStart: Date?
    var backendStart: Date?
    var queryStart: Date?
    var stateChange: Date?
    var backendXid: String?
    var clientAddress: String?
    var clientPort: Int32?
    var query: String
    var user: String?
    var blockedBy: [Int32]
    var blocks: [Int32]
    var holdsHorizon: Bool
    var locks: [BackendDetail.Lock]

    /// Reads backend `pid` the way a DBA would, in one statement (locks in a second one, same connection).
    static func read(_ pid: Int32, server: TestServer) throws -> ObservedBackend? {
        let c = try Connection(try ConnectionString(server.adminDSN))
        defer { c.close() }
        try c.query("SET search_path = ''")
        guard
            let r = try c.query(
                SQL(
                    """
                    SELECT state, wait_event_type, wait_event, xact_start, backend_start, query_start, state_change,
                           backend_xid::text AS xid, host(client_addr) AS addr, client_port, query, usename,
                           pg_blocking_pids(pid)::text AS blocked_by,
                           (SELECT array_agg(o.pid ORDER BY o.pid) FROM pg_stat_activity o WHERE a.pid = ANY (pg_blocking_pids(o.pid)))::text AS blocks,
                           coalesce(greatest(age(backend_xid), age(backend_xmin)) >= (
                               SELECT max(greatest(age(o.backend_xid), age(o.backend_xmin))) FROM pg_stat_activity o
                                WHERE o.backend_type = 'client backend' AND o.datid = a.datid AND o.pid <> pg_backend_pid()), false) AS holds
                      FROM pg_stat_activity a WHERE pid = \(pid)
                    """)
            ).first
        else { return nil }
        let port: Int32 = try r.decode("client_port")
        return ObservedBackend(
            state: try r.decode("state"), waitEventType: r["wait_event_type"], waitEvent: r["wait_event"],
            transactionStart: try r.decodeOptional("xact_start"), backendStart: try r.decodeOptional("backend_start"),
            queryStart: try r.decodeOptional("query_start"), stateChange: try r.decodeOptional("state_change"),
            backendXid: r["xid"], clientAddress: r["addr"], clientPort: port == -1 ? nil : port, query: try r.decode("query"),
            user: r["usename"], blockedBy: BackendDetail.pids(r["blocked_by"]), blocks: BackendDetail.pids(r["blocks"]),
            holdsHorizon: try r.decode("holds"), locks: try locks(pid, c))
    }

    /// pg_locks of `pid`, the relation named by `regclass` (pg_catalog's own names get their schema added).
    private static func locks(_ pid: Int32, _ c: Connection) throws -> [BackendDetail.Lock] {
        let rows = try c.query(
            SQL(
                """
                SELECT locktype, relation::regclass::text AS rel, mode, granted, waitstart, page, tuple, transactionid::text AS xid,
                       virtualxid, classid, objid, objsubid, (SELECT relkind FROM pg_class WHERE oid = relation) AS kind
                  FROM pg_locks WHERE pid = \(pid)
                """)
        ).rows
        return try rows.map { r in
            let rel = r["rel"].map { $0.contains(".") ? $0 : "pg_catalog." + $0 }
            let type: String = try r.decode("locktype")
            let target =
                switch type {
                case "relation": (r["kind"] == "i" ? "index " : "table ") + (rel ?? "")
                case "tuple": "row (\(r["page"] ?? ""),\(r["tuple"] ?? "")) of \(rel ?? "")"
                case "transactionid": "transaction " + (r["xid"] ?? "")
                case "virtualxid": "virtual transaction " + (r["virtualxid"] ?? "")
                case "advisory": "advisory \(r["classid"] ?? ""):\(r["objid"] ?? ""):\(r["objsubid"] ?? "")"
                default: "?"
                }
            return BackendDetail.Lock(
                lockType: type, target: target, relation: rel, mode: try r.decode("mode"), granted: try r.decode("granted"),
                waitStart: try r.decodeOptional("waitstart"))
        }
    }
}
