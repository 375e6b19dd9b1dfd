import Foundation
import StoreAccess
import StoreTestSupport

@testable import StoreMetrics

/// A zestor store made by its own DDL (`ZFAFixtures.createZestor`) with outbox rows of known ages, an audit schema
/// beside it, and the SQL the prune tests compare with.
struct ZestorPruneFixture {
    let server: TestServer
    let schema: String
    let audit: String
    /// The application's role, with the zestor schema on its search_path (it created and owns the store).
    let app: Connection

    var outbox: String { "\"\(schema)\".zestor_outbox" }
    var auditTable: String { "\"\(audit)\".storetop_foreign_prune_audit" }

    /// Runs `body` with a fresh zestor store of `minutes` × 3 outbox rows and an empty audit schema; drops both after.
    /// Rows are written as zestor writes them (through its trigger), one minute apart from `minutes` minutes ago to one
    /// minute ago, each minute one row for each of (7, orders), (7, users) and (8, orders): ids follow time.
    static func with(minutes: Int = 180, _ body: (ZestorPruneFixture) throws -> Void) throws {
        let server = try TestServer.current().inDatabase("storetop_foreign")
        let f = ZestorPruneFixture(
            server: server, schema: TestServer.freshSchemaName("zpr"), audit: TestServer.freshSchemaName("zpraudit"),
            app: try ZFAFixtures.connect(server))
        defer {
            f.app.close()
            server.dropSchema(f.schema)
            server.dropSchema(f.audit)
        }
        try ZFAFixtures.createZestor(f.app, schema: f.schema)
        try f.app.query(SQL("CREATE SCHEMA \(ident: try Identifier(f.audit))"))
        try f.app.query(
            SQL(
                unsafeRaw: """
                    INSERT INTO zestor_outbox (ns_id, kind, key, etype, value, at)
                    SELECT p.ns, p.kind, 'k' || g, 'create', '\\x01'::bytea, now() - make_interval(mins => g)
                      FROM generate_series(\(minutes), 1, -1) g
                     CROSS JOIN (VALUES (7, 'orders', 1), (7, 'users', 2), (8, 'orders', 3)) p(ns, kind, n)
                     ORDER BY g DESC, p.n
                    """))
        try body(f)
    }

    /// Every outbox row as "id ns kind", in id order.
    func rows() throws -> [String] {
        try server.admin(SQL(unsafeRaw: "SELECT id || ' ' || ns_id || ' ' || kind FROM \(outbox) ORDER BY id")).rows.map { $0[0]! }
    }

    /// The rows of (ns, kind) written before `cutoff`, as `rows()` spells them: what a prune of that age should delete.
    func older(ns: Int64, kind: String, than cutoff: Date) throws -> [String] {
        try server.admin(
            SQL(
                unsafeRaw:
                    "SELECT id || ' ' || ns_id || ' ' || kind FROM \(outbox) WHERE ns_id = $1 AND kind = $2 AND at < $3::timestamptz ORDER BY id",
                binds: [ns, kind, cutoff])
        ).rows.map { $0[0]! }
    }

    /// The last audit row's columns by name.
    func lastAudit() throws -> [String: String?] {
        let r = try server.admin(SQL(unsafeRaw: "SELECT * FROM \(auditTable) ORDER BY id DESC LIMIT 1"))
        return Dictionary(uniqueKeysWithValues: r.columns.enumerated().map { ($1, r.rows[0][$0]) })
    }

    /// Storetop's actions on this database as the application's role (or another DSN's).
    func actions(dsn: String? = nil, readOnly: Bool = false) throws -> Actions {
        try Actions(dsn: dsn ?? server.directDSN, readOnly: readOnly)
    }

    /// Plans (ns 7, orders) older than `age`.
    func plan(_ a: Actions, _ age: Duration = .seconds(3600), ns: String = "7", kind: String = "orders") throws -> ZestorPrunePlan {
        try a.planZestorPrune(schema: schema, tenant: ns, kind: kind, olderThan: age, auditSchema: audit)
    }
}
