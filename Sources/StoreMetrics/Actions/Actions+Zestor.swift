import Foundation
import StoreAccess

/// The age-based prune of a zestor outbox (docs/pruning.md, "Pruning a zestor outbox"), for `storetop prune --store
/// zestor:SCHEMA` and the dashboard's prune dialog: plan (read-only), show the plan and its refusal if any, confirm,
/// then execute with a progress callback. Each call opens its own connection to the database and closes it, so these
/// may run on any thread; the StoreAccess store of `Actions` is not needed (a zestor database may have none).
extension Actions {
    /// The `application_name` of the zestor prune's sessions (and of its audit rows' `by_application`).
    public static let zestorPruneApplicationName = ApplicationName(service: "storetop", store: "actions")

    /// The `application_name`s of storetop's own sessions (the collector, the actions and the backend inspector):
    /// the dashboard does not count them as the role's backends it may cancel or terminate.
    public static let ownApplicationNames: Set<String> = Set(
        ["monitor", "actions", "inspect"].map { ApplicationName(service: "storetop", store: $0).rendered })

    /// Plans pruning the rows of zestor outbox `kind` of namespace `tenant` (an `ns_id`) in `schema` older than
    /// `olderThan`, audited in `auditSchema`. Changes nothing (allowed in read-only mode). Throws `.notFound` naming
    /// a missing schema, outbox, namespace or kind, or audit schema; `.invalidArgument` for an audit schema that is
    /// (or holds) a zestor store. The plan carries what would refuse its execution (`refusal`): a listener idle longer
    /// than the age, or a missing privilege.
    public func planZestorPrune(
        schema: String, tenant: String, kind: String, olderThan: Duration, auditSchema: String
    ) throws -> ZestorPrunePlan {
        let pruner = try ZestorPruner(schema: schema, tenant: tenant, kind: kind, auditSchema: auditSchema)
        let c = try zestorConnection()
        defer { c.close() }
        return try pruner.plan(c, olderThan: olderThan)
    }

    /// Executes `plan` in batches of `batchSize`, one transaction each; `progress` is called after every batch and
    /// returns false to stop after it (the audit row then says `cancelled`). Refuses in read-only mode (`.readOnly`),
    /// without the privileges (`.insufficientPrivilege`, naming each), and while a listener has been idle longer than
    /// the age (`.conflict`, naming its pid, application and idle time); both are checked again here.
    public func executeZestorPrune(
        _ plan: ZestorPrunePlan, batchSize: Int = 1000, lockTimeout: Duration = .seconds(1),
        progress: (PruneProgress) -> Bool = { _ in true }
    ) throws -> ZestorPruneReport {
        if readOnly { throw StoreError(.readOnly, "pruning is disabled: storetop runs with --read-only") }
        let pruner = try ZestorPruner(schema: plan.schema, tenant: plan.tenant, kind: plan.kind, auditSchema: plan.auditSchema)
        let c = try zestorConnection()
        defer { c.close() }
        return try pruner.execute(c, plan, batchSize: batchSize, lockTimeout: lockTimeout, progress: progress)
    }

    /// A direct connection to the database of `dsn`, named as storetop's actions.
    private func zestorConnection() throws -> Connection {
        try Connection(try ConnectionString(dsn), applicationName: Self.zestorPruneApplicationName)
    }
}

extension ZestorPrunePlan {
    /// The audit table the prune will write, qualified (for the dialog).
    public var auditTable: String { "\(auditSchema).\(ZestorPruneStatements.auditTable)" }
}
