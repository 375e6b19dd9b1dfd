import Foundation
import Logging
import StoreAccess

/// What a DBA can do from storetop: prune an outbox, cancel or terminate a backend. Every action refuses in
/// read-only mode, and says which privilege is missing instead of failing half-way.
public final class Actions: @unchecked Sendable {
    /// Every action that changes something refuses (`--read-only`).
    public let readOnly: Bool
    /// The store's schema.
    public let schema: StoreSchema
    let dsn: String
    let logger: Logger
    private let lock = NSLock()
    private var store: Store?

    /// Actions on the store at `dsn` in `schema`; the store is opened on first use, never migrated.
    public init(
        dsn: String, schema: String = StoreSchema.defaultName, readOnly: Bool,
        logger: Logger = Logger(label: "storetop.actions")
    ) throws {
        self.dsn = dsn
        self.schema = try StoreSchema(schema)
        self.readOnly = readOnly
        self.logger = logger
    }

    /// The store handle actions use (never migrates: a dashboard must not change a schema).
    func openStore() throws -> Store {
        lock.lock()
        defer { lock.unlock() }
        if let store, !store.pool.isClosed { return store }
        var o = Store.Options()
        o.schema = schema.name.name
        o.migrate = false
        o.storeName = "actions"
        o.configure = {
            $0.maxConnections = 2; $0.reportInterval = nil; $0.acquireTimeout = .seconds(5)
        }
        let s = try Store.connect(dsn, service: "storetop", options: o, logger: logger)
        store = s
        return s
    }

    /// A reader of backends in depth and their EXPLAIN, on a connection of its own to the same server (reads only:
    /// offered in read-only mode too).
    public func makeInspector() throws -> BackendInspector { try BackendInspector(dsn: dsn, logger: logger) }

    /// Closes the store handle, if one was opened.
    public func close() {
        lock.lock()
        let s = store
        store = nil
        lock.unlock()
        s?.close()
    }

    private func refuseIfReadOnly(_ what: String) throws {
        if readOnly { throw StoreError(.readOnly, "\(what) is disabled: storetop runs with --read-only") }
    }

    /// What this role may do. `nil` reason = allowed.
    public struct Permissions: Sendable, Equatable {
        /// Why this role may not prune (nil: it may).
        public var prune: String?
        /// Why this role may not signal other roles' backends (nil: it may).
        public var signal: String?
        /// Why this role may not operate consumers: move, pause, resume, replay or discard (nil: it may).
        public var consumers: String?
        /// The role the checks were made for (`current_user`; nil when not read): the dashboard offers cancel and
        /// terminate on this role's own backends even when `signal` refuses the others.
        public var role: String?
    }

    /// Checks privileges without changing anything.
    public func permissions() throws -> Permissions {
        let s: Store
        do { s = try openStore() } catch let e as StoreError where e.code == .schemaMissing {
            guard let p = try olderSchemaPermissions(e) else { throw e }
            return p
        }
        let r = try s.pool.query(ActionStatements.permissions(s.schema.name)).first!
        let user: String = try r.decode("role")
        var p = Permissions(role: user)
        p.consumers = Self.consumersRefusal(
            user: user, schema: schema.name, version: try r.decodeOptional("version"), allowed: try r.decodeOptional("consumers"))
        if try !r.decode("prune", as: Bool.self) {
            p.prune =
                "role \(user) lacks DELETE on \(schema.name).outbox, UPDATE on outbox_heads or INSERT/UPDATE on actions_audit (prune_audit before schema version 9; pruning needs the store owner's role)"
        }
        if try !r.decode("signal", as: Bool.self) {
            p.signal = "role \(user) may only cancel its own sessions; others need pg_signal_backend"
        }
        if readOnly {
            p.prune = "read-only mode"
            p.signal = "read-only mode"
            p.consumers = "read-only mode"
        }
        return p
    }

    /// Plans a prune (read-only: allowed in read-only mode, it changes nothing).
    public func planPrune(tenant: String, kind: String, mode: PruneMode) throws -> PrunePlan {
        try OutboxPruner(store: try openStore(), tenant: tenant, kind: kind).plan(mode)
    }

    /// Executes a planned prune in batches with progress and cancel. Refuses in read-only mode or without the
    /// privileges, naming what is missing.
    public func executePrune(
        _ plan: PrunePlan, batchSize: Int = 1000, reason: String = "", progress: (PruneProgress) -> Bool
    ) throws -> PruneReport {
        try refuseIfReadOnly("pruning")
        if let why = try permissions().prune { throw StoreError(.insufficientPrivilege, "cannot prune: \(why)") }
        return try OutboxPruner(store: try openStore(), tenant: plan.tenant, kind: plan.kind)
            .execute(plan, batchSize: batchSize, reason: reason, progress: progress)
    }

    /// `pg_cancel_backend(pid)`: cancels the backend's current query. Returns whether a signal was sent.
    public func cancelBackend(_ pid: Int32) throws -> Bool { try signal(pid, .cancel, "cancelling a backend") }

    /// `pg_terminate_backend(pid)`: ends the backend's session.
    public func terminateBackend(_ pid: Int32) throws -> Bool { try signal(pid, .terminate, "terminating a backend") }

    private func signal(_ pid: Int32, _ signal: ActionStatements.Signal, _ what: String) throws -> Bool {
        try refuseIfReadOnly(what)
        let s = try openStore()
        do {
            return try s.pool.query(ActionStatements.signal(signal, pid: pid)).first!.decode("sent", as: Bool.self)
        } catch let e as StoreError where e.isPrivilegeError {
            throw StoreError(
                .insufficientPrivilege,
                "\(what) \(pid) is not allowed for this role: \(e.message) (needs pg_signal_backend or the backend's own role)",
                sqlState: e.sqlState)
        }
    }
}
