import Foundation
import StoreRecording
import Testing

@testable import StoreMetrics

/// Format 2 stores each snapshot's JSON zlib-compressed in SQLite's sqlar convention: the `sqlite3` shell reads it
/// back with `sqlar_uncompress(body, bytes)`, the reader returns the model as written, and format-1 files (JSON
/// text) still read.
@Suite struct RecordingCompressionTests {
    /// A snapshot with 200 consumers: JSON with repeated keys, as a real one is.
    func busy(_ t: Double) -> Snapshot {
        var s = synthetic(t, tenants: (0..<20).map { "tenant-\($0)" })
        s.cursors = (0..<200).map { i in consumer(i, at: s.takenAt) }
        return s
    }

    func consumer(_ i: Int, at: Date) -> Snapshot.Cursor {
        let position = Int64(i * 10)
        let lag: Int64 = 5000 - position
        let pid = Int32(1000 + i)
        return Snapshot.Cursor(
            tenant: "tenant-\(i % 20)", name: "consumer-\(i)", source: "events", kind: nil, position: position, head: 5000, lagEvents: lag,
            lagPositions: lag, waitingAboveSafe: false, handledSincePrevious: nil, lagSeconds: Double(i), ownerApplication: "svc",
            ownerHost: "host-\(i % 3)", ownerPid: pid, ownerBackendPid: nil, ownerConnected: true, heartbeatAt: at, movedAt: at)
    }

    @Test func bodiesAreCompressedAndSQLiteReadsThem() throws {
        let path = temporaryRecording()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let rec = try Recording(path: path, storetopVersion: "t")
        let id = try rec.target(named: "db")
        let snaps = (0..<5).map { busy(2_000_000 + Double($0)) }
        for s in snaps { try rec.append(s, target: id) }
        try rec.close()
        let sizes = try sqlite3(path, "SELECT sum(length(body)) || ' ' || sum(bytes) FROM snapshots").split(separator: " ").map { Double($0)! }
        #expect(sizes[0] * 4 < sizes[1], "stored \(sizes[0]) bytes for \(sizes[1]) bytes of JSON")
        #expect(try sqlite3(path, "SELECT typeof(body) FROM snapshots LIMIT 1") == "blob")
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600, "a recording holds query texts: owner only")
        #expect(try sqlite3(path, "SELECT value FROM meta WHERE key = 'format_version'") == "2")
        // the shell alone: one consumer's lag through the documented function
        let lag = try sqlite3(
            path,
            "SELECT json_extract(c.value, '$.lagEvents') FROM snapshots s, json_each(sqlar_uncompress(s.body, s.bytes), '$.cursors') c "
                + "WHERE json_extract(c.value, '$.name') = 'consumer-7' ORDER BY s.taken_at LIMIT 1")
        #expect(lag == "4930")
        let reader = try RecordingReader(path: path)
        defer { reader.close() }
        #expect(try reader.snapshots(target: id, after: nil, limit: 10) == snaps)
        #expect(try reader.window(target: id, endingAt: snaps[3].takenAt, count: 2) == [snaps[2], snaps[3]])
    }

    @Test func aFormatOneFileStillReadsAndIsMarkedTwoOnceAppendedTo() throws {
        let path = temporaryRecording()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let rec = try Recording(path: path, storetopVersion: "t")
        let id = try rec.target(named: "db")
        try rec.close()
        // a row as format 1 wrote it: the JSON as text
        let old = busy(1_000)
        let json = String(decoding: try JSONEncoder.recording.encode(old), as: UTF8.self).replacingOccurrences(of: "'", with: "''")
        _ = try sqlite3(
            path,
            "UPDATE meta SET value = '1' WHERE key = 'format_version'; INSERT INTO snapshots (target_id, taken_at, body, bytes) "
                + "VALUES (\(id), 1000, '\(json)', \(json.utf8.count))")
        let reader = try RecordingReader(path: path)
        #expect(try reader.snapshot(target: id, atOrBefore: Date(timeIntervalSince1970: 1_000)) == old)
        reader.close()
        let again = try Recording(path: path, storetopVersion: "t")
        try again.append(busy(1_001), target: id)
        try again.close()
        #expect(try sqlite3(path, "SELECT value FROM meta WHERE key = 'format_version'") == "2")
        #expect(try sqlite3(path, "SELECT group_concat(typeof(body)) FROM snapshots ORDER BY taken_at") == "text,blob")
    }
}

extension JSONEncoder {
    /// The encoder format 1 wrote bodies with (dates as unix seconds, keys sorted).
    static var recording: JSONEncoder {
        let e = JSONEncoder()
        e.dateEncodingStrategy = .secondsSince1970
        e.outputFormatting = [.sortedKeys]
        return e
    }
}
