import Foundation
import StoreAccess

/// EXPLAIN in a read-only transaction that is always rolled back, and the refusals of its errors.
extension BackendInspector {
    /// EXPLAIN of `query` (already checked by `SafeExplain`) on `c`.
    func plan(_ query: String, on c: Connection, role: String) throws -> ExplainOutcome {
        try c.execute(SQL("BEGIN READ ONLY").named("inspect.begin"))
        defer {
            if c.isOpen, c.inTransaction { _ = try? c.execute(SQL("ROLLBACK").named("inspect.rollback")) }
        }
        do {
            let statement = String(Self.explainStatementTimeout.milliseconds), lock = String(Self.explainLockTimeout.milliseconds)
            try c.query(
                SQL("SELECT set_config('statement_timeout', \(statement), true), set_config('lock_timeout', \(lock), true)")
                    .named("inspect.explain_timeouts"))
            // The text is another session's statement, checked by SafeExplain: it cannot be a bind parameter.
            let result = try c.query(SQL(unsafeRaw: "EXPLAIN (COSTS true)\n" + query, name: "inspect.explain"))
            // plan lines quote the query's constants (a connection string with a password, say): masked like query texts
            return .plan(result.rows.compactMap { $0[0] }.map(QueryText.redactPasswords))
        } catch let e as StoreError where e.sqlState != nil && !SQLState.isConnectionLoss(e.sqlState) {
            logger.debug("EXPLAIN refused by the server", metadata: ["error": "\(e)"])
            return .refused(Self.reason(e, role: role))
        }
    }

    /// One sentence for a server error of EXPLAIN.
    static func reason(_ e: StoreError, role: String) -> String {
        if e.has(.insufficientPrivilege) { return privilegeReason(e.message, role: role) }
        if e.has(.queryCanceled) {
            return "planning took longer than \(explainStatementTimeout.milliseconds) ms (statement_timeout); nothing was run"
        }
        if e.has(.lockNotAvailable) {
            return
                "a lock planning needs was not granted within \(explainLockTimeout.milliseconds) ms: another session holds a conflicting lock on one of its tables"
        }
        return "the server could not plan it here: \(e.message)"
    }

    /// "permission denied for table orders" → the privilege EXPLAIN needs and the role that lacks it.
    static func privilegeReason(_ message: String, role: String) -> String {
        let prefix = "permission denied for "
        guard let r = message.range(of: prefix) else { return "role \(role) lacks a privilege EXPLAIN needs: \(message)" }
        let object = String(message[r.upperBound...])
        let kind = object.split(separator: " ").first.map(String.init) ?? ""
        let privilege =
            switch kind {
            case "schema": "USAGE"
            case "function", "procedure", "routine": "EXECUTE"
            case "sequence": "SELECT or USAGE"
            default: "SELECT"
            }
        return "EXPLAIN needs \(privilege) on \(object), which role \(role) does not have"
    }
}
