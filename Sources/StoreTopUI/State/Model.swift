import Foundation
import StoreMetrics

/// What the refresh loop hands the UI: the latest data, and the state of the connection.
public struct Model: Sendable {
    /// The state of the connection to the source.
    public enum Connection: Equatable, Sendable {
        case connecting
        case connected
        case reconnecting(error: String, retryAt: Date)
    }

    /// The latest snapshot (kept while reconnecting).
    public var snapshot: Snapshot? { didSet { revision = Revision() } }
    /// Rates and statuses from the history.
    public var derived: Derived? { didSet { revision = Revision() } }
    /// Connected, connecting or reconnecting.
    public var connection: Connection = .connecting
    /// When the current snapshot arrived (wall clock).
    public var receivedAt: Date?
    /// The server label in the header ("db-1:5432").
    public var server: String = ""
    /// The schema of storetop's own store (the STORE column's `storeaccess:<schema>`).
    public var schema: String = "" { didSet { revision = Revision() } }
    /// The retention policy text of a tenant's outbox of a kind (the config file's rule; nil: none).
    public var outboxPolicy: (@Sendable (_ tenant: String, _ kind: String) -> String?)? { didSet { revision = Revision() } }
    /// What this role may do (checked once at start).
    public var permissions: Actions.Permissions?
    /// The backend detail on screen (and its EXPLAIN), read on request.
    public var inspection: Inspection?

    /// Which data the tables are built from: a new one whenever the snapshot, the derivations, the schema or the
    /// outbox policy is set, so the frames' `RenderCache` can tell by identity that its rows still hold.
    private(set) var revision = Revision()

    /// A token compared by identity (`===`): two models with the same one hold the same table data.
    final class Revision: Sendable {}

    /// An empty model.
    public init() {}

    /// This model showing a past frame's data under `revision` (the same one for as long as that frame is on
    /// screen, so its rows are built once).
    func showing(_ snapshot: Snapshot, _ derived: Derived?, revision: Revision) -> Model {
        var m = self
        (m.snapshot, m.derived, m.receivedAt, m.connection) = (snapshot, derived, nil, .connected)
        m.revision = revision
        return m
    }

    /// True when the data on screen is older than two intervals (the connection is down or slow).
    func isStale(now: Date, interval: Double) -> Bool {
        guard let r = receivedAt else { return false }
        return now.timeIntervalSince(r) > max(2 * interval, interval + 2)
    }

    /// The model after one refresh result.
    mutating func apply(_ event: RefreshEvent) {
        switch event {
        case .refreshed(let snap, let derived, let at):
            snapshot = snap
            self.derived = derived
            connection = .connected
            receivedAt = at
        case .failed(let error, let retryAt):
            connection = .reconnecting(error: error, retryAt: retryAt)
        }
    }
}
