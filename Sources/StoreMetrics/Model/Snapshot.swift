import Foundation

/// One reading of a live store database: immutable, taken by `Collector.snapshot()`. Figures that are estimates
/// say so in their name (`…Estimate`). Rates and statuses are not here: they come from two or more snapshots
/// (`History.add` → `Derived`).
public struct Snapshot: Sendable, Codable, Equatable {
    /// When the snapshot was taken (the caller's clock; ages on the server use `server.now`).
    public var takenAt: Date
    /// The server panel (nil when it failed).
    public var server: Server?
    /// The sessions panel (nil when it failed).
    public var sessions: Sessions?
    /// The pools that reported themselves.
    public var pools: [Pool]
    /// The event log (nil when the streams panel failed or there is no store).
    public var streams: Streams?
    /// Every durable consumer, by tenant and name.
    public var cursors: [Cursor]
    /// Every outbox, by tenant and kind.
    public var outboxes: [Outbox]
    /// The stalest bookmarks.
    public var bookmarks: [Bookmark]
    /// The registered tenants.
    public var tenants: [String]
    /// Parked events (schema version 9; nil before, or when the panel failed): `Snapshot+Parked.swift`.
    public var parked: [Parked]?
    /// Standbys, slots and (on a standby) its receiver, from the server panel's statement (nil when it failed).
    public var replication: Replication?
    /// Stores of other libraries in the database (factstr, eventcore, zestor, faucet-state, axon); nil when
    /// detection is off.
    public var foreign: [ForeignStore]?
    /// pg_stat_statements, its most expensive entries (`Snapshot+Statements.swift`); nil when the extension is not
    /// installed in the database (or the panel failed: then `errors` says why).
    public var statementStatistics: Statements?
    /// Panels that could not be read, and why (privilege, timeout, missing schema).
    public var errors: [PanelError]
    /// Statements the snapshot ran, and the time the server spent on them (ms, measured by the collector).
    public var statements: Int
    /// Milliseconds the collector spent on the snapshot.
    public var collectMilliseconds: Double

    /// The one instant every age of the snapshot is measured at: the server's clock when the server panel read it
    /// (`server.now`, so ages agree with SQL's `now()` whatever the client's clock says), else `takenAt`.
    public var clock: Date { server?.now ?? takenAt }

    /// An empty snapshot taken at `takenAt` (the collector fills in the panels).
    public init(takenAt: Date) {
        self.takenAt = takenAt
        pools = []; cursors = []; outboxes = []; bookmarks = []; tenants = []; errors = []
        statements = 0; collectMilliseconds = 0
    }

    /// A panel that could not be read.
    public struct PanelError: Sendable, Codable, Equatable {
        /// The panel (`server`, `sessions`, `cursors`, …).
        public var panel: String
        /// Why, in words, with the grant to add when a privilege is missing.
        public var reason: String
        /// True when the panel is switched off for good (privilege), false for a one-off (timeout).
        public var disabled: Bool
    }
}
