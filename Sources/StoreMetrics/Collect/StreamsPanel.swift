import Foundation
import StoreAccess

/// The streams panel: last write, the most active streams, and per-tenant totals kept up to date
/// incrementally: after one full pass over the streams table, each snapshot reads only the events appended
/// since the previous one (primary-key range). Falls back to the full pass when the store went backwards
/// (restored, recreated) or too much happened in between.
enum StreamsPanel: Panel {
    static let name = "streams"
    /// Beyond this many positions since the previous snapshot, the totals are recomputed in full.
    static let incrementalLimit: Int64 = 200_000

    /// The totals up to `base`, the safe position of the previous read.
    struct Carry: Sendable {
        var base: Int64?
        var totals: [String: Snapshot.TenantHead] = [:]
    }

    static func statements(_ schema: Identifier) -> [SQL] { [statement(schema, base: nil, safe: 0), statement(schema, base: 0, safe: 0)] }

    /// Reads the panel, advancing `carry` to `safe` and recording in `arrivals` what arrived since the previous read.
    /// - Parameter safe: the events' safe position; nil when the lock view failed (totals then read in full).
    static func read(
        _ c: Connection, _ schema: Identifier, head: Int64, safe: Int64?, carry: inout Carry,
        arrivals: inout Arrivals
    ) throws -> Snapshot.Streams {
        var totals = carry.totals, base = carry.base
        if let b = base, safe == nil || b > safe! || safe! - b > incrementalLimit { base = nil }
        let rows = try c.query(statement(schema, base: base, safe: safe ?? .max)).rows
        guard let r = rows.first(where: { $0["i"] == nil || $0["i"] == "1" }) else {
            throw StoreError(.decoding, "metrics.streams: no row carries the panel's columns")
        }
        let ts = try rows.compactMap(TenantRow.init)
        let ss = try JSONText(postgresText: try r.decode("most_active")).decode([StreamRow].self)
        var arrived = Arrivals()
        if base == nil {
            totals = [:]
        } else {
            arrived.valid = true
            arrived.previousHeads = totals.mapValues(\.headPosition)
            for t in ts {
                if let f = t.first, let at = t.firstAt { arrived.first[t.tenant] = (f, at) }
            }
        }
        for t in ts {
            var x = totals[t.tenant] ?? Snapshot.TenantHead(tenant: t.tenant, headPosition: 0, events: 0, streams: 0, lastWriteAt: nil)
            x.events += t.events ?? 0
            x.streams += t.streams ?? 0
            x.headPosition = max(x.headPosition, t.head ?? 0)
            if let l = t.last { x.lastWriteAt = max(x.lastWriteAt ?? l, l) }
            totals[t.tenant] = x
        }
        carry = Carry(base: safe, totals: totals)
        let waiting = try JSONText(postgresText: try r.decode("waiting")).decode([WaitingRow].self)
        for w in waiting {
            var x = totals[w.tenant] ?? Snapshot.TenantHead(tenant: w.tenant, headPosition: 0, events: 0, streams: 0, lastWriteAt: nil)
            x.waitingEvents = w.events
            if let l = try w.last.map(jsonDate) { x.lastWriteAt = max(x.lastWriteAt ?? l, l) }
            totals[w.tenant] = x
        }
        arrivals = arrived
        return Snapshot.Streams(
            headPosition: head, safePosition: safe ?? head, lastWriteAt: try r.decodeOptional("last_write"),
            tenants: totals.values.sorted { $0.tenant < $1.tenant },
            mostActive: try ss.map {
                .init(
                    tenant: $0.tenant, stream: $0.stream, version: $0.version, headPosition: $0.head,
                    updatedAt: try jsonDate($0.updated))
            })
    }

    /// A tenant's totals, one result row each (the `first…` columns only in the incremental form); nil for the
    /// one row with no tenant.
    struct TenantRow {
        let tenant: String, head: Int64?, events: Int64?, streams: Int?, last: Date?
        let first: Int64?, firstAt: Date?

        init?(_ r: Row) throws {
            guard let tenant = r["tenant"] else { return nil }
            self.tenant = tenant
            (head, events, streams) = (try r.decodeOptional("head"), try r.decodeOptional("events"), try r.decodeOptional("streams"))
            (last, first, firstAt) = (try r.decodeOptional("last"), try r.decodeOptional("first"), try r.decodeOptional("first_at"))
        }
    }

    /// A tenant's events committed above the safe position, in the `waiting` column.
    struct WaitingRow: Decodable { let tenant: String; let events: Int64; let last: String? }

    /// A stream in the `most_active` column.
    struct StreamRow: Decodable { let tenant: String; let stream: String; let version: Int64; let head: Int64; let updated: String }

    /// json_build_object renders timestamptz as ISO 8601 with a T.
    static func jsonDate(_ s: String) throws -> Date { try Date(postgresText: s.replacingOccurrences(of: "T", with: " ")) }
}

/// What arrived since the previous snapshot: each tenant's head then, and its first new event. A consumer that
/// stood at or past its tenant's previous head and before the first new event has exactly that event as its
/// first unhandled one (no probe needed).
struct Arrivals: Sendable {
    var valid = false
    var previousHeads: [String: Int64] = [:]
    var first: [String: (position: Int64, at: Date)] = [:]
}
