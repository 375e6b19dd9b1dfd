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
    private var carry = Carry()
    private var arrivals = Arrivals()
    private var sizeRead: (at: ContinuousClock.Instant, bytes: Int64)?
    /// How often the database size is read (it walks the database directory).
    static let sizeEvery: Duration = .seconds(10)

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
            var locks: LockView?
            var sessionCount: Int?
            if hasSchema { locks = try run("locks") { try readLocks(c) } }
            snap.sessions = try run("sessions") { try readSessions(c, blockers: locks?.blockers ?? [], count: &sessionCount) }
            // client backends, this one included
            if let n = sessionCount { snap.server?.connections = n + 1 }
            if hasSchema {
                // Without the lock view there is no safe position: totals are read in full, probes unbounded.
                let safeEvents = locks?.safe("events") ?? .max, safeOutbox = locks?.safe("outbox") ?? .max
                let serverNow = snap.server?.now ?? now
                snap.pools = try run("pools") { try readPools(c) } ?? []
                snap.streams = try run("streams") { try readStreams(c, head: locks?.eventsHead ?? 0, safe: locks == nil ? nil : safeEvents) }
                var heads: [String: Int64]? = snap.streams.map { Dictionary($0.tenants.map { ($0.tenant, $0.headPosition) }, uniquingKeysWith: max) }
                let recorded = (locks?.schemaVersion ?? StoreSchema.currentVersion) >= 4
                var rows = try run("cursors") { try readCursorRows(c, recorded: recorded, statements: &statements) }
                if let r = rows, r.count > Queries.cursorLimit {
                    rows = Array(r.prefix(Queries.cursorLimit))
                    snap.errors.append(.init(panel: "cursors", reason: "cursors: more than \(Queries.cursorLimit) durable consumers; showing \(Queries.cursorLimit) of them", disabled: false))
                }
                if let rows, heads == nil {
                    heads = try run("cursors") { try readTenantHeads(c, tenants: Array(Set(rows.map(\.tenant))).sorted(), safe: safeEvents) }
                }
                let outRows = try run("outboxes") { try readOutboxRows(c) }
                let boxes = Dictionary((outRows ?? []).map { (OutboxKey(tenant: $0.tenant, kind: $0.kind), $0) }, uniquingKeysWith: { a, _ in a })
                var plan = planProbes(cursors: rows ?? [], outboxes: outRows ?? [], boxes: boxes, heads: heads ?? [:], safeEvents: safeEvents)
                if !plan.isEmpty {
                    _ = try run("probes") { try probe(c, &plan, boxes: boxes, safeEvents: safeEvents, safeOutbox: safeOutbox) }
                }
                lock.lock()
                carry.next = plan.known.next
                carry.oldest = plan.known.oldest
                lock.unlock()
                let probed = plan.known
                if let rows {
                    snap.cursors = rows.map { cursor($0, heads: heads ?? [:], boxes: boxes, held: locks?.consumerLocks ?? [], probed: probed, now: serverNow) }
                        .sorted { ($0.tenant, $0.name) < ($1.tenant, $1.name) }
                }
                if let outRows {
                    let watchers = rows == nil ? nil : Dictionary(grouping: snap.cursors.filter { $0.source == "outbox" }) {
                        OutboxKey(tenant: $0.tenant, kind: $0.kind ?? "")
                    }
                    snap.outboxes = outRows.map { b in
                        outbox(b, watchers: watchers.map { $0[OutboxKey(tenant: b.tenant, kind: b.kind)] ?? [] }, probed: probed)
                    }
                    if rows == nil {
                        snap.errors.append(.init(panel: "outboxes", reason: "outboxes: watcher positions unknown (the cursors panel failed): safe-to-prune shown as 0", disabled: false))
                    }
                }
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
        lock.lock()
        let cached = sizeRead.flatMap { ContinuousClock.now - $0.at < Collector.sizeEvery ? $0.bytes : nil }
        lock.unlock()
        let r = try c.query(Queries.server(withSize: cached == nil)).first!
        var bytes: Int64 = cached ?? 0
        if cached == nil {
            bytes = try r.decode(5)
            lock.lock(); sizeRead = (ContinuousClock.now, bytes); lock.unlock()
        }
        struct Rep: Decodable { let name: String?; let address: String?; let state: String?; let replay_lag: Double? }
        let reps = try JSONText(postgresText: try r.decode(9)).decode([Rep].self)
        return Snapshot.Server(
            version: String((try r.decode(0, as: String.self)).split(separator: " ").prefix(2).joined(separator: " ")),
            startedAt: try r.decode(1), connections: 0, maxConnections: try r.decode(2),
            transactions: try r.decodeOptional(4) ?? 0, databaseBytes: bytes, database: try r.decode(6),
            isStandby: try r.decode(7), replicas: reps.map { .init(name: $0.name ?? "", address: $0.address, state: $0.state ?? "", replayLagSeconds: $0.replay_lag) },
            now: try r.decode(8))
    }

    /// Heads of both logs and the advisory locks of in-flight appends and connected consumers.
    struct LockView {
        var eventsHead: Int64
        var outboxHead: Int64
        /// (log, pid, registered after position)
        var registrations: [(log: String, pid: Int32, after: Int64)]
        /// Keys of consumer locks held now (hashtext(tenant/name) as an unsigned 32-bit value).
        var consumerLocks: Set<Int64>
        /// When the store's schema was created and its version (a new value: everything carried is void).
        var epoch: String?
        /// The store's schema version (from `epoch`).
        var schemaVersion: Int? { epoch?.split(separator: " ").last.flatMap { Int($0) } }

        /// What safe_position() computes: the head, or just below the lowest registration still in flight.
        func safe(_ log: String) -> Int64 {
            let head = log == "events" ? eventsHead : outboxHead
            return registrations.filter { $0.log == log }.map(\.after).reduce(head, min)
        }

        /// The 20 lowest registrations of each log: the backends holding delivery back.
        var blockers: [Snapshot.DeliveryBlocker] {
            ["events", "outbox"].flatMap { log in
                registrations.filter { $0.log == log }.sorted { ($0.after, $0.pid) < ($1.after, $1.pid) }.prefix(20)
                    .map { Snapshot.DeliveryBlocker(log: log, pid: $0.pid, registeredAfter: $0.after, applicationName: nil, state: nil, transactionSeconds: nil) }
            }
        }
    }

    /// A registration's lock key holds the low 32 bits of the head it registered after; the position is the
    /// highest value at or below the head with those bits (as safe_position() computes it).
    static func registeredAfter(head: Int64, key: Int64) -> Int64 {
        let m: Int64 = 1 << 32
        return head - (((head - key) % m) + m) % m
    }

    func readLocks(_ c: Connection) throws -> LockView {
        let rows = try c.query(Queries.locks(schema.name)).rows
        var v = LockView(eventsHead: 0, outboxHead: 0, registrations: [], consumerLocks: [], epoch: nil)
        for r in rows {
            v.eventsHead = try r.decode(0)
            v.outboxHead = try r.decode(1)
            v.epoch = r[5]
            guard let kind = r[2] else { continue }
            let pid: Int32 = try r.decode(3), key: Int64 = try r.decode(4)
            switch kind {
            case "consumer": v.consumerLocks.insert(key)
            default: v.registrations.append((kind, pid, Collector.registeredAfter(head: kind == "events" ? v.eventsHead : v.outboxHead, key: key)))
            }
        }
        lock.lock()
        if carry.epoch != v.epoch { carry = Carry(); carry.epoch = v.epoch }
        lock.unlock()
        return v
    }

    func readSessions(_ c: Connection, blockers: [Snapshot.DeliveryBlocker], count: inout Int?) throws -> Snapshot.Sessions {
        let rows = try c.query(Queries.sessions()).rows
        count = try rows.first?.decode(12, as: Int.self) ?? 0
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

    /// Groups backends by parsed application_name (`SessionGroups.group`; kept for existing callers).
    static func group(_ backends: [Snapshot.Backend], blockers: [Snapshot.DeliveryBlocker], now: Date) -> Snapshot.Sessions {
        SessionGroups.group(backends, blockers: blockers, now: now)
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

    /// Streams with per-tenant totals kept up to date incrementally: after one full pass over the streams table,
    /// each snapshot reads only the events appended since the previous one (primary-key range). Falls back to the
    /// full pass when the store went backwards (restored, recreated) or too much happened in between.
    func readStreams(_ c: Connection, head: Int64, safe: Int64?) throws -> Snapshot.Streams {
        lock.lock()
        var totals = carry.totals, base = carry.base
        lock.unlock()
        if let b = base, safe == nil || b > safe! || safe! - b > Collector.incrementalLimit { base = nil }
        let r = try c.query(Queries.streams(schema.name, base: base, safe: safe ?? .max)).first!
        struct T: Decodable {
            let tenant: String; let head: Int64?; let events: Int64?; let streams: Int?; let last: String?
            let first: Int64?; let first_at: String?
        }
        struct S: Decodable { let tenant: String; let stream: String; let version: Int64; let head: Int64; let updated: String }
        let ts = try JSONText(postgresText: try r.decode(2)).decode([T].self)
        let ss = try JSONText(postgresText: try r.decode(1)).decode([S].self)
        var arrivals = Arrivals()
        if base == nil { totals = [:] } else {
            arrivals.valid = true
            arrivals.previousHeads = totals.mapValues(\.headPosition)
            for t in ts {
                if let f = t.first, let at = try t.first_at.map(Collector.jsonDate) { arrivals.first[t.tenant] = (f, at) }
            }
        }
        for t in ts {
            var x = totals[t.tenant] ?? Snapshot.TenantHead(tenant: t.tenant, headPosition: 0, events: 0, streams: 0, lastWriteAt: nil)
            x.events += t.events ?? 0
            x.streams += t.streams ?? 0
            x.headPosition = max(x.headPosition, t.head ?? 0)
            if let l = try t.last.map(Collector.jsonDate) { x.lastWriteAt = max(x.lastWriteAt ?? l, l) }
            totals[t.tenant] = x
        }
        lock.lock()
        carry.totals = totals
        carry.base = safe
        self.arrivals = arrivals
        lock.unlock()
        return Snapshot.Streams(
            headPosition: head, safePosition: safe ?? head, lastWriteAt: try r.decodeOptional(0),
            tenants: totals.values.sorted { $0.tenant < $1.tenant },
            mostActive: try ss.map { .init(tenant: $0.tenant, stream: $0.stream, version: $0.version, headPosition: $0.head,
                                           updatedAt: try Collector.jsonDate($0.updated)) })
    }

    /// What arrived since the previous snapshot: each tenant's head then, and its first new event. A consumer that
    /// stood at or past its tenant's previous head and before the first new event has exactly that event as its
    /// first unhandled one (no probe needed).
    struct Arrivals {
        var valid = false
        var previousHeads: [String: Int64] = [:]
        var first: [String: (position: Int64, at: Date)] = [:]
    }

    /// Beyond this many positions since the previous snapshot, the totals are recomputed in full.
    static let incrementalLimit: Int64 = 200_000

    func readTenantHeads(_ c: Connection, tenants: [String], safe: Int64) throws -> [String: Int64] {
        Dictionary(try c.query(Queries.tenantHeads(schema.name, tenants: tenants, safe: safe)).rows.map {
            (try $0.decode(0, as: String.self), try $0.decodeOptional(1, as: Int64.self) ?? 0)
        }, uniquingKeysWith: max)
    }

    /// json_build_object renders timestamptz as ISO 8601 with a T.
    static func jsonDate(_ s: String) throws -> Date { try Date(postgresText: s.replacingOccurrences(of: "T", with: " ")) }

    struct CursorKey: Hashable { let tenant: String; let name: String }
    struct OutboxKey: Hashable { let tenant: String; let kind: String }
    /// The first unhandled row of a consumer: valid while the consumer stays at `position` (and, for an outbox,
    /// while `pruned` is unchanged).
    struct NextRow { let position: Int64; let pruned: Int64; let at: Date }
    struct Oldest { let pruned: Int64; let at: Date; let id: Int64 }

    /// A consumer's row as stored.
    struct CursorRow {
        let tenant: String, name: String, source: String, kind: String?, position: Int64
        let ownerApplication: String?, ownerHost: String?, ownerPid: Int32?, ownerBackendPid: Int32?, lockKey: Int64
        let heartbeatAt: Date?, movedAt: Date?
        /// Whether the record below was made for the current position (not left behind by a position changed by hand).
        var recordCurrent = false
        /// What the consumer recorded when it last moved (schema version 4, `cursor_next`): its first unhandled row
        /// among the positions up to `nextChecked`, and for an outbox watcher the outbox's pruned count then.
        var nextPosition: Int64? = nil, nextAt: Date? = nil, nextChecked: Int64? = nil, nextPruned: Int64? = nil
        var key: CursorKey { CursorKey(tenant: tenant, name: name) }
    }

    struct OutboxRow { let tenant: String, kind: String, rows: Int64, head: Int64, appended: Int64, pruned: Int64 }

    /// What one snapshot carries to the next (see `Queries.probes`).
    struct Carry {
        var epoch: String?
        var base: Int64?
        var totals: [String: Snapshot.TenantHead] = [:]
        var next: [CursorKey: NextRow] = [:]
        var oldest: [OutboxKey: Oldest] = [:]
        var cursors: CursorCarry?
    }

    struct Probed {
        var next: [CursorKey: NextRow] = [:]
        var oldest: [OutboxKey: Oldest] = [:]
    }

    /// Every durable consumer, read incrementally: the rows that changed since the previous read, merged into the
    /// ones carried from it (`Queries.cursors`). Reads every row again when there is nothing to merge into, when a
    /// consumer was deleted (the count or the sum of lock keys differs), or when there are more than the bound.
    /// - Parameter statements: counts a second statement when one is sent.
    func readCursorRows(_ c: Connection, recorded: Bool = true, statements: inout Int) throws -> [CursorRow] {
        lock.lock()
        let previous = carry.cursors
        lock.unlock()
        func read(since: String?) throws -> (rows: [CursorRow], count: Int, keys: Int64, xmin: String) {
            let result = try c.query(Queries.cursors(schema.name, since: since, recorded: recorded)).rows
            let first = result.first!
            let rows = try result.compactMap { r -> CursorRow? in
                guard r[3] != nil else { return nil }
                return CursorRow(tenant: try r.decode(3), name: try r.decode(4), source: try r.decode(5), kind: r[6],
                                 position: try r.decode(7), ownerApplication: r[8], ownerHost: r[9],
                                 ownerPid: try r.decodeOptional(10), ownerBackendPid: try r.decodeOptional(11),
                                 lockKey: try r.decode(12), heartbeatAt: try r.decodeOptional(13), movedAt: try r.decodeOptional(14),
                                 recordCurrent: try r.decodeOptional(15) ?? false,
                                 nextPosition: try r.decodeOptional(16), nextAt: try r.decodeOptional(17),
                                 nextChecked: try r.decodeOptional(18), nextPruned: try r.decodeOptional(19))
            }
            return (rows, try first.decode(0), try first.decode(1), try first.decode(2))
        }
        let since = previous?.recorded == recorded ? previous?.xmin : nil
        var got = try read(since: since)
        if let previous, since != nil {
            var merged = previous.rows
            for r in got.rows { merged[r.key] = r }
            if got.count <= Queries.cursorLimit, merged.count == got.count, merged.values.reduce(0, { $0 + $1.lockKey }) == got.keys {
                lock.lock(); carry.cursors = CursorCarry(rows: merged, xmin: got.xmin, recorded: recorded); lock.unlock()
                return Array(merged.values)
            }
            // a consumer was deleted, or there are more than the bound: read them all
            statements += 1
            got = try read(since: nil)
        }
        let carried = got.count <= Queries.cursorLimit && !got.xmin.isEmpty && got.xmin.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
            ? CursorCarry(rows: Dictionary(got.rows.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a }), xmin: got.xmin, recorded: recorded) : nil
        lock.lock(); carry.cursors = carried; lock.unlock()
        return got.rows
    }

    /// The consumers as last read, and the oldest transaction running then (`Queries.cursors`).
    struct CursorCarry { var rows: [CursorKey: CursorRow]; var xmin: String; var recorded: Bool }

    func readOutboxRows(_ c: Connection) throws -> [OutboxRow] {
        try c.query(Queries.outboxes(schema.name)).rows.map {
            OutboxRow(tenant: try $0.decode(0), kind: try $0.decode(1), rows: try $0.decode(2), head: try $0.decode(3),
                      appended: try $0.decode(4), pruned: try $0.decode(5))
        }
    }

    /// What a snapshot knows without asking (answers carried from the previous one, first new events) and
    /// what it must probe.
    struct ProbePlan {
        var known = Probed()
        var events: [(tenant: String, name: String, position: Int64)] = []
        var watchers: [(tenant: String, name: String, kind: String, position: Int64)] = []
        var outboxes: [(tenant: String, kind: String)] = []
        var asked: [CursorKey: (position: Int64, pruned: Int64)] = [:]
        var isEmpty: Bool { events.isEmpty && watchers.isEmpty && outboxes.isEmpty }
    }

    /// Takes answers from the previous snapshot where they still hold; lists the rest for `probe`.
    func planProbes(cursors: [CursorRow], outboxes: [OutboxRow], boxes: [OutboxKey: OutboxRow], heads: [String: Int64],
                    safeEvents: Int64) -> ProbePlan {
        lock.lock()
        let old = carry, arrived = arrivals
        lock.unlock()
        var plan = ProbePlan()
        for r in cursors {
            let pos = r.position
            if r.source == "events" {
                let settledHead = min(heads[r.tenant] ?? 0, safeEvents)
                guard pos < settledHead else { continue }
                // Recorded by the consumer when it moved: its first unhandled event, settled then, so exact now.
                if r.recordCurrent, r.nextPosition != nil, let at = r.nextAt { plan.known.next[r.key] = NextRow(position: pos, pruned: 0, at: at); continue }
                if r.recordCurrent, r.nextPosition == nil, let checked = r.nextChecked {
                    // Nothing unhandled up to `checked` when it moved: the first unhandled event is the tenant's first
                    // after `upto`; none settled yet means no lag, and the events that arrived since the previous
                    // snapshot give it when nothing of the tenant lay between `upto` and them.
                    let upto = max(pos, checked)
                    if upto >= settledHead { continue }
                    if arrived.valid, (arrived.previousHeads[r.tenant] ?? 0) <= upto, let f = arrived.first[r.tenant], f.position > upto {
                        plan.known.next[r.key] = NextRow(position: pos, pruned: 0, at: f.at)
                        continue
                    }
                }
                if let n = old.next[r.key], n.position == pos { plan.known.next[r.key] = n; continue }
                if arrived.valid, let prev = arrived.previousHeads[r.tenant], pos >= prev,
                   let f = arrived.first[r.tenant], pos < f.position {
                    plan.known.next[r.key] = NextRow(position: pos, pruned: 0, at: f.at)
                    continue
                }
                plan.events.append((r.tenant, r.name, pos))
                plan.asked[r.key] = (pos, 0)
            } else {
                guard let kind = r.kind, let box = boxes[OutboxKey(tenant: r.tenant, kind: kind)], pos < box.head else { continue }
                // Recorded when it moved; void once the outbox was pruned since (the row may be gone).
                if r.recordCurrent, r.nextPruned == box.pruned, r.nextPosition != nil, let at = r.nextAt {
                    plan.known.next[r.key] = NextRow(position: pos, pruned: box.pruned, at: at)
                    continue
                }
                // Nothing unhandled up to `checked` when it moved (a prune since only removes rows).
                if r.recordCurrent, r.nextPosition == nil, let checked = r.nextChecked, max(pos, checked) >= box.head { continue }
                if let n = old.next[r.key], n.position == pos, n.pruned == box.pruned { plan.known.next[r.key] = n; continue }
                plan.watchers.append((r.tenant, r.name, kind, pos))
                plan.asked[r.key] = (pos, box.pruned)
            }
        }
        for b in outboxes where b.rows > 0 {
            let key = OutboxKey(tenant: b.tenant, kind: b.kind)
            if let o = old.oldest[key], o.pruned == b.pruned { plan.known.oldest[key] = o } else { plan.outboxes.append((b.tenant, b.kind)) }
        }
        return plan
    }

    /// One probe statement for what `planProbes` could not answer; the answers join `plan.known`.
    func probe(_ c: Connection, _ plan: inout ProbePlan, boxes: [OutboxKey: OutboxRow], safeEvents: Int64, safeOutbox: Int64) throws {
        for r in try c.query(Queries.probes(schema.name, events: plan.events, watchers: plan.watchers, outboxes: plan.outboxes,
                                            safeEvents: safeEvents, safeOutbox: safeOutbox)).rows {
            let t: String = try r.decode(0)
            guard let at = try r.decodeOptional(4, as: Date.self) else { continue }
            if t == "o" {
                let key = OutboxKey(tenant: try r.decode(1), kind: try r.decode(3))
                plan.known.oldest[key] = Oldest(pruned: boxes[key]?.pruned ?? 0, at: at, id: try r.decode(5))
            } else {
                let key = CursorKey(tenant: try r.decode(1), name: try r.decode(2))
                if let a = plan.asked[key] { plan.known.next[key] = NextRow(position: a.position, pruned: a.pruned, at: at) }
            }
        }
    }

    func cursor(_ r: CursorRow, heads: [String: Int64], boxes: [OutboxKey: OutboxRow], held: Set<Int64>, probed: Probed,
                now: Date) -> Snapshot.Cursor {
        let head: Int64 = r.source == "events" ? max(heads[r.tenant] ?? 0, 0)
            : r.kind.flatMap { boxes[OutboxKey(tenant: r.tenant, kind: $0)]?.head } ?? 0
        let next = probed.next[r.key]
        return Snapshot.Cursor(tenant: r.tenant, name: r.name, source: r.source, kind: r.kind,
                               position: r.position, head: head, lagEvents: max(0, head - r.position),
                               lagSeconds: next.map { max(0, now.timeIntervalSince($0.at)) } ?? 0,
                               ownerApplication: r.ownerApplication, ownerHost: r.ownerHost, ownerPid: r.ownerPid,
                               ownerBackendPid: r.ownerBackendPid, ownerConnected: held.contains(r.lockKey),
                               heartbeatAt: r.heartbeatAt, movedAt: r.movedAt)
    }

    /// One outbox from its head row, its oldest row (probed or carried) and its watchers (from the cursors).
    /// - Parameter watchers: its registered watchers; nil when the cursors panel failed (nothing counts as safe).
    func outbox(_ b: OutboxRow, watchers: [Snapshot.Cursor]?, probed: Probed) -> Snapshot.Outbox {
        let rows = b.rows, head = b.head
        let oldest = rows > 0 ? probed.oldest[OutboxKey(tenant: b.tenant, kind: b.kind)] : nil
        let slowest = watchers?.min { ($0.position, $0.name) < ($1.position, $1.name) }
        var safe: Int64 = rows
        if watchers == nil {
            safe = 0
        } else if watchers?.isEmpty == false {
            if let s = slowest?.position, let o = oldest?.id {
                // Rows up to the slowest watcher, in proportion to the id range (ids are not dense after prunes).
                safe = s < o ? 0 : head > o ? min(rows, Int64((Double(s - o + 1) / Double(head - o + 1) * Double(rows)).rounded())) : rows
            } else { safe = 0 }
        }
        return Snapshot.Outbox(tenant: b.tenant, kind: b.kind, rows: rows, headID: head, appendedTotal: b.appended,
                               oldestAt: oldest?.at, oldestID: oldest?.id, slowestWatcher: slowest?.name,
                               slowestWatcherPosition: slowest?.position, watchers: watchers?.count ?? 0,
                               safeToPruneEstimate: rows == 0 ? 0 : safe)
    }

    func readBookmarks(_ c: Connection) throws -> [Snapshot.Bookmark] {
        try c.query(Queries.bookmarks(schema.name)).rows.map {
            .init(tenant: try $0.decode(0), key: try $0.decode(1), updatedAt: try $0.decode(2))
        }
    }
}
