import Foundation
import GRDB
import StoreMetrics

/// A recording opened read-only: its targets, time range, gaps, and the snapshot of a target at any moment, found
/// with the `(target_id, taken_at)` index (a seek, not a scan).
public final class RecordingReader: Sendable {
    /// A target of the recording.
    public struct RecordedTarget: Sendable, Equatable {
        /// Its id in the file.
        public var id: Int64
        /// Its name (as the recorder named it).
        public var name: String
    }

    /// An interval when a target could not be read.
    public struct Gap: Sendable, Equatable {
        /// The target's id.
        public var target: Int64
        /// The last moment known good (or the first failure), and the last failure seen.
        public var from: Date, to: Date
        /// Why (one redacted line).
        public var error: String
    }

    let queue: DatabaseQueue

    /// Opens `path` read-only; throws when it is missing or not a recording.
    public init(path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else { throw RecordingError("no recording at \(path)") }
        var config = Configuration()
        config.readonly = true
        queue = try DatabaseQueue(path: path, configuration: config)
        try queue.read { db in try RecordingSchema.check(db) }
    }

    /// The targets, by id.
    public func targets() throws -> [RecordedTarget] {
        try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT id, name FROM targets ORDER BY id").map { RecordedTarget(id: $0["id"], name: $0["name"]) }
        }
    }

    /// The first and last snapshot times of `target` (of every target when nil); nil when there is none.
    public func timeRange(target: Int64? = nil) throws -> ClosedRange<Date>? {
        try queue.read { db in
            let row = try Row.fetchOne(
                db, sql: "SELECT min(taken_at) AS a, max(taken_at) AS b FROM snapshots WHERE ? IS NULL OR target_id = ?",
                arguments: [target, target])
            guard let a: Double = row?["a"], let b: Double = row?["b"] else { return nil }
            return Date(timeIntervalSince1970: a)...Date(timeIntervalSince1970: b)
        }
    }

    /// The number of snapshots of `target` (of every target when nil).
    public func count(target: Int64? = nil) throws -> Int {
        try queue.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM snapshots WHERE ? IS NULL OR target_id = ?", arguments: [target, target]) ?? 0
        }
    }

    /// The snapshot of `target` taken at `time` or the latest before it; nil when the recording starts later.
    public func snapshot(target: Int64, atOrBefore time: Date) throws -> Snapshot? {
        let row = try queue.read { db in
            try Row.fetchOne(
                db, sql: "SELECT body, bytes FROM snapshots WHERE target_id = ? AND taken_at <= ? ORDER BY taken_at DESC LIMIT 1",
                arguments: [target, time.timeIntervalSince1970])
        }
        return try row.map { try SnapshotCoding.decode(row: $0) }
    }

    /// Up to `limit` snapshots of `target` taken after `time` (from the start when nil), in time order.
    public func snapshots(target: Int64, after time: Date?, limit: Int) throws -> [Snapshot] {
        let rows = try queue.read { db in
            try Row.fetchAll(
                db, sql: "SELECT body, bytes FROM snapshots WHERE target_id = ? AND taken_at > ? ORDER BY taken_at LIMIT ?",
                arguments: [target, time?.timeIntervalSince1970 ?? -Double.greatestFiniteMagnitude, limit])
        }
        return try rows.map { try SnapshotCoding.decode(row: $0) }
    }

    /// The intervals when `target` could not be read, in time order.
    public func gaps(target: Int64) throws -> [Gap] {
        try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT \"from\", \"to\", error FROM gaps WHERE target_id = ? ORDER BY \"from\"", arguments: [target]).map {
                Gap(target: target, from: Date(timeIntervalSince1970: $0["from"]), to: Date(timeIntervalSince1970: $0["to"]), error: $0["error"])
            }
        }
    }

    /// Closes the file.
    public func close() { try? queue.close() }
}
