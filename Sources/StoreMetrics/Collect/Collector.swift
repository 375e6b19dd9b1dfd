import Foundation
import Logging
import StoreAccess

/// Reads snapshots of a live database through one StoreAccess connection (a pool of one, named
/// `st:storetop/monitor`, so it reconnects by itself and works behind PgBouncer). It only orchestrates: each
/// panel (`Collect/…Panel.swift`) owns one bounded statement under a statement timeout, its decoder and what it
/// carries to the next refresh (`CollectState`); a panel that hits a privilege error switches itself off and
/// says why, and the rest still works.
public final class Collector: @unchecked Sendable {
    /// The store's schema.
    public let schema: StoreSchema
    /// The pool of one connection the snapshots use.
    public let pool: Pool
    private let lock = NSLock()
    let disabled = DisabledPanels()
    /// What the panels carry from one snapshot to the next (snapshots are serialized by the pool of one).
    private var state = CollectState()
    /// pg_stat_statements is read at most this often (30-60 ms of server time with 5000 entries); snapshots between carry it.
    public var statementsInterval: Duration = .seconds(10)
    /// How long a snapshot spends counting lag (`LagPanel.budget`; nil: count every consumer, however long it takes).
    /// Consumers not reached show "lag not counted", and the next snapshot goes on with them.
    public var lagBudget: Duration? = LagPanel.budget
    /// At most this many ranges per lag statement (`LagPanel.chunkRanges`; tests lower it to see the budget work).
    var lagChunkRanges = LagPanel.chunkRanges
    /// Sessions of every database of the cluster (true) or of the store's database only (false, the default).
    public let allDatabases: Bool
    /// Panels not started within this time of a snapshot's start are not read.
    public let refreshDeadline: Duration
    /// statement_timeout and lock_timeout of every monitoring read (`Collector+Timeouts`).
    let timeouts: (statement: Duration, lock: Duration)
    /// Whether the server ignores the startup options that set them (a pooler): found on the first snapshot.
    let timeoutsPerTransaction = TimeoutMode()
    /// Which stores of other libraries to look for (`Collector+Foreign`).
    public let foreignDetection = ForeignDetection()

    /// - Parameters:
    ///   - statementTimeout: per statement (default 2 s); `lock_timeout` is 250 ms (a locked table costs one short wait).
    ///   - refreshDeadline: the whole snapshot (default 5 s): later panels are skipped and named in `errors`.
    public init(
        dsn: String, schema: String = StoreSchema.defaultName, statementTimeout: Duration = .seconds(2),
        refreshDeadline: Duration = .seconds(5), allDatabases: Bool = false,
        applicationName: ApplicationName = ApplicationName(service: "storetop", store: "monitor"),
        logger: Logger = Logger(label: "storetop.collector")
    ) throws {
        self.schema = try StoreSchema(schema)
        self.allDatabases = allDatabases
        self.refreshDeadline = refreshDeadline
        self.timeouts = (statementTimeout, .milliseconds(250))
        var c = PoolConfiguration(source: try ConnectionString(dsn), applicationName: applicationName)
        // one connection: snapshots are serialized, which the state carried by reference between them relies on
        // (`CursorsPanel.CarriedRows`)
        c.maxConnections = 1
        c.minConnections = 0
        c.statementTimeout = statementTimeout
        c.lockTimeout = timeouts.lock
        c.settings = ["jit": "off"]  // JIT cost a second or more per bounded read of a few rows (factstr cursors)
        c.acquireTimeout = .seconds(5)
        (c.reportInterval, c.connectTimeout) = (nil, 5)
        pool = try Pool(c, logger: logger)
    }

    /// Closes the connection.
    public func close() { pool.close() }

    /// Panels switched off (for a missing grant or object), with the reason; each is tried again after a minute.
    public var disabledPanels: [String: String] { disabled.all }

    /// Takes one snapshot. Throws only when the server cannot be reached at all (the caller shows
    /// "reconnecting"); panel failures are recorded in `errors`.
    public func snapshot(now: Date = Date()) throws -> Snapshot {
        try pool.withConnection { c in
            var run = PanelRun(takenAt: now, schema: schema, disabled: disabled, deadline: refreshDeadline)
            let t0 = ContinuousClock.now
            var state = lock.withLock { self.state }
            // what a panel carries is kept even when a later one loses the connection
            defer { lock.withLock { self.state = state } }
            try underTimeouts(c, &run) { try collect(c, &$0, &state, now: now) }
            run.snapshot.statements = run.statements
            run.snapshot.collectMilliseconds = t0.duration(to: .now).seconds * 1000
            return run.snapshot
        }
    }

    /// Server, schema, locks and sessions; the store panels when the schema is there.
    private func collect(_ c: Connection, _ run: inout PanelRun, _ state: inout CollectState, now: Date) throws {
        let name = schema.name
        (run.snapshot.server, run.snapshot.replication) = try run(ServerPanel.name) { try ServerPanel.read(c, carry: &state.size) } ?? (nil, nil)
        let found = try run(StorePanel.name) { try StorePanel.read(c, name) }
        if found == false { run.note(StorePanel.name, StorePanel.missing(name)) }
        var locks: LockView?
        if found == true {
            locks = try run(LocksPanel.name) { try LocksPanel.read(c, name) }
            if let locks { state.enter(epoch: locks.epoch) }
            if let newer = StorePanel.newer(locks?.schemaVersion) { run.note(StorePanel.name, newer) }
        }
        var count: Int?
        let clock = run.snapshot.clock, database = run.snapshot.server?.database
        run.snapshot.sessions = try run(SessionsPanel.name) {
            try SessionsPanel.read(c, blockers: locks?.blockers ?? [], all: allDatabases, database: database, now: clock, count: &count)
        }
        // client backends of the whole cluster, this one included
        if let count { run.snapshot.server?.connections = count }
        try collectStatements(c, &run, &state.statements)
        if found == true { try collectStore(c, &run, &state, locks: locks, now: now) }
        try collectForeign(c, &run, &state.foreign, now: now)
    }

    /// Pools, streams, consumers, outboxes (with probes), bookmarks, tenants.
    private func collectStore(_ c: Connection, _ run: inout PanelRun, _ state: inout CollectState, locks: LockView?, now: Date) throws {
        let name = schema.name
        // Without the lock view there is no safe position: totals are read in full, probes unbounded.
        let safeEvents = locks?.safe("events") ?? .max
        run.snapshot.pools = try run(PoolsPanel.name) { try PoolsPanel.read(c, name) } ?? []
        run.snapshot.streams = try run(StreamsPanel.name) {
            try StreamsPanel.read(
                c, name, head: locks?.eventsHead ?? 0, safe: locks == nil ? nil : safeEvents,
                carry: &state.streams, arrivals: &state.arrivals)
        }
        var heads = run.snapshot.streams.map { Dictionary($0.tenants.map { ($0.tenant, $0.headPosition) }, uniquingKeysWith: max) }
        let version = locks?.schemaVersion ?? StoreSchema.currentVersion
        let read = try run(CursorsPanel.name) { n in try CursorsPanel.read(c, name, version: version, carry: &state.cursors, statements: &n) }
        if let read, heads == nil {
            heads = try run(CursorsPanel.name) { try CursorsPanel.tenantHeads(c, name, tenants: read.tenants, safe: safeEvents) }
        }
        let outRows = try run(OutboxesPanel.name) { try OutboxesPanel.read(c, name) }
        let rows = keptConsumers(read, heads: heads ?? [:], outboxes: outRows ?? [], &run)
        try collectConsumers(
            c, &run, &state, rows: rows, outRows: outRows, heads: heads ?? [:], headsKnown: heads != nil, locks: locks, now: now)
        try collectLists(c, &run, schemaVersion: locks?.schemaVersion)
    }
}
