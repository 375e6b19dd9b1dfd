import Foundation
import GRDB
import StoreMetrics

/// A recording open for writing: snapshots of one or more targets appended to one SQLite file (docs/recording.md).
/// Each snapshot is its own transaction in WAL mode with `synchronous=NORMAL`, so a crash loses at most the last
/// one and the file always opens.
public final class Recording: Sendable {
    /// The file's path.
    public let path: String
    let queue: DatabaseQueue

    /// Opens (creating when missing) the recording at `path`; `storetopVersion` goes into `meta` of a new file.
    public init(path: String, storetopVersion: String, now: Date = Date()) throws {
        self.path = path
        // snapshots hold query texts and application names: a new recording is readable by its owner only (SQLite
        // gives its -wal and -shm files the same mode)
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                throw RecordingError("cannot create \(path)")
            }
        }
        var config = Configuration()
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA journal_mode = WAL")
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        queue = try DatabaseQueue(path: path, configuration: config)
        try queue.write { db in try RecordingSchema.prepare(db, storetopVersion: storetopVersion, now: now) }
    }

    /// The id of the target named `name`, added when new.
    public func target(named name: String) throws -> Int64 {
        try queue.write { db in
            if let id = try Int64.fetchOne(db, sql: "SELECT id FROM targets WHERE name = ?", arguments: [name]) { return id }
            try db.execute(sql: "INSERT INTO targets (name) VALUES (?)", arguments: [name])
            return db.lastInsertedRowID
        }
    }

    /// Appends one snapshot of `target` in its own transaction; returns the bytes of its body.
    @discardableResult
    public func append(_ snapshot: Snapshot, target: Int64) throws -> Int {
        let body = try SnapshotCoding.encode(snapshot)
        let stored = BodyCompression.pack(body)
        try queue.write { db in
            try db.execute(
                sql: "INSERT INTO snapshots (target_id, taken_at, body, bytes) VALUES (?, ?, ?, ?)",
                arguments: [target, snapshot.takenAt.timeIntervalSince1970, stored, body.count])
        }
        return body.count
    }

    /// Records that `target` could not be read from `from` to `to`; extends the gap `id` when given (a gap still
    /// open), else starts a new one. Returns the gap's id.
    @discardableResult
    public func recordGap(target: Int64, from: Date, to: Date, error: String, extending id: Int64? = nil) throws -> Int64 {
        try queue.write { db in
            if let id {
                try db.execute(sql: "UPDATE gaps SET \"to\" = ?, error = ? WHERE id = ?", arguments: [to.timeIntervalSince1970, error, id])
                return id
            }
            try db.execute(
                sql: "INSERT INTO gaps (target_id, \"from\", \"to\", error) VALUES (?, ?, ?, ?)",
                arguments: [target, from.timeIntervalSince1970, to.timeIntervalSince1970, error])
            return db.lastInsertedRowID
        }
    }

    /// Snapshots in the file (all targets).
    public func snapshotCount() throws -> Int {
        try queue.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM snapshots") ?? 0 }
    }

    /// Checkpoints the WAL into the main file and closes it.
    public func close() throws {
        try queue.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
        try queue.close()
    }
}
