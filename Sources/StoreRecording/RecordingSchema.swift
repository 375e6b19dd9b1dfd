import Foundation
import GRDB
import StoreMetrics

/// The recording file's schema (docs/recording.md): one SQLite file, WAL journal, one row per snapshot with the
/// snapshot's JSON, so `sqlite3` alone can query it.
public enum RecordingSchema {
    /// The format version written to `meta`; a reader refuses a newer one.
    /// 2: `body` may be zlib-compressed (`BodyCompression`); 1: `body` is the JSON text. Both read.
    public static let formatVersion = 2

    /// The tables and the seek index. `auto_vacuum` is set before them (it only takes effect on an empty file), so
    /// retention can give pages back with `incremental_vacuum` instead of a full `VACUUM`.
    static let statements = [
        "PRAGMA auto_vacuum = INCREMENTAL",
        "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS targets (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)",
        """
        CREATE TABLE IF NOT EXISTS snapshots (id INTEGER PRIMARY KEY, target_id INTEGER NOT NULL REFERENCES targets(id), \
        taken_at REAL NOT NULL, body TEXT NOT NULL, bytes INTEGER NOT NULL)
        """,
        "CREATE INDEX IF NOT EXISTS snapshots_target_time ON snapshots (target_id, taken_at)",
        """
        CREATE TABLE IF NOT EXISTS gaps (id INTEGER PRIMARY KEY, target_id INTEGER NOT NULL REFERENCES targets(id), \
        "from" REAL NOT NULL, "to" REAL NOT NULL, error TEXT NOT NULL)
        """,
        "CREATE INDEX IF NOT EXISTS gaps_target_time ON gaps (target_id, \"from\")",
    ]

    /// Creates the tables of a new file and writes `meta`; checks the version of an existing one.
    static func prepare(_ db: Database, storetopVersion: String, now: Date) throws {
        if try db.tableExists("meta") {
            try check(db)
            // a format-1 file appended to holds compressed bodies from now on: say so, so an older reader refuses it
            try db.execute(sql: "UPDATE meta SET value = ? WHERE key = 'format_version'", arguments: [String(formatVersion)])
            return
        }
        for s in statements { try db.execute(sql: s) }
        let rows: [(String, String)] = [
            ("format_version", String(formatVersion)), ("created_at", String(now.timeIntervalSince1970)),
            ("storetop_version", storetopVersion),
        ]
        for (k, v) in rows { try db.execute(sql: "INSERT INTO meta (key, value) VALUES (?, ?)", arguments: [k, v]) }
    }

    /// Throws when the file is not a recording, or one of a newer format.
    static func check(_ db: Database) throws {
        guard try db.tableExists("meta") else { throw RecordingError("not a storetop recording (no meta table)") }
        let v = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'format_version'").flatMap { Int($0) }
        guard let v, v <= formatVersion else {
            throw RecordingError("recording format \(v.map(String.init) ?? "unknown") is newer than this storetop reads (\(formatVersion))")
        }
    }
}

/// An error about a recording file, in one line.
public struct RecordingError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public let description: String
    /// An error saying `text`.
    public init(_ text: String) { description = text }
}

/// How a snapshot becomes the `body` column and back: the model's own `Codable`, dates as unix seconds (so
/// `json_extract` reads them as numbers), non-finite figures as strings.
enum SnapshotCoding {
    /// The bytes `JSONEncoder` wrote with these options (`JSONBytesEncoder.recording`, 6-11 times faster:
    /// at 10k tenants this encoding was most of the rolling history's write; `RecordingBodyTests` keeps them equal).
    static func encode(_ s: Snapshot) throws -> Data { Data(try JSONBytesEncoder.recording.encode(s)) }

    /// The snapshot of a `snapshots` row read with its `body` and `bytes` columns (either format).
    static func decode(row: Row) throws -> Snapshot {
        let value: DatabaseValue = row["body"]
        let body: DatabaseValueConvertibleBody
        switch value.storage {
        case .string(let s): body = .text(s)
        case .blob(let d): body = .blob(d)
        default: throw RecordingError("a snapshot's body is neither text nor a blob")
        }
        return try decode(BodyCompression.unpack(body, bytes: row["bytes"]))
    }

    static func decode(_ body: String) throws -> Snapshot { try decode(Data(body.utf8)) }

    static func decode(_ data: Data) throws -> Snapshot {
        let dec = JSONDecoder()
        dec.dateDecodingStrategy = .secondsSince1970
        dec.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try dec.decode(Snapshot.self, from: data)
    }
}
