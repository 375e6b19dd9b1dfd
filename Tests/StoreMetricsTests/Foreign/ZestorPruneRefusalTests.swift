import Foundation
import StoreAccess
import StoreTestSupport
import Testing

@testable import StoreMetrics

/// What a zestor prune refuses before deleting anything: a role without the privileges (each named, as SQL says it
/// lacks them), an audit schema that is or holds a zestor store or does not exist, a namespace or kind that does
/// not exist. And every statement of the prune runs against a zestor schema.
@Suite(.serialized) struct ZestorPruneRefusalTests {
    @Test func aRoleWithoutDeleteGetsTheNamedError() throws {
        try ZestorPruneFixture.with(minutes: 10) { f in
            let zs = try Identifier(f.schema), au = try Identifier(f.audit)
            try f.app.query(SQL("GRANT USAGE ON SCHEMA \(ident: zs) TO monitor"))
            try f.app.query(SQL("GRANT SELECT ON \(ident: zs).zestor_outbox TO monitor"))
            try f.app.query(SQL("GRANT USAGE, CREATE ON SCHEMA \(ident: au) TO monitor"))
            let may = try f.server.admin(
                SQL("SELECT has_table_privilege('monitor', \(f.outbox), 'DELETE'), has_schema_privilege('monitor', \(f.audit), 'CREATE')")
            ).first!
            #expect(may.values == ["f", "t"])
            let a = try f.actions(dsn: f.server.monitorDSN)
            let before = try f.rows()
            let p = try f.plan(a, .seconds(0))
            #expect(p.missingPrivileges == "role monitor lacks DELETE on \(f.schema).zestor_outbox", "\(p.missingPrivileges ?? "")")
            #expect(p.refusal == p.missingPrivileges)
            let e = #expect(throws: StoreError.self) { try a.executeZestorPrune(p) }
            #expect(e?.code == .insufficientPrivilege && e?.message == "cannot prune: role monitor lacks DELETE on \(f.schema).zestor_outbox")
            #expect(try f.rows() == before)
            #expect(try f.server.admin(SQL("SELECT count(*) FROM pg_tables WHERE schemaname = \(f.audit)")).first![0] == "0")
            // without CREATE on the audit schema (and no audit table yet) that is named too
            try f.app.query(SQL("REVOKE CREATE ON SCHEMA \(ident: au) FROM monitor"))
            let q = try f.plan(a, .seconds(0))
            #expect(q.missingPrivileges?.hasSuffix(", CREATE on schema \(f.audit) (to create \(f.audit).storetop_foreign_prune_audit)") == true)
            // a role that may not even read the outbox cannot plan, and is told what it lacks
            try f.app.query(SQL("REVOKE USAGE ON SCHEMA \(ident: zs) FROM monitor"))
            let r = #expect(throws: StoreError.self) { try f.plan(a, .seconds(0)) }
            #expect(r?.code == .insufficientPrivilege && r?.message.contains("USAGE on schema \(f.schema)") == true, "\(r?.message ?? "")")
        }
    }

    @Test func theAuditSchemaIsNeverAZestorSchemaAndMustExist() throws {
        try ZestorPruneFixture.with(minutes: 5) { f in
            let a = try f.actions()
            func refusal(_ audit: String) -> StoreError? {
                #expect(throws: StoreError.self) {
                    try a.planZestorPrune(schema: f.schema, tenant: "7", kind: "orders", olderThan: .seconds(0), auditSchema: audit)
                }
            }
            #expect(refusal(f.schema)?.code == .invalidArgument)
            let missing = TestServer.freshSchemaName("nosuch")
            #expect(refusal(missing)?.code == .notFound && refusal(missing)?.message.contains("CREATE SCHEMA") == true)
            let other = TestServer.freshSchemaName("zother")
            defer { f.server.dropSchema(other) }
            try ZFAFixtures.createZestor(f.app, schema: other)
            #expect(refusal(other)?.code == .invalidArgument && refusal(other)?.message.contains("holds a zestor store") == true)
        }
    }

    @Test func aMissingNamespaceOrKindIsNamedAndAnEmptiedOutboxIsNot() throws {
        try ZestorPruneFixture.with(minutes: 5) { f in
            let a = try f.actions()
            try ZFAFixtures.zestorSet(f.app, ns: 9, kind: "carts", key: "c1", value: [1])
            let e = #expect(throws: StoreError.self) { try f.plan(a, ns: "9", kind: "cart") }
            #expect(e?.code == .notFound && e?.message.contains("(its kinds: carts)") == true, "\(e?.message ?? "")")
            #expect((#expect(throws: StoreError.self) { try f.plan(a, ns: "x") })?.code == .invalidArgument)
            _ = try a.executeZestorPrune(try f.plan(a, .seconds(0), ns: "9", kind: "carts"))
            let emptied = try f.plan(a, .seconds(0), ns: "9", kind: "carts")
            #expect(emptied.rows == 0 && emptied.totalRows == 0)
        }
    }

    @Test func everyStatementRunsAgainstAZestorSchema() throws {
        try ZestorPruneFixture.with(minutes: 1) { f in
            let sql = ZestorPruneStatements.all(try Identifier(f.schema), audit: try Identifier(f.audit))
            for s in sql {
                do { try f.app.query(s) } catch { Issue.record("\(s.name ?? "?") failed: \(error)") }
                #expect(s.name?.hasPrefix("actions.zestor_prune.") == true)
            }
            #expect(Set(sql.map(\.name)).count == sql.count)
        }
    }
}
