import Foundation
import StoreTestSupport
import Testing

@testable import StoreAccess

/// The peers whose own test suites are ported here (issue 17). Each case is named `<peer>_<the peer's test name>`
/// and carries the peer's expected result; a case that StoreAccess does not pass yet is wrapped in
/// `withKnownIssue` with the decision that covers it, so the run says so instead of skipping it.
enum Peer: String, CaseIterable, Sendable {
    case factstr = "factstr-postgres"
    case faucet = "faucet-state-postgres"
    case axon = "axon PostgresStoreBackend"
    case eventcore = "eventcore-postgres"
    case zestor = "zestor store/postgres"
}

/// Opens a store on a fresh schema for one conformance case and drops the schema afterwards.
func withConformanceStore<T>(service: String = "conformance", maxConnections: Int = 8, _ body: (Store, TestServer) throws -> T) throws -> T {
    let server = try TestServer.current()
    let store = try server.store(service: service, maxConnections: maxConnections)
    defer {
        store.close()
        server.dropSchema(store.schema.name.name)
    }
    return try body(store, server)
}
