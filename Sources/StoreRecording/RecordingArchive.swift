import Foundation
import GRDB
import StoreMetrics

/// One target of a recording as a `SnapshotArchive`, for `storetop replay` and the live dashboard's time keys.
/// Times are read from the `(target_id, taken_at)` index alone; snapshots through the reader.
public final class RecordingArchive: SnapshotArchive {
    /// The recording read.
    public let reader: RecordingReader
    /// The target's id.
    public let target: Int64

    /// The archive of `target` in `reader`.
    public init(reader: RecordingReader, target: Int64) { (self.reader, self.target) = (reader, target) }

    /// The archive of the target named `name` (the only one when nil) in the recording at `path`; throws with
    /// the names a recording of several targets offers.
    public convenience init(path: String, target name: String?) throws {
        let reader = try RecordingReader(path: path)
        let targets = try reader.targets()
        let names = targets.map(\.name).joined(separator: ", ")
        if let name {
            guard let t = targets.first(where: { $0.name == name }) else { throw RecordingError("no target \(name) in \(path) (it has: \(names))") }
            self.init(reader: reader, target: t.id)
        } else {
            guard targets.count == 1, let t = targets.first else {
                throw RecordingError(
                    targets.isEmpty ? "\(path) has no snapshots yet" : "\(path) records several targets: pick one with --target (\(names))")
            }
            self.init(reader: reader, target: t.id)
        }
    }

    /// The first and last snapshot times.
    public func timeRange() throws -> ClosedRange<Date>? { try reader.timeRange(target: target) }

    /// The latest snapshot at or before `time`.
    public func snapshot(atOrBefore time: Date) throws -> Snapshot? { try reader.snapshot(target: target, atOrBefore: time) }

    /// Up to `count` snapshots at or before `time`, oldest first.
    public func window(endingAt time: Date, count: Int) throws -> [Snapshot] { try reader.window(target: target, endingAt: time, count: count) }

    /// Up to `limit` snapshots after `time`, oldest first.
    public func snapshots(after time: Date, limit: Int) throws -> [Snapshot] { try reader.snapshots(target: target, after: time, limit: limit) }

    /// Snapshot times in `(after, through]`, oldest first.
    public func times(after: Date, through: Date, limit: Int) throws -> [Date] {
        try reader.queue.read { db in
            try Double.fetchAll(
                db, sql: "SELECT taken_at FROM snapshots WHERE target_id = ? AND taken_at > ? AND taken_at <= ? ORDER BY taken_at LIMIT ?",
                arguments: [target, after.timeIntervalSince1970, through.timeIntervalSince1970, limit])
        }.map { Date(timeIntervalSince1970: $0) }
    }

    /// The times of the `count` snapshots at or before `time`, oldest first.
    public func times(endingAt time: Date, count: Int) throws -> [Date] {
        try reader.queue.read { db in
            try Double.fetchAll(
                db, sql: "SELECT taken_at FROM snapshots WHERE target_id = ? AND taken_at <= ? ORDER BY taken_at DESC LIMIT ?",
                arguments: [target, time.timeIntervalSince1970, count])
        }.reversed().map { Date(timeIntervalSince1970: $0) }
    }

    /// The last snapshot time before `time`.
    public func time(before time: Date) throws -> Date? {
        try reader.queue.read { db in
            try Double.fetchOne(
                db, sql: "SELECT taken_at FROM snapshots WHERE target_id = ? AND taken_at < ? ORDER BY taken_at DESC LIMIT 1",
                arguments: [target, time.timeIntervalSince1970])
        }.map { Date(timeIntervalSince1970: $0) }
    }

    /// The target's unreachable intervals.
    public func unreachable() throws -> [ArchiveGap] {
        try reader.gaps(target: target).map { ArchiveGap(from: $0.from, to: $0.to, error: $0.error) }
    }
}
