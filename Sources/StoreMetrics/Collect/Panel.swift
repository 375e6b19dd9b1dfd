import StoreAccess

/// The shape of every panel the collector runs: a name (in `Snapshot.errors` and `Collector.disabledPanels`),
/// its statements (in the panel's own file, as pg_activity keeps one statement per file), a decoder by column
/// name, a `read` that sends the statement and decodes, and — when the panel reads incrementally — a `Carry`
/// value that the collector keeps for the next refresh. Decisions that need no I/O (the probe plan, assembling
/// consumers and outboxes) are pure functions beside them.
protocol Panel {
    /// The panel's name in errors and in `Collector.disabledPanels`.
    static var name: String { get }
    /// Every statement the panel can send, with sample arguments (a test runs each against a real schema).
    static func statements(_ schema: Identifier) -> [SQL]
}

/// Every panel, in the order the collector runs them.
enum Panels {
    /// The panel types, in running order.
    static var all: [any Panel.Type] {
        [
            ServerPanel.self, StorePanel.self, LocksPanel.self, SessionsPanel.self, StatementsPanel.self, PoolsPanel.self, StreamsPanel.self,
            CursorsPanel.self, OutboxesPanel.self, LagPanel.self, ProbesPanel.self, BookmarksPanel.self, TenantsPanel.self,
            ParkedPanel.self,
        ]
    }

    /// Every statement of every panel (sample arguments).
    static func statements(_ schema: Identifier) -> [SQL] { all.flatMap { $0.statements(schema) } }
}

/// What the collector carries from one snapshot to the next, panel by panel. Everything but the database size
/// and the arrivals is void when the store's epoch changes (dropped and created again, or migrated).
struct CollectState: Sendable {
    /// The database size and when it was read (`ServerPanel`).
    var size: ServerPanel.Carry?
    /// When the store's schema was created, and its version (`LocksPanel`).
    var epoch: String?
    /// Per-tenant totals up to the last safe position (`StreamsPanel`).
    var streams = StreamsPanel.Carry()
    /// What arrived since the previous snapshot (`StreamsPanel`, read by the `ProbePlanner`).
    var arrivals = Arrivals()
    /// The consumers as last read (`CursorsPanel`).
    var cursors: CursorsPanel.Carry?
    /// Answers of probes that still hold (`ProbePlanner`, `ProbesPanel`).
    var answers = ProbeAnswers()
    /// Each consumer's lag as last counted (`LagPlanner`, `LagPanel`).
    var lag: [CursorKey: LagCarry] = [:]
    /// The foreign stores found, and what their statuses need (`Collector+Foreign`).
    var foreign = ForeignCarry()
    /// The last pg_stat_statements read and when it was made (`StatementsPanel`).
    var statements: StatementsPanel.Carry?

    /// Voids what was carried when the store's epoch changed.
    mutating func enter(epoch: String?) {
        guard epoch != self.epoch else { return }
        streams = StreamsPanel.Carry()
        cursors = nil
        answers = ProbeAnswers()
        lag = [:]
        self.epoch = epoch
    }
}
