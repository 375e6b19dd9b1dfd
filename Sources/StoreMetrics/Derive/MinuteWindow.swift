import Foundation

/// The last minute of refreshes, kept by `History` for the wait events and the top queries: each refresh's wait
/// counts, each refresh's pg_stat_statements growth, and which session groups ran which query id. Time is the
/// snapshots' `takenAt`; a refresh older than `seconds` before the latest drops out.
struct MinuteWindow: Sendable {
    /// The window's length.
    var seconds: TimeInterval = 60
    private var waits: [(at: Date, counts: [WaitEvents.Key: Int])] = []
    private var groups: [String: Snapshot.SessionGroup] = [:]
    private var statements: Snapshot.Statements?
    /// Each read's growth, with the time of the read it ends at; `start` is the first read the window covers from.
    private var growth: [(at: Date, start: Date, deltas: [StatementKey: TopQueries.Delta])] = []
    private var seen: [Int64: [String: Date]] = [:]

    /// Adds `s` and sets `d.waits` and `d.topQueries`.
    mutating func add(_ s: Snapshot, into d: inout Derived) {
        let now = s.takenAt, cut = now.addingTimeInterval(-seconds)
        if let counts = WaitEvents.counts(s) { waits.append((now, counts)) }
        waits.removeAll { $0.at <= cut }
        for g in s.sessions?.groups ?? [] { groups[g.key] = g }
        if groups.count > 4 * max(1, s.sessions?.groups.count ?? 0) + 100 {
            groups = Dictionary(uniqueKeysWithValues: (s.sessions?.groups ?? []).map { ($0.key, $0) })
        }
        d.waits = WaitEvents.summarize(waits.map(\.counts), groups: groups)
        for (key, backends) in s.sessions?.backendsByGroup(database: s.server?.database) ?? [:] {
            for id in backends.compactMap(\.queryId) { seen[id, default: [:]][key] = now }
        }
        seen = seen.compactMapValues { keys in
            let kept = keys.filter { $0.value > cut }
            return kept.isEmpty ? nil : kept
        }
        if let current = s.statementStatistics {
            if let previous = statements, previous.readAt != current.readAt {
                growth.append((now, previous.readAt, TopQueries.deltas(previous: previous, current: current)))
            }
            statements = current
        }
        growth.removeAll { $0.at <= cut }
        let covered = growth.first.map { (statements?.readAt ?? now).timeIntervalSince($0.start) } ?? 0
        d.topQueries = TopQueries.build(growth.map(\.deltas), seconds: covered, seen: seen.mapValues { Set($0.keys) })
    }
}
