import Foundation
import Logging
import StoreAccess

/// Reads snapshots of a live database through one StoreAccess connection (a pool of one, named
/// `st:storetop/monitor`, so it reconnects by itself and works behind PgBouncer). Each panel is one bounded
/// statement under a statement timeout; a panel that hits a privilege error switches itself off and says why,
/// and the rest still works.
public final class Collector: @unchecked Sendable {
    public let schema: StoreSchema
    public let pool: Pool
    private let lock = NSLock()
    private var disabled: [String: String] = [:]

    /// - Parameters:
    ///   - statementTimeout: per statement (default 2 s).
    public init(dsn: String, schema: String = StoreSchema.defaultName, statementTimeout: Duration = .seconds(2),
                applicationName: ApplicationName = ApplicationName(service: "storetop", store: "monitor"),
                logger: Logger = Logger(label: "storetop.collector")) throws {
        self.schema = try StoreSchema(schema)
        var c = PoolConfiguration(source: try ConnectionString(dsn), applicationName: applicationName)
        c.maxConnections = 1
        c.minConnections = 0
        c.statementTimeout = statementTimeout
        c.acquireTimeout = .seconds(5)
        c.reportInterval = nil
        c.connectTimeout = 5
        pool = try Pool(c, logger: logger)
    }

    public func close() { pool.close() }

    /// Panels switched off for good, with the reason.
    public var disabledPanels: [String: String] { lock.lock(); defer { lock.unlock() }; return disabled }

    /// Takes one snapshot. Throws only when the server cannot be reached at all (the caller shows
    /// "reconnecting"); panel failures are recorded in `errors`.
    public func snapshot(now: Date = Date()) throws -> Snapshot {
        try pool.withConnection { c in
            var snap = Snapshot(takenAt: now)
            let t0 = ContinuousClock.now
            var statements = 0
            func run<T>(_ panel: String, _ body: () throws -> T) throws -> T? {
                lock.lock()
                let off = disabled[panel]
                lock.unlock()
                if let off { snap.errors.append(.init(panel: panel, reason: off, disabled: true)); return nil }
                do {
                    statements += 1
                    return try body()
                } catch let e as StoreError where e.isConnectionError {
                    throw e
                } catch let e as StoreError {
                    let permanent = e.isPrivilegeError || e.sqlState == "42P01" || e.sqlState == "42883" || e.sqlState == "3F000"
                    let reason = Collector.explain(panel, e, schema: schema)
                    if permanent { lock.lock(); disabled[panel] = reason; lock.unlock() }
                    snap.errors.append(.init(panel: panel, reason: reason, disabled: permanent))
                    return nil
                }
            }
            snap.server = try run("server") { try readServer(c) }
            let found = try run("store") { try c.query(Queries.schemaVersion(schema.name)).first?.decode(0, as: Bool.self) ?? false }
            let hasSchema = found ?? false
            if found == false {
                snap.errors.append(.init(panel: "store", reason: "schema \(schema.name) not found in this database (or not visible to this role): store panels are off", disabled: false))
            }
            var blockers: [Snapshot.DeliveryBlocker] = []
            if hasSchema {
                blockers = try run("blockers") { try readBlockers(c) } ?? []
            }
            snap.sessions = try run("sessions") { try readSessions(c, blockers: blockers) }
            if hasSchema {
                snap.pools = try run("pools") { try readPools(c) } ?? []
                snap.streams = try run("streams") { try readStreams(c) }
                snap.cursors = try run("cursors") { try readCursors(c) } ?? []
                snap.outboxes = try run("outboxes") { try readOutboxes(c) } ?? []
                snap.bookmarks = try run("bookmarks") { try readBookmarks(c) } ?? []
                snap.tenants = try run("tenants") { try c.query(Queries.tenants(schema.name)).rows.map { try $0.decode(0, as: String.self) } } ?? []
            }
            snap.statements = statements
            snap.collectMilliseconds = t0.duration(to: .now).seconds * 1000
            return snap
        }
    }

    static func explain(_ panel: String, _ e: StoreError, schema: StoreSchema) -> String {
        if e.isPrivilegeError {
            return "\(panel): permission denied (\(e.message)); grant the monitoring role pg_monitor and SELECT on schema \(schema.name) (docs/operations.md)"
        }
        if e.code == .timeout { return "\(panel): statement timeout (\(e.message))" }
        return "\(panel): \(e.message)"
    }

    // MARK: panels

    func readServer(_ c: Connection) throws -> Snapshot.Server {
        let r = try c.query(Queries.server()).first!
        struct Rep: Decodable { let name: String?; let address: String?; let state: String?; let replay_lag: Double? }
        let reps = try JSONText(postgresText: try r.decode(9)).decode([Rep].self)
        return Snapshot.Server(
            version: String((try r.decode(0, as: String.self)).split(separator: " ").prefix(2).joined(separator: " ")),
            startedAt: try r.decode(1), connections: try r.decode(3), maxConnections: try r.decode(2),
            transactions: try r.decodeOptional(4) ?? 0, databaseBytes: try r.decode(5), database: try r.decode(6),
            isStandby: try r.decode(7), replicas: reps.map { .init(name: $0.name ?? "", address: $0.address, state: $0.state ?? "", replayLagSeconds: $0.replay_lag) },
            now: try r.decode(8))
    }

    func readBlockers(_ c: Connection) throws -> [Snapshot.DeliveryBlocker] {
        try c.query(Queries.blockers(schema.name)).rows.map {
            .init(log: try $0.decode(0), pid: try $0.decode(1), registeredAfter: try $0.decode(2),
                  applicationName: nil, state: nil, transactionSeconds: nil)
        }
    }

    func readSessions(_ c: Connection, blockers: [Snapshot.DeliveryBlocker]) throws -> Snapshot.Sessions {
        let rows = try c.query(Queries.sessions()).rows
        let backends: [Snapshot.Backend] = try rows.map { r in
            let blocked = (r[10] ?? "{}").trimmingCharacters(in: CharacterSet(charactersIn: "{}"))
                .split(separator: ",").compactMap { Int32($0) }
            return Snapshot.Backend(pid: try r.decode(0), applicationName: try r.decode(1), user: r[2], state: try r.decode(3),
                                    waitEventType: r[4], waitEvent: r[5], queryStart: try r.decodeOptional(6),
                                    transactionStart: try r.decodeOptional(7), stateChange: try r.decodeOptional(8),
                                    xminAge: try r.decodeOptional(9), blockedBy: blocked, query: r[11] ?? "")
        }
        return Collector.group(backends, blockers: blockers, now: Date())
    }

    /// Groups backends by parsed application_name; StoreAccess sessions by (service, store, tenant), the rest
    /// by their raw name as "other clients".
    static func group(_ backends: [Snapshot.Backend], blockers: [Snapshot.DeliveryBlocker], now: Date) -> Snapshot.Sessions {
        struct Key: Hashable { let service: String; let store: String; let tenant: String?; let other: Bool }
        var groups: [Key: Snapshot.SessionGroup] = [:]
        for b in backends {
            let key: Key
            if let n = ApplicationName.parse(b.applicationName) {
                key = Key(service: n.service, store: n.store, tenant: n.tenant, other: false)
            } else {
                key = Key(service: b.applicationName.isEmpty ? "(no name)" : b.applicationName, store: "", tenant: nil, other: true)
            }
            var g = groups[key] ?? Snapshot.SessionGroup(service: key.service, store: key.store, tenant: key.tenant, other: key.other,
                                                          total: 0, active: 0, idle: 0, idleInTransaction: 0, waiting: 0)
            g.total += 1
            switch b.state {
            case "active": g.active += 1
            case "idle": g.idle += 1
            case "idle in transaction", "idle in transaction (aborted)":
                g.idleInTransaction += 1
                if let sc = b.stateChange { g.longestIdleInTransactionSeconds = max(g.longestIdleInTransactionSeconds ?? 0, now.timeIntervalSince(sc)) }
            default: break
            }
            if b.waitEventType == "Lock" { g.waiting += 1 }
            if b.state == "active", let qs = b.queryStart { g.longestQuerySeconds = max(g.longestQuerySeconds ?? 0, now.timeIntervalSince(qs)) }
            if let xs = b.transactionStart { g.oldestTransactionSeconds = max(g.oldestTransactionSeconds ?? 0, now.timeIntervalSince(xs)) }
            groups[key] = g
        }
        let sorted = groups.values.sorted { ($0.other ? 1 : 0, $0.service, $0.store, $0.tenant ?? "") < ($1.other ? 1 : 0, $1.service, $1.store, $1.tenant ?? "") }
        let xmin = backends.filter { $0.xminAge != nil }.max { ($0.xminAge ?? 0) < ($1.xminAge ?? 0) }
        let byPID = Dictionary(backends.map { ($0.pid, $0) }, uniquingKeysWith: { a, _ in a })
        let enriched = blockers.map { bl -> Snapshot.DeliveryBlocker in
            var x = bl
            if let b = byPID[bl.pid] {
                x.applicationName = b.applicationName
                x.state = b.state
                x.transactionSeconds = b.transactionStart.map { now.timeIntervalSince($0) }
            }
            return x
        }
        return Snapshot.Sessions(groups: sorted, backends: backends, xminHolder: xmin, deliveryBlockers: enriched)
    }

    func readPools(_ c: Connection) throws -> [Snapshot.Pool] {
        try c.query(Queries.pools(schema.name)).rows.map { r in
            let interval: Int = try r.decode(7)
            let age: Double = try r.decode(8)
            return Snapshot.Pool(host: try r.decode(0), pid: try r.decode(1), startedAt: try r.decode(2), applicationName: try r.decode(3),
                                 service: try r.decode(4), store: try r.decode(5), tenant: try r.decode(6), intervalMilliseconds: interval,
                                 reportAgeSeconds: age, size: try r.decode(9), idle: try r.decode(10), inUse: try r.decode(11),
                                 waiting: try r.decode(12), maxSize: try r.decode(13), peakInUse: try r.decode(14),
                                 acquisitionsTotal: try r.decode(15), timeoutsTotal: try r.decode(16),
                                 connectionErrorsTotal: try r.decode(17), acquireMeanMilliseconds: try r.decode(18),
                                 acquireP99Milliseconds: try r.decode(19), stale: age * 1000 > Double(3 * interval))
        }
    }

    func readStreams(_ c: Connection) throws -> Snapshot.Streams {
        let r = try c.query(Queries.streams(schema.name)).first!
        struct T: Decodable { let tenant: String; let head: Int64?; let events: Int64?; let streams: Int?; let last: String? }
        struct S: Decodable { let tenant: String; let stream: String; let version: Int64; let head: Int64; let updated: String }
        let ts = try JSONText(postgresText: try r.decode(3)).decode([T].self)
        let ss = try JSONText(postgresText: try r.decode(4)).decode([S].self)
        return Snapshot.Streams(
            headPosition: try r.decode(0), safePosition: try r.decode(1), lastWriteAt: try r.decodeOptional(2),
            tenants: try ts.map { .init(tenant: $0.tenant, headPosition: $0.head ?? 0, events: $0.events ?? 0, streams: $0.streams ?? 0,
                                        lastWriteAt: try $0.last.map(Collector.jsonDate)) },
            mostActive: try ss.map { .init(tenant: $0.tenant, stream: $0.stream, version: $0.version, headPosition: $0.head,
                                           updatedAt: try Collector.jsonDate($0.updated)) })
    }

    /// json_build_object renders timestamptz as ISO 8601 with a T.
    static func jsonDate(_ s: String) throws -> Date { try Date(postgresText: s.replacingOccurrences(of: "T", with: " ")) }

    func readCursors(_ c: Connection) throws -> [Snapshot.Cursor] {
        try c.query(Queries.cursors(schema.name)).rows.map { r in
            let pos: Int64 = try r.decode(4), head: Int64 = try r.decode(5)
            return Snapshot.Cursor(tenant: try r.decode(0), name: try r.decode(1), source: try r.decode(2), kind: r[3],
                                   position: pos, head: head, lagEvents: max(0, head - pos),
                                   lagSeconds: max(0, try r.decodeOptional(6, as: Double.self) ?? 0),
                                   ownerApplication: r[7], ownerHost: r[8], ownerPid: try r.decodeOptional(9),
                                   ownerBackendPid: try r.decodeOptional(10), ownerConnected: try r.decode(11),
                                   heartbeatAt: try r.decodeOptional(12), movedAt: try r.decodeOptional(13))
        }
    }

    func readOutboxes(_ c: Connection) throws -> [Snapshot.Outbox] {
        try c.query(Queries.outboxes(schema.name)).rows.map { r in
            let rows: Int64 = try r.decode(2), head: Int64 = try r.decode(3)
            let oldestID: Int64? = try r.decodeOptional(6)
            let slowest: Int64? = try r.decodeOptional(8)
            let watchers: Int = try r.decode(9)
            var safe: Int64 = rows
            if watchers > 0 {
                if let s = slowest, let o = oldestID, head > o {
                    safe = s < o ? 0 : min(rows, Int64((Double(s - o + 1) / Double(head - o + 1) * Double(rows)).rounded()))
                } else if slowest == nil || oldestID == nil { safe = 0 }
            }
            return Snapshot.Outbox(tenant: try r.decode(0), kind: try r.decode(1), rows: rows, headID: head,
                                   appendedTotal: try r.decode(4), oldestAt: try r.decodeOptional(5), oldestID: oldestID,
                                   slowestWatcher: r[7], slowestWatcherPosition: slowest, watchers: watchers,
                                   safeToPruneEstimate: rows == 0 ? 0 : safe)
        }
    }

    func readBookmarks(_ c: Connection) throws -> [Snapshot.Bookmark] {
        try c.query(Queries.bookmarks(schema.name)).rows.map {
            .init(tenant: try $0.decode(0), key: try $0.decode(1), updatedAt: try $0.decode(2))
        }
    }
}
