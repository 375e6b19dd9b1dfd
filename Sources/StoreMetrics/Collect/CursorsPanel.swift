import Foundation
import StoreAccess

/// The cursors panel: every durable consumer, read incrementally — the rows that changed since the previous
/// read, merged into the ones carried from it (see `statement`). Reads every row again when there is nothing to
/// merge into, when a consumer was deleted (the merged rows outnumber the table's count), or when there are more
/// than the bound.
enum CursorsPanel: Panel {
    static let name = "cursors"
    /// At most this many consumers are read (and carried to the next snapshot) per snapshot.
    static let limit = 100_000
    /// At most this many consumers are in a snapshot (lag counted, probed, shown): the furthest behind
    /// (`Collector.shownConsumers`).
    static let shown = 5_000

    /// The consumers as last read, and the oldest transaction running then.
    struct Carry: Sendable {
        var rows: CarriedRows
        var xmin: String
        var form: Form
    }

    /// Which columns the store's schema version has.
    struct Form: Sendable, Equatable {
        /// Version 4 or later: consumers record their first unhandled row.
        var recorded: Bool
        /// Version 9 or later: pause, failure policy, failing handler and parked events (`CursorsPanel+Ops`).
        var ops: Bool
        init(version: Int) { (recorded, ops) = (version >= 4, version >= 9) }
    }

    static func statements(_ schema: Identifier) -> [SQL] {
        let ops = StoreSchema.currentVersion >= 9
        return [
            statement(schema, since: nil, ops: ops), statement(schema, since: "123", recorded: false, ops: false),
            tenantHeadsStatement(schema, tenants: ["a"], safe: 0),
        ]
    }

    /// Reads the consumers (unsorted; at most `limit` + 1, so the caller sees that the list was cut), left in the
    /// carry's storage (`Rows`).
    /// - Parameters:
    ///   - version: the store's schema version (which columns it has, `Form`).
    ///   - statements: counts a second statement when one is sent.
    static func read(
        _ c: Connection, _ schema: Identifier, version: Int, carry: inout Carry?, statements: inout Int
    ) throws -> Rows {
        let form = Form(version: version)
        let since = carry?.form == form ? carry?.xmin : nil
        var got = try read(c, schema, since: since, form: form)
        if since != nil, let merged = carry?.rows {
            // merged in place (`CarriedRows`): the carry lets go of them first, so a failure below leaves none
            carry = nil
            merged.merge(got.rows)
            // every row written since the previous read is in `got`, so a deletion leaves more merged rows than the count
            if got.count <= limit, merged.at.count == got.count {
                carry = Carry(rows: merged, xmin: got.xmin, form: form)
                return Rows(rows: merged.rows, parked: got.parked, at: merged.at)
            }
            // a consumer was deleted, or there are more than the bound: read them all
            statements += 1
            got = try read(c, schema, since: nil, form: form)
        }
        let carried =
            got.count <= limit && !got.xmin.isEmpty && got.xmin.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
            ? Carry(rows: CarriedRows(got.rows), xmin: got.xmin, form: form) : nil
        carry = carried
        return Rows(rows: got.rows, parked: got.parked, at: carried?.rows.at)
    }

    /// One statement: the changed rows and the table's count, oldest running transaction and parked counts.
    static func read(_ c: Connection, _ schema: Identifier, since: String?, form: Form)
        throws -> (rows: [CursorRow], count: Int, xmin: String, parked: [CursorKey: ParkedCount])
    {
        let result = try c.query(statement(schema, since: since, recorded: form.recorded, ops: form.ops)).rows
        guard let first = result.first(where: { $0["i"] == nil || $0["i"] == "1" }) else {
            throw StoreError(.decoding, "metrics.cursors: no row carries the table's count")
        }
        // consumers of one service share a filter: each distinct text parsed once per read (a full read at 50,750
        // consumers parsed 20,000 copies of two filters: 7 % of a one-shot's CPU)
        var filters: [String: LagFilter] = [:]
        let rows = try result.compactMap { r -> CursorRow? in
            guard r["tenant"] != nil else { return nil }  // the LATERAL side is NULL when no row changed
            return try decode(r, filters: &filters)
        }
        return (rows, try first.decode("n"), try first.decode("xmin"), try decodeParked(first["parked"]))
    }

    /// One consumer from its row; `filters` keeps the filters parsed so far, by their text.
    static func decode(_ r: Row, filters: inout [String: LagFilter]) throws -> CursorRow {
        var row = try decodeColumns(r)
        row.ops = try decodeOps(r)
        if row.source == "events", let text = row.filter {
            if let known = filters[text] {
                row.lagFilter = known
            } else {
                row.lagFilter = LagFilter(recorded: text)
                filters[text] = row.lagFilter
            }
        }
        return row
    }

    private static func decodeColumns(_ r: Row) throws -> CursorRow {
        CursorRow(
            tenant: try r.decode("tenant"), name: try r.decode("name"), source: try r.decode("source"), kind: r["kind"],
            position: try r.decode("position"), ownerApplication: r["owner_application"], ownerHost: r["owner_host"],
            ownerPid: try r.decodeOptional("owner_pid"), ownerBackendPid: try r.decodeOptional("owner_backend_pid"),
            lockKey: try r.decode("lock_key"), heartbeatAt: try r.decodeOptional("heartbeat_at"),
            movedAt: try r.decodeOptional("moved_at"), createdAt: try r.decodeOptional("created_at"), filter: r["filter"],
            recordCurrent: try r.decodeOptional("record_current") ?? false,
            nextPosition: try r.decodeOptional("next_position"), nextAt: try r.decodeOptional("next_at"),
            nextChecked: try r.decodeOptional("next_checked"), nextPruned: try r.decodeOptional("next_pruned"))
    }

    /// Head of each tenant's event log up to `safe`: only when the streams panel could not give them.
    static func tenantHeads(_ c: Connection, _ schema: Identifier, tenants: [String], safe: Int64) throws -> [String: Int64] {
        Dictionary(
            try c.query(tenantHeadsStatement(schema, tenants: tenants, safe: safe)).rows.map {
                (try $0.decode("tenant", as: String.self), try $0.decodeOptional("head", as: Int64.self) ?? 0)
            }, uniquingKeysWith: max)
    }
}

/// A consumer's row as stored.
struct CursorRow: Sendable {
    let tenant: String, name: String, source: String, kind: String?, position: Int64
    let ownerApplication: String?, ownerHost: String?, ownerPid: Int32?, ownerBackendPid: Int32?, lockKey: Int64
    let heartbeatAt: Date?, movedAt: Date?
    var createdAt: Date? = nil
    /// An event consumer's recorded filter (JSON text); nil when it has none.
    var filter: String? = nil
    /// That filter as counting reads it, parsed once when the row is read (the planners use it every snapshot).
    var lagFilter: LagFilter = .all
    /// Whether the record below was made for the current position (not left behind by a position changed by hand).
    var recordCurrent = false
    /// What the consumer recorded when it last moved (schema version 4, `cursor_next`): its first unhandled row
    /// among the positions up to `nextChecked`, and for an outbox watcher the outbox's pruned count then.
    var nextPosition: Int64? = nil, nextAt: Date? = nil, nextChecked: Int64? = nil, nextPruned: Int64? = nil
    /// Its pause, failure policy, failing handler and parked events (schema version 9; `CursorsPanel+Ops`).
    var ops = CursorOps()
    var key: CursorKey { CursorKey(tenant: tenant, name: name) }
}
