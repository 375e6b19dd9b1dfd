import Foundation
import StoreAccess

/// A zestor store (zestor-dev/zestor `store/postgres`): `zestor_kv` and `zestor_outbox` in one schema, a trigger
/// that sends `pg_notify('zestor_events', …)` for every outbox row, and one listener session per store instance.
/// Its watchers keep their cursors in memory only, so the outbox shows heads and ages, never a consumer's lag.
///
/// Statements: the outboxes per (ns_id, kind) by a loose scan of `idx_outbox_kind` (at most `groupLimit` pairs,
/// two index probes each), the listener sessions with the NOTIFY queue's usage, and — only for pairs whose id
/// range is small — an exact count inside that range (`exactRange` per pair, `exactBudget` in all), and the keys
/// of `zestor_kv` per (ns_id, kind) by the same loose scan of its primary key.
enum ZestorPanel {
    /// At most this many (ns_id, kind) pairs are read.
    static let groupLimit = 1000
    /// A pair's rows are counted exactly when its id range holds at most this many ids.
    static let exactRange: Int64 = 10_000
    /// Ids counted in all per snapshot; the pairs beyond it show the id range.
    static let exactBudget: Int64 = 100_000
    /// An idle listener is named only when it has been idle this long: zestor's listen loop waits 60 s for a
    /// notification and then LISTENs again on a fresh acquire, so a live listener's state changes about once a minute.
    static let idleGrace: Double = 120
    /// The NOTIFY queue's share above which a warning is raised (each zestor write NOTIFYs; a full queue fails them).
    static let queueWarning = 0.5

    static func statements(_ schema: Identifier) -> [SQL] {
        [outboxes(schema), listeners, exactRows(schema, []), kvKinds(schema)]
    }

    /// Reads the store's outboxes and listeners into `store` (see `Snapshot.ForeignStore`). The listener count is
    /// the database's: the channel `zestor_events` is not per schema, so two zestor schemas in one database share it.
    static func read(
        _ c: Connection, schema: String, into store: inout Snapshot.ForeignStore, now: Date, statements: inout Int
    ) throws {
        let ident = try Identifier(schema, what: "zestor schema")
        var rows = try c.query(outboxes(ident)).rows
        if rows.count > groupLimit {
            rows.removeLast(rows.count - groupLimit)
            store.warnings.append("zestor: more than \(groupLimit) (namespace, kind) outboxes; the first \(groupLimit) are shown")
        }
        let heads = try rows.map(OutboxHead.init)
        let sessions = try c.query(listeners).rows
        statements += 1
        let counts = try count(c, ident, heads, statements: &statements)
        store.outboxes = heads.map { h in
            let exact = counts[h.key] ?? (h.range == 1 ? 1 : nil)
            return .init(
                tenant: String(h.ns), kind: h.kind, headID: h.head, oldestID: h.oldest, rows: exact ?? h.range, rowsExact: exact != nil,
                oldestAgeSeconds: now.timeIntervalSince(h.oldestAt))
        }
        let listening = try sessions.filter { $0["pid"] != nil }.map(Listener.init)
        store.listeners = listening.count
        store.notifyQueueUsage = try sessions.first?.decodeOptional("queue_usage", as: Double.self)
        let usage = store.notifyQueueUsage ?? 0
        if store.tables.contains("zestor_kv") {
            statements += 1
            store.keys = try kvKinds(c, schema: ident)
        }
        let seesAll = try sessions.first?.decodeOptional("sees_all", as: Bool.self) ?? true
        store.warnings += warnings(
            listeners: listening, oldestRowAt: heads.map(\.oldestAt).min(), queueUsage: usage, seesAll: seesAll, now: now)
    }

    /// The exact row count of each pair whose id range is small, within the budget (one statement, or none).
    private static func count(
        _ c: Connection, _ schema: Identifier, _ heads: [OutboxHead], statements: inout Int
    ) throws -> [Key: Int64] {
        var budget = exactBudget
        var picked: [OutboxHead] = []
        for h in heads.sorted(by: { $0.range < $1.range }) where h.range > 1 && h.range <= exactRange && h.range <= budget {
            picked.append(h)
            budget -= h.range
        }
        guard !picked.isEmpty else { return [:] }
        statements += 1
        var out: [Key: Int64] = [:]
        for r in try c.query(exactRows(schema, picked)).rows {
            out[Key(ns: try r.decode("ns_id"), kind: try r.decode("kind"))] = try r.decode("rows")
        }
        return out
    }

    /// The warnings of the listeners and the NOTIFY queue (pure).
    static func warnings(listeners: [Listener], oldestRowAt: Date?, queueUsage: Double, seesAll: Bool, now: Date) -> [String] {
        var out: [String] = []
        if let oldest = oldestRowAt {
            for l in listeners where l.state == "idle" {
                guard let since = l.stateChange, since < oldest, now.timeIntervalSince(since) > idleGrace else { continue }
                out.append(
                    "zestor: listener pid \(l.pid) idle for \(Format.duration(now.timeIntervalSince(since))), longer than the oldest "
                        + "outbox row is old (\(Format.duration(now.timeIntervalSince(oldest)))): a live zestor listener LISTENs "
                        + "again about every minute, so its process may be stuck while rows pile up")
            }
        }
        if queueUsage > queueWarning {
            out.append(
                "zestor: the NOTIFY queue is \(Int((queueUsage * 100).rounded())) % full: a session that LISTENs and does not "
                    + "read holds it back; when it is full every zestor write (its trigger NOTIFYs) fails")
        }
        if !seesAll {
            out.append("zestor: this role sees only its own sessions' queries: listeners of other roles are not counted (grant pg_monitor)")
        }
        return out
    }

    // MARK: rows

    /// A pair's key.
    struct Key: Hashable {
        let ns: Int64
        let kind: String
    }

    /// One outbox's head and oldest row, from the loose scan.
    struct OutboxHead {
        let ns: Int64, kind: String, head: Int64, oldest: Int64, oldestAt: Date
        var key: Key { Key(ns: ns, kind: kind) }
        /// Ids from the oldest to the head: an upper bound of the rows (ids are shared by every pair).
        var range: Int64 { head - oldest + 1 }

        init(_ r: Row) throws {
            ns = try r.decode("ns_id")
            kind = try r.decode("kind")
            head = try r.decode("head_id")
            oldest = try r.decode("oldest_id")
            oldestAt = try r.decode("oldest_at")
        }
    }

    /// A session whose query is `LISTEN zestor_events`.
    struct Listener {
        let pid: Int32, state: String, stateChange: Date?, backendStart: Date?

        init(pid: Int32, state: String, stateChange: Date?, backendStart: Date? = nil) {
            self.pid = pid
            self.state = state
            self.stateChange = stateChange
            self.backendStart = backendStart
        }

        init(_ r: Row) throws {
            pid = try r.decode("pid")
            state = r["state"] ?? "unknown"
            stateChange = try r.decodeOptional("state_change")
            backendStart = try r.decodeOptional("backend_start")
        }
    }
}
