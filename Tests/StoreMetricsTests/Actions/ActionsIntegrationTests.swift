import Foundation
import StoreAccess
import StoreTestSupport
import Testing

@testable import StoreMetrics

/// Cancel and terminate on a real backend (the privilege and read-only refusals are in
/// `SnapshotIntegrationTests.monitoringRoleSeesServerAndSessionsAndSaysWhatIsMissing`).
@Suite(.serialized) struct ActionsIntegrationTests {
    @Test func cancelAndTerminateABackend() throws {
        let server = try TestServer.current()
        let schema = TestServer.freshSchemaName("act")
        let store = try server.store(schema: schema)
        defer { store.close(); server.dropSchema(schema) }
        let actions = try Actions(dsn: server.directDSN, schema: schema, readOnly: false)
        defer { actions.close() }
        nonisolated(unsafe) let victim = try Connection(try ConnectionString(server.directDSN))
        let pid = victim.backendPID
        let failed = LockedFlag()
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            do { try victim.query("SELECT pg_sleep(30)") } catch let e as StoreError where e.sqlState == "57014" { failed.set() } catch {}
            done.signal()
        }
        Thread.sleep(forTimeInterval: 0.3)
        #expect(try actions.cancelBackend(pid))
        #expect(done.wait(timeout: .now() + 5) == .success)
        #expect(failed.isSet)
        #expect(try actions.terminateBackend(pid))
        Thread.sleep(forTimeInterval: 0.2)
        #expect(throws: StoreError.self) { try victim.query("SELECT 1") }
    }
}
