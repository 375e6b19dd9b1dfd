import Foundation
import GRDB
import StoreMetrics

extension RecordingReader {
    /// The `count` snapshots of `target` at or before `time`, oldest first (provisional: reads whole bodies).
    public func window(target: Int64, endingAt time: Date, count: Int) throws -> [Snapshot] {
        let bodies = try queue.read { db in
            try String.fetchAll(
                db, sql: "SELECT body FROM snapshots WHERE target_id = ? AND taken_at <= ? ORDER BY taken_at DESC LIMIT ?",
                arguments: [target, time.timeIntervalSince1970, count])
        }
        return try bodies.reversed().map(SnapshotCoding.decode)
    }
}
