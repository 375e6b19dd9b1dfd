import StoreMetrics

/// The DBA actions the dashboard can ask for. The executable implements it over `StoreMetrics.Actions` (the UI
/// never imports StoreAccess, whose plan types the actions use); tests implement it with fakes.
public protocol ActionService: Sendable {
    /// What this role may do, checked once at start.
    func permissions() throws -> Actions.Permissions
    /// Plans a prune (changes nothing).
    func planPrune(tenant: String, kind: String, choice: PruneChoice) throws -> PruneProposal
    /// Plans a prune of `target` (changes nothing): the own store's through `planPrune(tenant:kind:choice:)`.
    func planPrune(_ target: PruneTarget, choice: PruneChoice) throws -> PruneProposal
    /// Executes a planned prune; `progress(deleted, planned)` returns false to cancel after the batch.
    func executePrune(_ proposal: PruneProposal, progress: (_ deleted: Int, _ planned: Int) -> Bool) throws -> PruneOutcome
    /// `pg_cancel_backend`; false when the backend is gone.
    func cancelBackend(_ pid: Int32) throws -> Bool
    /// `pg_terminate_backend`; false when the backend is gone.
    func terminateBackend(_ pid: Int32) throws -> Bool
    /// Previews an operation on a consumer (changes nothing).
    func proposeConsumerOp(_ target: OpTarget, _ op: ConsumerOp) throws -> OpProposal
    /// Carries out a previewed operation (refused if the consumer moved since); returns what to tell the DBA.
    func executeConsumerOp(_ proposal: OpProposal, force: Bool) throws -> String
    /// A backend read in depth (a read: offered in read-only mode too); nil when it has ended.
    func inspectBackend(_ pid: Int32) throws -> BackendDetail?
    /// Plain EXPLAIN of a backend's query, or why not (a read: offered in read-only mode too).
    func explainBackend(_ pid: Int32) throws -> ExplainOutcome
}

extension ActionService {
    /// Consumer operations are not offered (test fakes, recordings).
    public func proposeConsumerOp(_ target: OpTarget, _ op: ConsumerOp) throws -> OpProposal {
        throw ActionRefused(message: "consumer operations are not offered here")
    }

    /// Consumer operations are not offered.
    public func executeConsumerOp(_ proposal: OpProposal, force: Bool) throws -> String {
        throw ActionRefused(message: "consumer operations are not offered here")
    }

    /// Not offered (test fakes): the detail shows what the snapshot holds.
    public func inspectBackend(_ pid: Int32) throws -> BackendDetail? {
        throw ActionRefused(message: "no live read here: what the snapshot holds")
    }

    /// Not offered (test fakes).
    public func explainBackend(_ pid: Int32) throws -> ExplainOutcome { .refused("EXPLAIN needs a live server") }

    /// The own store's outboxes only, for services that prune nothing else (test fakes).
    public func planPrune(_ target: PruneTarget, choice: PruneChoice) throws -> PruneProposal {
        guard target.store == nil else { throw ActionRefused(message: "pruning \(target.name) is not offered here") }
        return try planPrune(tenant: target.tenant, kind: target.kind, choice: choice)
    }
}

/// An action this service does not offer.
public struct ActionRefused: Error, CustomStringConvertible {
    /// What was refused and why.
    public let message: String
    /// The message.
    public var description: String { message }
}
