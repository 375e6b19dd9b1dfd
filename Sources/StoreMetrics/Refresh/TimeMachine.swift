import Foundation

/// The snapshot and derivations a dashboard showed (or would have shown) at a moment of an archive. The
/// derivations are made by the same `History` the live loop uses, warmed with the snapshots before the moment
/// (enough for the status window and the sparklines), so rates, statuses and sparklines of a past moment are the
/// live ones, not a second definition. Stepping forward adds the snapshots in between to the kept history; a jump
/// rebuilds it from a window read with one indexed query.
public final class TimeMachine: @unchecked Sendable {
    /// A moment: the snapshot and what its history derives.
    public struct Frame: Sendable {
        /// The snapshot shown.
        public var snapshot: Snapshot
        /// Rates, statuses and sparklines as the live dashboard derived them.
        public var derived: Derived
    }

    /// Where the past is read.
    public let archive: SnapshotArchive
    private let empty: History
    private var history: History
    private var current: Frame?
    private var currentAt: Date?
    private var decoded: [Date: Snapshot] = [:]
    private let lock = NSLock()

    /// A machine over `archive` deriving with a copy of `history` (an empty one with the live loop's rules).
    public init(archive: SnapshotArchive, history: History) {
        self.archive = archive
        empty = history
        self.history = history
    }

    /// How many snapshots a jump feeds the history: the sparkline capacity plus one (rates need a previous
    /// snapshot), and at least the status window.
    public var warmup: Int { max(empty.capacity + 1, empty.rules.window) }

    /// The archive's time of the frame last returned (the index's value: a decoded `takenAt` may differ from it
    /// in the last bit, and paging by it could return the same snapshot twice).
    public var currentTime: Date? { lock.withLock { currentAt } }

    /// The frame at `time` (the latest snapshot at or before it); nil when the archive starts later.
    public func frame(at time: Date) throws -> Frame? {
        lock.lock()
        defer { lock.unlock() }
        if let f = current, let at = currentAt, at <= time {
            let between = try archive.times(after: at, through: time, limit: warmup)
            if between.isEmpty { return f }
            if between.count < warmup {
                // forward by a few: add them to the kept history, as the live loop did
                for (t, s) in zip(between, try archive.snapshots(after: at, limit: between.count)) {
                    (current, currentAt) = (Frame(snapshot: s, derived: history.add(s)), t)
                }
                return current
            }
        }
        let (times, window) = try warmupWindow(endingAt: time)
        (history, current, currentAt) = (empty, nil, nil)
        for s in window.dropLast() { history.warm(s) }
        if let last = window.last { (current, currentAt) = (Frame(snapshot: last, derived: history.add(last)), times.last) }
        return current
    }

    /// The `warmup` snapshots at or before `time`, decoded ones taken from the cache: a step back needs one new
    /// snapshot, not a whole window. The cache keeps the last window read.
    private func warmupWindow(endingAt time: Date) throws -> ([Date], [Snapshot]) {
        let times = try archive.times(endingAt: time, count: warmup)
        let missing = times.filter { decoded[$0] == nil }
        // keyed by the archive's times (the index), never by a decoded field: the two agree in any file storetop wrote
        if missing.count > warmup / 2 {
            for (t, s) in zip(times, try archive.window(endingAt: time, count: warmup)) { decoded[t] = s }
        } else {
            for t in missing { if let s = try archive.snapshot(atOrBefore: t) { decoded[t] = s } }
        }
        decoded = decoded.filter { times.contains($0.key) }
        let kept = times.filter { decoded[$0] != nil }
        return (kept, kept.compactMap { decoded[$0] })
    }

    /// The frame after (or before) the current one; the first of the archive when none; nil past either end.
    public func step(forward: Bool) throws -> Frame? {
        guard let at = currentTime else {
            guard let first = try archive.timeRange()?.lowerBound else { return nil }
            return try frame(at: first)
        }
        if forward {
            guard let next = try archive.times(after: at, through: .distantFuture, limit: 1).first else { return nil }
            return try frame(at: next)
        }
        guard let previous = try archive.time(before: at) else { return nil }
        return try frame(at: previous)
    }

    /// Forgets the kept history (after the archive changed underneath, e.g. retention dropped its start).
    public func reset() { lock.withLock { (history, current, currentAt, decoded) = (empty, nil, nil, [:]) } }
}
