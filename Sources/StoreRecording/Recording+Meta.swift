import Foundation
import GRDB

extension Recording {
    /// Sets `key` in the recording's `meta` table (e.g. `schema.<target>`: the store schema a target was read
    /// with, which the STORE column of a replay names).
    public func setMeta(_ key: String, _ value: String) throws {
        try queue.write { db in
            try db.execute(
                sql: "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", arguments: [key, value])
        }
    }
}

extension RecordingReader {
    /// The value of `key` in `meta`; nil when unset.
    public func meta(_ key: String) throws -> String? {
        try queue.read { db in try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [key]) }
    }
}
