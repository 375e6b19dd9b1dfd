import Foundation
import StoreAccess
import StoreTestSupport
import Testing

@testable import StoreMetrics

/// StoreMetrics's statements: every one runs against a real schema, each has its own name, and the lock scan
/// takes the lock classes from StoreAccess's `StoreProtocol` (bound as parameters, never spelled here).
@Suite struct StatementCatalogTests {
    @Test func everyQueryRunsAgainstARealSchema() throws {
        let server = try TestServer.current()
        let schema = TestServer.freshSchemaName("q")
        let store = try server.store(schema: schema)
        defer { store.close(); server.dropSchema(schema) }
        let c = try Connection(try ConnectionString(server.directDSN))
        for sql in Panels.statements(store.schema.name) + ActionStatements.all(store.schema.name) {
            do { try c.query(sql) } catch { Issue.record("\(sql.name ?? "?") failed: \(error)") }
        }
    }

    @Test func everyStatementIsNamedOnce() throws {
        let schema = try Identifier("storeaccess")
        let names = Panels.statements(schema).map { $0.name ?? "" } + ActionStatements.all(schema).map { $0.name ?? "" }
        #expect(!names.contains(""))
        // a panel may send one statement in two forms (with or without the size, full or incremental, …) under one name
        let forms = Dictionary(grouping: names, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted()
        #expect(forms == ["metrics.cursors", "metrics.server"], "\(forms)")
        #expect(Set(Panels.all.map { $0.name }).count == Panels.all.count)
    }

    @Test func lockClassesAndConsumerKeysComeFromStoreProtocol() throws {
        let schema = try Identifier("shop")
        let locks = LocksPanel.statement(schema).text
        for c in [StoreProtocol.LockClass.eventsRegistration, .outboxRegistration, .consumer] {
            #expect(locks.contains(StoreProtocol.classIDSQL(c, in: schema)), "\(c)")
        }
        let cursors = CursorsPanel.statement(schema, since: nil).text
        // the consumer lock key is StoreProtocol's SQL spelling over the table's columns, never StoreMetrics' own
        #expect(cursors.contains(StoreProtocol.consumerLockKeySQL(tenant: "c.tenant", name: "c.name")))
    }
}
