import Foundation
import StoreAccess

/// Whether a collector's reads need their timeouts set per transaction, found once (on the first snapshot).
final class TimeoutMode: @unchecked Sendable {
    private let lock = NSLock()
    private var known: Bool?
    var value: Bool? { lock.withLock { known } }
    func set(_ v: Bool) { lock.withLock { known = v } }
}

extension Collector {
    /// Runs one snapshot's panels under the collector's statement_timeout and lock_timeout, with JIT off.
    ///
    /// On a direct connection they are startup options and hold for the session. A transaction pooler (PgBouncer)
    /// either refuses startup options (the pool then connects without them) or drops them silently
    /// (`ignore_startup_parameters`), and a session `SET` would leak to other clients of the server connection.
    /// There the snapshot runs in one transaction that sets both locally, with each panel in a savepoint, so a
    /// panel that times out or waits too long for a lock rolls back to it and the rest is still read.
    func underTimeouts(_ c: Connection, _ run: inout PanelRun, _ body: (inout PanelRun) throws -> Void) throws {
        guard try perTransaction(c, &run) else { return try body(&run) }
        try c.transaction { c in
            try c.query(
                SQL(
                    "SELECT set_config('statement_timeout', \(String(timeouts.statement.milliseconds)), true), set_config('lock_timeout', \(String(timeouts.lock.milliseconds)), true), set_config('jit', 'off', true)"
                ).named("collect.timeouts"))
            run.savepoints = c
            defer { run.savepoints = nil }
            try body(&run)
        }
    }

    /// True behind a transaction pooler: the pool found one, or the server does not have the lock_timeout the
    /// connection asked for (checked once, with one statement).
    private func perTransaction(_ c: Connection, _ run: inout PanelRun) throws -> Bool {
        if pool.behindTransactionPooler { return true }
        if let known = timeoutsPerTransaction.value { return known }
        let lockTimeout = try c.query(SQL("SELECT current_setting('lock_timeout')").named("collect.check_timeouts")).first?[0]
        run.counted(1)
        let ignored = lockTimeout != "\(timeouts.lock.milliseconds)ms"
        timeoutsPerTransaction.set(ignored)
        return ignored
    }
}
