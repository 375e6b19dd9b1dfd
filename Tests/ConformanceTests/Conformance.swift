import Foundation
import StoreTestSupport
import Testing

@testable import StoreAccess

/// The peers whose own test suites are ported here (issue 17). Each case is named `<peer>_<the peer's test name>`
/// and carries the peer's expected result; a case that StoreAccess does not pass yet is wrapped in
/// `withKnownIssue` with the decision that covers it, so the run says so instead of skipping it. Where issue 17
/// decided against the peer's result, `differsByDecision` runs the peer's assertion as a known issue whose comment
/// starts with "Differs by decision" (`scripts/conformance-table` lists those cases apart and never counts them as
/// passing), and the case then asserts StoreAccess's decided behaviour normally.
enum Peer: String, CaseIterable, Sendable {
    case factstr = "factstr-postgres"
    case faucet = "faucet-state-postgres"
    case axon = "axon PostgresStoreBackend"
    case eventcore = "eventcore-postgres"
    case zestor = "zestor store/postgres"
}

/// The issue-17 decisions that keep StoreAccess's behaviour where a peer expects otherwise.
enum Decision {
    /// Issue 17, Decisions: "Keep: an empty connection string means use the PG* environment (libpq's rule)".
    static let emptyDSN: Comment =
        "Differs by decision (issue 17, Decisions, Keep): an empty connection string means the PG* environment (libpq's rule)"
    /// Issue 17, Decisions: "Keep: `stop()` delivers nothing after it returns".
    static let stopDeliversNothingAfter: Comment =
        "Differs by decision (issue 17, Decisions, Keep): stop() delivers nothing after it returns"
}

/// Runs the peer's expected result where issue 17 decided otherwise. The peer's assertion must fail (a known issue
/// naming the decision); if it ever passed, Swift Testing would report the case as failed, so the decision and the
/// code cannot drift apart silently.
func differsByDecision(_ decision: Comment, sourceLocation: SourceLocation = #_sourceLocation, peerExpects body: () throws -> Void) {
    withKnownIssue(decision, sourceLocation: sourceLocation) { try body() }
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
