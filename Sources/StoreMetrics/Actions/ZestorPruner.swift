import Foundation
import StoreAccess

/// Plans and executes the age-based prune of one zestor outbox on a connection the caller owns. zestor's watchers
/// keep their cursors in memory, start at the outbox's head and never read rows older than their start, and the
/// library never deletes: so rows older than every live listener's last LISTEN are never read again.
struct ZestorPruner {
    let schema: Identifier
    let audit: Identifier
    let nsID: Int64
    let kind: String

    init(schema: String, tenant: String, kind: String, auditSchema: String) throws {
        self.schema = try Identifier(schema, what: "zestor schema")
        self.audit = try Identifier(auditSchema, what: "audit schema")
        guard let ns = Int64(tenant.trimmingCharacters(in: .whitespaces)) else {
            throw StoreError(.invalidArgument, "a zestor namespace (ns_id) is an integer, not '\(tenant)'")
        }
        guard !kind.isEmpty else { throw StoreError(.invalidArgument, "the outbox kind is empty") }
        guard schema != auditSchema else {
            throw StoreError(
                .invalidArgument,
                "the audit schema must not be the zestor schema \(schema): storetop never writes into a foreign store's schema; name a schema of your own"
            )
        }
        self.nsID = ns
        self.kind = kind
    }

    /// Computes the plan (read-only): refuses what cannot be pruned at all (a missing schema, outbox or namespace,
    /// an audit schema that is missing or holds a zestor store), and notes what would refuse the execution.
    func plan(_ c: Connection, olderThan: Duration) throws -> ZestorPrunePlan {
        guard olderThan >= .zero else { throw StoreError(.invalidArgument, "the age must not be negative") }
        let missing = try privileges(c).missing
        let r: Row
        do {
            r = try c.query(ZestorPruneStatements.plan(schema, ns: nsID, kind: kind, olderThanSeconds: olderThan.seconds)).first!
        } catch let e as StoreError where e.isPrivilegeError {
            throw StoreError(.insufficientPrivilege, "cannot read the outbox to plan: \(missing ?? e.message)", sqlState: e.sqlState)
        }
        let total: Int = try r.decode("total")
        if total == 0 { try requireOutbox(c) }
        let now: Date = try r.decode("now")
        let (listeners, hidden) = try self.listeners(c)
        return ZestorPrunePlan(
            schema: schema.name, tenant: String(nsID), nsID: nsID, kind: kind, olderThan: olderThan, auditSchema: audit.name,
            plannedAt: now, cutoff: try r.decode("cutoff"), rows: try r.decode("rows"), firstID: try r.decodeOptional("first_id"),
            lastID: try r.decodeOptional("last_id"), totalRows: total,
            oldestAgeSeconds: try r.decodeOptional("oldest_at", as: Date.self).map { now.timeIntervalSince($0) },
            listeners: listeners, hiddenSessions: hidden, missingPrivileges: missing)
    }

    /// The `LISTEN zestor_events` sessions, longest idle first, and how many sessions hide their statements.
    func listeners(_ c: Connection) throws -> ([ZestorListener], Int) {
        let rows = try c.query(ZestorPruneStatements.listeners).rows
        let hidden = try rows.first?.decode("hidden", as: Int.self) ?? 0
        let listening = try rows.filter { $0["pid"] != nil }.map { r in
            ZestorListener(
                pid: try r.decode("pid"), application: r["application_name"] ?? "", user: r["usename"] ?? "",
                state: r["state"] ?? "unknown", idleSeconds: try r.decodeOptional("idle_seconds") ?? 0)
        }
        return (listening, hidden)
    }

    /// An empty outbox exists when its namespace has keys of its kind (pruned to empty, or not written since);
    /// otherwise the namespace or kind is a typo, and that is an error naming the namespace's kinds.
    func requireOutbox(_ c: Connection) throws {
        let r = try c.query(ZestorPruneStatements.kinds(schema, ns: nsID, kind: kind)).first!
        if try r.decode("has_kind", as: Bool.self) { return }
        let kinds = r["kinds"].map { " (its kinds: \($0))" } ?? " (it has no keys)"
        throw StoreError(.notFound, "zestor namespace \(nsID) in schema \(schema) has no outbox rows and no keys of kind \(kind)" + kinds)
    }

    /// Why this role may not execute the prune (`missing`, nil: it may) and whether the audit table exists. Throws
    /// `.notFound` for a missing schema, outbox or audit schema, `.invalidArgument` for an audit schema that holds a
    /// zestor store.
    func privileges(_ c: Connection) throws -> (missing: String?, auditTable: Bool) {
        let r = try c.query(ZestorPruneStatements.privileges(schema: schema.name, audit: audit.name)).first!
        func yes(_ column: String) throws -> Bool { try r.decode(column, as: Bool.self) }
        guard try yes("zestor_schema") else { throw StoreError(.notFound, "schema \(schema) does not exist") }
        guard try yes("outbox") else { throw StoreError(.notFound, "schema \(schema) has no zestor_outbox table: it is not a zestor store") }
        guard try yes("audit_schema") else {
            throw StoreError(
                .notFound, "audit schema \(audit) does not exist: create it (CREATE SCHEMA \(audit.quoted)); storetop creates only its table in it")
        }
        if try yes("audit_holds_zestor") {
            throw StoreError(.invalidArgument, "audit schema \(audit) holds a zestor store's tables: name a schema of storetop's own")
        }
        let table = "\(audit).\(ZestorPruneStatements.auditTable)"
        var missing: [String] = []
        if try !yes("zestor_usage") { missing.append("USAGE on schema \(schema)") }
        for p in ["SELECT", "DELETE"] where try !yes("outbox_\(p.lowercased())") { missing.append("\(p) on \(schema).zestor_outbox") }
        if try !yes("audit_usage") { missing.append("USAGE on schema \(audit)") }
        if try yes("audit_table") {
            let lacking = try ["SELECT", "INSERT", "UPDATE"].filter { try !yes("audit_\($0.lowercased())") }
            if !lacking.isEmpty { missing.append(lacking.joined(separator: ", ") + " on \(table)") }
        } else if try !yes("audit_create") {
            missing.append("CREATE on schema \(audit) (to create \(table))")
        }
        let why = missing.isEmpty ? nil : "role \(r["role"] ?? "?") lacks " + missing.joined(separator: ", ")
        return (why, try yes("audit_table"))
    }
}
