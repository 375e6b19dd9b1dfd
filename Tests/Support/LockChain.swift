import Foundation
import StoreAccess

/// A three-level blocking chain on a real server, for the lock tree's tests: an idle-in-transaction root that
/// updated row 1 of `table` (it holds that row's lock), a first waiter that updated row 2 in its own transaction and
/// then waits on row 1, and a second waiter that waits on row 2. Each connection is named
/// `st:<service>/<root|first|second>`. `release()` ends the chain from its root (also on a test failure: call it in
/// a `defer`), so both waiting threads end.
public final class LockChain: @unchecked Sendable {
    /// The root, the first waiter and the second waiter.
    public let root: Connection, first: Connection, second: Connection
    private let done = DispatchSemaphore(value: 0)
    private var released = false

    /// Builds the chain on `table` (rows 1 and 2 must exist) through `dsn`, and waits until both waiters wait on a lock
    /// (at most 10 s; throws when they never do).
    public init(dsn: String, table: String, service: String) throws {
        func open(_ name: String) throws -> Connection {
            try Connection(try ConnectionString(dsn), applicationName: ApplicationName(service: service, store: name))
        }
        (root, first, second) = (try open("root"), try open("first"), try open("second"))
        try root.query("BEGIN")
        try root.query(SQL(unsafeRaw: "UPDATE \(table) SET v = 1 WHERE id = 1"))
        try first.query("BEGIN")
        try first.query(SQL(unsafeRaw: "UPDATE \(table) SET v = 1 WHERE id = 2"))
        // each waiter blocks its connection: on a thread of its own, until the lock it waits for is released
        for (c, id) in [(first, 1), (second, 2)] {
            nonisolated(unsafe) let waiter = c
            let statement = SQL(unsafeRaw: "UPDATE \(table) SET v = 9 WHERE id = \(id)")
            let done = self.done
            Thread.detachNewThread {
                _ = try? waiter.query(statement)
                done.signal()
            }
        }
        let pids = "\(first.backendPID), \(second.backendPID)"
        let deadline = Date().addingTimeInterval(10)
        // read on a connection of its own: the root's last statement stays its UPDATE
        let watcher = try Connection(try ConnectionString(dsn))
        defer { watcher.close() }
        while true {
            let n = try watcher.query(
                SQL(unsafeRaw: "SELECT count(*) FROM pg_stat_activity WHERE pid IN (\(pids)) AND wait_event_type = 'Lock'")
            ).first?[0]
            if n == "2" { break }
            guard Date() < deadline else {
                release()
                throw StoreError(.invalidArgument, "the lock chain's waiters never waited")
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    /// The root's, the first waiter's and the second waiter's backend pids.
    public var pids: (root: Int32, first: Int32, second: Int32) { (root.backendPID, first.backendPID, second.backendPID) }

    /// Ends the chain from its root, then the first waiter's own transaction, and closes the three connections.
    public func release() {
        guard !released else { return }
        released = true
        _ = try? root.query("ROLLBACK")
        _ = done.wait(timeout: .now() + 10)
        _ = try? first.query("ROLLBACK")
        _ = done.wait(timeout: .now() + 10)
        [root, first, second].forEach { $0.close() }
    }
}
