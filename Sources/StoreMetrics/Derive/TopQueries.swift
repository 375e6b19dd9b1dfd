import Foundation

/// A query's cost in the last minute: the pg_stat_statements entries of one query id (every role and database read),
/// their counters' growth between the refreshes of the last minute, and the session groups seen running it.
public struct TopQuery: Sendable, Equatable {
    /// The row's identity: the query id, or (for another role's hidden entries) a negative number per role and database.
    public var id: Int64
    /// The query id (nil: another role's entries this role may not see).
    public var queryId: Int64?
    /// The query's shape (`QueryShape.normalize`), `<insufficient privilege>` when hidden.
    public var shape: String
    /// The text as pg_stat_statements keeps it (at most 300 characters, passwords redacted).
    public var query: String
    /// The roles that ran it.
    public var users: [String]
    /// The databases it ran in.
    public var databases: [String]
    /// Executions in the window.
    public var calls: Int64
    /// Execution time in the window, in milliseconds.
    public var execMilliseconds: Double
    /// Rows returned or affected in the window.
    public var rows: Int64
    /// Seconds the window covers (from the first read of the minute to the latest).
    public var windowSeconds: Double
    /// The session groups (`Snapshot.SessionGroup.key`) seen running this query id (`pg_stat_activity.query_id`)
    /// in the window, sorted.
    public var groups: [String]
    /// Another role's entries this role may not see (grant `pg_read_all_stats`).
    public var hidden: Bool

    /// Mean execution time per call in the window, in milliseconds.
    public var meanMilliseconds: Double? { calls > 0 ? execMilliseconds / Double(calls) : nil }
}

/// Growth of pg_stat_statements' counters between two reads, made safe: a reset of the extension's statistics,
/// an entry evicted and created again, or an entry that was below the read's cut give no negative or made-up figures.
enum TopQueries {
    /// The growth of one entry between two reads, with the entry as last read.
    struct Delta: Sendable {
        var entry: Snapshot.Statement
        var calls: Int64
        var milliseconds: Double
        var rows: Int64
    }

    /// Each entry's growth since `previous`. An entry's full counters count when they all started after the previous
    /// read: after a reset of the statistics (`statsReset` moved), or for an entry that is new while the previous read
    /// held every entry (`complete`). Otherwise a new entry (it may have been below the cut) is only a baseline, and
    /// an entry whose counters went down (evicted and created again) counts nothing this time.
    static func deltas(previous: Snapshot.Statements?, current: Snapshot.Statements) -> [StatementKey: Delta] {
        guard let previous else { return [:] }
        let reset = current.statsReset != nil && current.statsReset != previous.statsReset
        let before = reset ? [:] : Dictionary(previous.entries.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        var out: [StatementKey: Delta] = [:]
        for e in current.entries {
            if let b = before[e.key] {
                guard e.calls >= b.calls, e.totalExecMilliseconds >= b.totalExecMilliseconds, e.rows >= b.rows else { continue }
                out[e.key] = Delta(
                    entry: e, calls: e.calls - b.calls, milliseconds: e.totalExecMilliseconds - b.totalExecMilliseconds, rows: e.rows - b.rows)
            } else if reset || previous.complete {
                out[e.key] = Delta(entry: e, calls: e.calls, milliseconds: e.totalExecMilliseconds, rows: e.rows)
            }
        }
        return out.filter { $0.value.calls > 0 || $0.value.milliseconds > 0 }
    }

    /// The top `limit` queries by execution time over `intervals` (each refresh's deltas), grouped by query id (hidden
    /// entries per role and database), with the groups seen running each query id.
    static func build(_ intervals: [[StatementKey: Delta]], seconds: Double, seen: [Int64: Set<String>], limit: Int = 50) -> [TopQuery] {
        var byId: [Int64: TopQuery] = [:]
        for interval in intervals {
            for d in interval.values {
                let e = d.entry
                let id = e.queryId ?? -(e.userId * 1_000_003 + e.databaseId) - 1
                var q =
                    byId[id]
                    ?? TopQuery(
                        id: id, queryId: e.queryId, shape: e.hidden ? e.query : QueryShape.normalize(e.query), query: e.query, users: [],
                        databases: [], calls: 0, execMilliseconds: 0, rows: 0, windowSeconds: seconds,
                        groups: e.queryId.map { seen[$0].map { $0.sorted() } ?? [] } ?? [], hidden: e.hidden)
                q.calls += d.calls
                q.execMilliseconds += d.milliseconds
                q.rows += d.rows
                if let u = e.user, !q.users.contains(u) { q.users.append(u) }
                if let db = e.database, !q.databases.contains(db) { q.databases.append(db) }
                byId[id] = q
            }
        }
        return byId.values.sorted { ($0.execMilliseconds, $1.id) > ($1.execMilliseconds, $0.id) }.prefix(limit).map { $0 }
    }
}
