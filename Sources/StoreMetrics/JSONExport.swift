import Foundation

/// The document `storetop snapshot --json` prints (DESIGN contract 7, docs/snapshot.md): exactly the top-level
/// keys `taken_at, server, sessions, pools, streams, cursors, outboxes, bookmarks, tenants, errors`, snake_case,
/// dates in ISO 8601. Cursors and outboxes carry derived figures (status, rates) when two snapshots were taken.
public enum JSONExport {
    struct Document: Encodable {
        let takenAt: Date
        let server: Snapshot.Server?
        let sessions: Snapshot.Sessions?
        let pools: [Snapshot.Pool]
        let streams: StreamsOut?
        let cursors: [CursorOut]
        let outboxes: [OutboxOut]
        let bookmarks: [BookmarkOut]
        let tenants: [TenantOut]
        let errors: [Snapshot.PanelError]
    }

    struct StreamsOut: Encodable {
        let headPosition: Int64
        let safePosition: Int64
        let lastWriteAt: Date?
        let appendRatePerSecond: Double?
        let tenants: [Snapshot.TenantHead]
        let mostActive: [Snapshot.StreamHead]
    }

    struct CursorOut: Encodable {
        let cursor: Snapshot.Cursor
        let status: String?
        let reason: String?
        let consumeRatePerSecond: Double?
        let catchUpSeconds: Double?
        func encode(to encoder: Encoder) throws {
            try cursor.encode(to: encoder)
            var c = encoder.container(keyedBy: K.self)
            try c.encodeIfPresent(status, forKey: .status)
            try c.encodeIfPresent(reason, forKey: .reason)
            try c.encodeIfPresent(consumeRatePerSecond, forKey: .consumeRatePerSecond)
            try c.encodeIfPresent(catchUpSeconds, forKey: .catchUpSeconds)
        }
        enum K: String, CodingKey { case status, reason, consumeRatePerSecond, catchUpSeconds }
    }

    struct OutboxOut: Encodable {
        let outbox: Snapshot.Outbox
        let oldestAgeSeconds: Double?
        let growthRowsPerSecond: Double?
        func encode(to encoder: Encoder) throws {
            try outbox.encode(to: encoder)
            var c = encoder.container(keyedBy: K.self)
            try c.encodeIfPresent(oldestAgeSeconds, forKey: .oldestAgeSeconds)
            try c.encodeIfPresent(growthRowsPerSecond, forKey: .growthRowsPerSecond)
        }
        enum K: String, CodingKey { case oldestAgeSeconds, growthRowsPerSecond }
    }

    struct BookmarkOut: Encodable {
        let tenant: String
        let key: String
        let updatedAt: Date
        let ageSeconds: Double
    }

    struct TenantOut: Encodable {
        let tenant: String
        let sessions: Int
        let pools: Int
        let events: Int64
        let appendRatePerSecond: Double?
        let worstLagEvents: Int64
        let worstLagSeconds: Double
        let worstStatus: String
        let outboxRows: Int64
        let oldestOutboxAgeSeconds: Double?
    }

    /// Encodes `snapshot` (with `derived`, when available) as the snapshot document.
    public static func encode(_ snapshot: Snapshot, derived: Derived? = nil, pretty: Bool = true) throws -> String {
        let now = snapshot.takenAt
        let doc = Document(
            takenAt: snapshot.takenAt, server: snapshot.server, sessions: snapshot.sessions, pools: snapshot.pools,
            streams: snapshot.streams.map { StreamsOut(headPosition: $0.headPosition, safePosition: $0.safePosition, lastWriteAt: $0.lastWriteAt,
                                                      appendRatePerSecond: derived?.appendRate, tenants: $0.tenants, mostActive: $0.mostActive) },
            cursors: snapshot.cursors.map { c in
                let h = derived?.cursors[.init(tenant: c.tenant, name: c.name)]
                return CursorOut(cursor: c, status: h?.status.rawValue, reason: h?.reason, consumeRatePerSecond: h?.consumeRate, catchUpSeconds: h?.catchUpSeconds)
            },
            outboxes: snapshot.outboxes.map { o in
                OutboxOut(outbox: o, oldestAgeSeconds: o.oldestAt.map { now.timeIntervalSince($0) },
                          growthRowsPerSecond: derived?.outboxGrowth[.init(tenant: o.tenant, kind: o.kind)])
            },
            bookmarks: snapshot.bookmarks.map { BookmarkOut(tenant: $0.tenant, key: $0.key, updatedAt: $0.updatedAt, ageSeconds: now.timeIntervalSince($0.updatedAt)) },
            tenants: TenantSummary.build(snapshot, derived).map {
                TenantOut(tenant: $0.tenant, sessions: $0.sessions, pools: $0.pools, events: $0.events, appendRatePerSecond: $0.appendRate,
                          worstLagEvents: $0.worstLagEvents, worstLagSeconds: $0.worstLagSeconds, worstStatus: $0.worstStatus.rawValue,
                          outboxRows: $0.outboxRows, oldestOutboxAgeSeconds: $0.oldestOutboxAge)
            },
            errors: snapshot.errors)
        let enc = JSONEncoder()
        enc.keyEncodingStrategy = .convertToSnakeCase
        enc.dateEncodingStrategy = .custom { d, e in
            var c = e.singleValueContainer()
            let f = ISO8601DateFormatter()
            f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            try c.encode(f.string(from: d))
        }
        enc.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        enc.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: try enc.encode(doc), as: UTF8.self)
    }
}

/// One row per tenant, aggregating every panel (the Overview and the tenant drill-in).
public struct TenantSummary: Sendable, Equatable {
    public var tenant: String
    public var sessions: Int
    public var pools: Int
    public var events: Int64
    public var appendRate: Double?
    public var worstLagEvents: Int64
    public var worstLagSeconds: Double
    public var worstStatus: LagStatus
    public var worstConsumer: String?
    public var outboxRows: Int64
    public var oldestOutboxAge: Double?
    public var bookmarks: Int

    /// Order of badness, for "worst".
    public static let severity: [LagStatus: Int] = [.ok: 0, .lagging: 1, .rewound: 2, .stalled: 3, .stopped: 4]

    /// Builds the per-tenant rows from a snapshot (and its derivations). Groups every panel by tenant once, so
    /// the cost is linear in rows (a dashboard calls this on every frame).
    public static func build(_ s: Snapshot, _ d: Derived?) -> [TenantSummary] {
        var names = Set(s.tenants)
        let groups = Dictionary(grouping: s.sessions?.groups.filter { $0.tenant != nil } ?? [], by: { $0.tenant! })
        groups.keys.forEach { names.insert($0) }
        let pools = Dictionary(grouping: s.pools, by: \.tenant)
        let cursors = Dictionary(grouping: s.cursors, by: \.tenant)
        let outboxes = Dictionary(grouping: s.outboxes, by: \.tenant)
        let bookmarks = Dictionary(grouping: s.bookmarks, by: \.tenant)
        let heads = Dictionary(s.streams?.tenants.map { ($0.tenant, $0.events) } ?? [], uniquingKeysWith: { a, _ in a })
        var out: [TenantSummary] = []
        out.reserveCapacity(names.count)
        for t in names.sorted() {
            var row = TenantSummary(tenant: t, sessions: 0, pools: 0, events: 0, appendRate: d?.tenantAppendRate[t], worstLagEvents: 0,
                                    worstLagSeconds: 0, worstStatus: .ok, worstConsumer: nil, outboxRows: 0, oldestOutboxAge: nil, bookmarks: 0)
            row.sessions = groups[t]?.reduce(0) { $0 + $1.total } ?? 0
            row.pools = pools[t]?.count ?? 0
            row.events = heads[t] ?? 0
            for c in cursors[t] ?? [] {
                let st = d?.cursors[Derived.CursorKey(tenant: t, name: c.name)]?.status ?? (c.lagEvents > 0 && !c.ownerConnected ? .stopped : .ok)
                if severity[st]! > severity[row.worstStatus]! || (st == row.worstStatus && c.lagEvents > row.worstLagEvents) {
                    row.worstStatus = st
                    row.worstConsumer = c.name
                }
                row.worstLagEvents = max(row.worstLagEvents, c.lagEvents)
                row.worstLagSeconds = max(row.worstLagSeconds, c.lagSeconds)
            }
            for o in outboxes[t] ?? [] {
                row.outboxRows += o.rows
                if let at = o.oldestAt, o.rows > 0 { row.oldestOutboxAge = max(row.oldestOutboxAge ?? 0, s.takenAt.timeIntervalSince(at)) }
            }
            row.bookmarks = bookmarks[t]?.count ?? 0
            out.append(row)
        }
        return out
    }
}
