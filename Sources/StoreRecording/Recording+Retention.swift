import Foundation
import GRDB

extension Recording {
    /// Drops the oldest snapshots (and gaps) older than `retain` seconds before `now`, then, while the file's pages
    /// in use exceed `maxSize` bytes, the oldest twentieth of what is left (never the last snapshot of a target).
    /// Freed pages go back with `incremental_vacuum`, never a full `VACUUM`. Returns the snapshots dropped.
    @discardableResult
    public func enforceRetention(retain: Double?, maxSize: Int64?, now: Date = Date()) throws -> Int {
        var dropped = 0
        if let retain {
            let cutoff = now.timeIntervalSince1970 - retain
            dropped += try queue.write { db in
                try db.execute(sql: "DELETE FROM snapshots WHERE taken_at < ? AND id NOT IN (\(Self.newest))", arguments: [cutoff])
                let n = db.changesCount
                try db.execute(sql: "DELETE FROM gaps WHERE \"to\" < ?", arguments: [cutoff])
                return n
            }
        }
        if let maxSize {
            for _ in 0..<40 {
                guard try usedBytes() > maxSize else { break }
                let n = try queue.write { db in
                    let total = try Int.fetchOne(db, sql: "SELECT count(*) FROM snapshots") ?? 0
                    try db.execute(
                        sql:
                            "DELETE FROM snapshots WHERE id IN (SELECT id FROM snapshots WHERE id NOT IN (\(Self.newest)) ORDER BY taken_at LIMIT ?)",
                        arguments: [max(1, total / 20)])
                    return db.changesCount
                }
                if n == 0 { break }
                dropped += n
                try queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA incremental_vacuum") }
            }
        }
        if dropped > 0 { try queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA incremental_vacuum") } }
        return dropped
    }

    /// The newest snapshot of each target, which retention keeps so a reader always has one.
    static let newest = "SELECT max(id) FROM snapshots GROUP BY target_id"

    /// Bytes of the file's pages in use (page count less the free list, times the page size).
    public func usedBytes() throws -> Int64 {
        try queue.read { db in
            let pages = try Int64.fetchOne(db, sql: "PRAGMA page_count") ?? 0
            let free = try Int64.fetchOne(db, sql: "PRAGMA freelist_count") ?? 0
            let size = try Int64.fetchOne(db, sql: "PRAGMA page_size") ?? 4096
            return (pages - free) * size
        }
    }
}
