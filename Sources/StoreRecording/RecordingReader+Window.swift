import Foundation
import GRDB
import StoreMetrics

extension RecordingReader {
    /// The `count` snapshots of `target` at or before `time`, oldest first, read with one indexed query.
    public func window(target: Int64, endingAt time: Date, count: Int) throws -> [Snapshot] {
        let rows = try queue.read { db in
            try Row.fetchAll(
                db, sql: "SELECT body, bytes FROM snapshots WHERE target_id = ? AND taken_at <= ? ORDER BY taken_at DESC LIMIT ?",
                arguments: [target, time.timeIntervalSince1970, count])
        }
        return try rows.reversed().map { try SnapshotCoding.decode(row: $0) }
    }
}
