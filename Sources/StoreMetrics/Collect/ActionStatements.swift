import StoreAccess

/// The statements of `Actions` (prune, cancel, terminate), kept with the panels' statements so that StoreMetrics
/// has one catalog of its SQL. The prune itself is StoreAccess's (`OutboxPruner`), not ours.
enum ActionStatements {
    /// The backend signals an action may send.
    enum Signal: String, CaseIterable, Sendable {
        /// Cancels the backend's current query.
        case cancel = "pg_cancel_backend"
        /// Ends the backend's session.
        case terminate = "pg_terminate_backend"
    }

    /// Every statement (sample arguments; a test runs each against a real schema).
    static func all(_ schema: Identifier) -> [SQL] { [permissions(schema)] + Signal.allCases.map { signal($0, pid: 0) } }

    /// May this role prune (DELETE on the outbox, UPDATE on its heads, INSERT and UPDATE on the audit, which is written per batch:
    /// `actions_audit` from schema version 9, where `prune_audit` became a view over it, else `prune_audit`) and signal other
    /// roles' backends (superuser or pg_signal_backend)? And who is it, at which schema version? `consumers`: may it
    /// operate consumers (schema version 9: UPDATE on `cursors` for moves and pauses, INSERT on `actions_audit` and
    /// USAGE on its id sequence, UPDATE and DELETE on `parked` for replays and discards); NULL when a table is
    /// missing (an older schema: `to_regclass` is NULL, and so is every privilege function given it).
    static func permissions(_ schema: Identifier) -> SQL {
        let q = schema.quoted, audit = q + ".actions_audit"
        return SQL(
            """
            SELECT has_table_privilege(\(q + ".outbox"), 'DELETE') AND has_table_privilege(\(q + ".outbox_heads"), 'UPDATE')
                   AND has_table_privilege(coalesce(to_regclass(\(audit)), to_regclass(\(q + ".prune_audit"))), 'INSERT')
                   AND has_table_privilege(coalesce(to_regclass(\(audit)), to_regclass(\(q + ".prune_audit"))), 'UPDATE') AS prune,
                   (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
                   OR pg_has_role(current_user, 'pg_signal_backend', 'MEMBER') AS signal,
                   current_user AS role, (SELECT max(version) FROM \(unsafeRaw: q).schema_version) AS version,
                   has_table_privilege(to_regclass(\(q + ".cursors")), 'UPDATE') AND has_table_privilege(to_regclass(\(audit)), 'INSERT')
                   AND CASE WHEN to_regclass(\(audit)) IS NOT NULL THEN has_sequence_privilege(pg_get_serial_sequence(\(audit), 'id'), 'USAGE') END
                   AND has_table_privilege(to_regclass(\(q + ".parked")), 'UPDATE') AND has_table_privilege(to_regclass(\(q + ".parked")), 'DELETE')
                   AS consumers
            """
        ).named("actions.permissions")
    }

    /// Sends `signal` to backend `pid`; one row, `sent`: whether the signal was sent.
    static func signal(_ signal: Signal, pid: Int32) -> SQL {
        SQL("SELECT \(unsafeRaw: signal.rawValue)(\(pid)) AS sent").named("actions.\(signal.rawValue)")
    }
}
