import Foundation
import StoreMetrics
import StoreRecording
import StoreTestSupport
import Testing

/// A fresh path for a recording in the temporary directory.
func temporaryRecording() -> String { NSTemporaryDirectory() + "storetop-rec-\(UUID().uuidString).sqlite" }

/// Runs `sql` with the `sqlite3` shell on `path`, as a user would query a recording.
func sqlite3(_ path: String, _ sql: String) throws -> String {
    let r = try runProcess("/usr/bin/sqlite3", [path, sql])
    #expect(r.status == 0, "sqlite3: \(r.err)")
    return r.out.trimmingCharacters(in: .whitespacesAndNewlines)
}

/// A synthetic snapshot at unix time `t` (no server needed).
func synthetic(_ t: Double, tenants: [String] = ["a", "b"]) -> Snapshot {
    var s = Snapshot(takenAt: Date(timeIntervalSince1970: t))
    s.tenants = tenants
    s.statements = Int(t) % 97
    return s
}

/// The file, its schema and the seek, without a server.
@Suite struct RecordingSchemaTests {
    @Test func schemaAndSeekAsSQLiteSeesThem() throws {
        let path = temporaryRecording()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let rec = try Recording(path: path, storetopVersion: "9.9.9")
        let a = try rec.target(named: "alpha"), b = try rec.target(named: "beta")
        #expect(try rec.target(named: "alpha") == a)
        for i in 0..<20 { try rec.append(synthetic(1_000_000 + Double(i) * 10), target: i % 2 == 0 ? a : b) }
        try rec.close()
        #expect(try sqlite3(path, "PRAGMA journal_mode") == "wal")
        #expect(try sqlite3(path, "SELECT value FROM meta WHERE key = 'storetop_version'") == "9.9.9")
        #expect(try sqlite3(path, "SELECT count(*) FROM snapshots WHERE target_id = \(a)") == "10")
        let plan = try sqlite3(
            path, "EXPLAIN QUERY PLAN SELECT body FROM snapshots WHERE target_id = 1 AND taken_at <= 5 ORDER BY taken_at DESC LIMIT 1")
        #expect(plan.contains("snapshots_target_time"), "the seek uses the index: \(plan)")

        let reader = try RecordingReader(path: path)
        #expect(try reader.targets().map(\.name) == ["alpha", "beta"])
        #expect(try reader.timeRange(target: b) == Date(timeIntervalSince1970: 1_000_010)...Date(timeIntervalSince1970: 1_000_190))
        for asked in [1_000_000.0, 1_000_055, 1_000_060, 1_000_999] {
            let expected = try sqlite3(path, "SELECT max(taken_at) FROM snapshots WHERE target_id = \(a) AND taken_at <= \(asked)")
            let got = try reader.snapshot(target: a, atOrBefore: Date(timeIntervalSince1970: asked))
            #expect(got.map { String(Int($0.takenAt.timeIntervalSince1970)) } == String(Int(Double(expected)!)))
            #expect(got == synthetic(Double(expected)!), "the model comes back as it was written")
        }
        #expect(try reader.snapshot(target: a, atOrBefore: Date(timeIntervalSince1970: 999_999)) == nil)
        let source = RecordingSource(reader: reader, target: b)
        var seen: [Date] = []
        while let s = try source.next() { seen.append(s.takenAt) }
        #expect(seen.count == 10 && seen == seen.sorted())
        source.close()
    }

    @Test func retentionDropsTheOldest() throws {
        let path = temporaryRecording()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let rec = try Recording(path: path, storetopVersion: "t")
        let a = try rec.target(named: "a")
        let many = (0..<400).map { "tenant-\($0)" }
        for i in 0..<200 { try rec.append(synthetic(2_000_000 + Double(i), tenants: many), target: a) }
        let dropped = try rec.enforceRetention(retain: 50, maxSize: nil, now: Date(timeIntervalSince1970: 2_000_199))
        let oldest = try sqlite3(path, "SELECT min(taken_at) FROM snapshots")
        #expect(dropped == 149 && Double(oldest) == 2_000_149)
        let before = try rec.usedBytes()
        try rec.enforceRetention(retain: nil, maxSize: before / 2)
        #expect(try rec.usedBytes() <= before / 2)
        let left = try sqlite3(path, "SELECT count(*) || ' ' || max(taken_at) FROM snapshots")
        #expect(left.hasSuffix(" 2000199.0"), "the newest is kept: \(left)")
        #expect(Int(left.split(separator: " ")[0])! < 51)
        try rec.close()
    }

    @Test func momentsAUserTypes() throws {
        let end = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(try RecordingTime.parse("-5m", end: end) == end.addingTimeInterval(-300))
        #expect(try RecordingTime.parse("2027-01-15T08:00:00Z", end: end) == Date(timeIntervalSince1970: 1_800_000_000))
        #expect(try RecordingTime.parse("2027-01-15T08:00:00.5Z", end: end) == Date(timeIntervalSince1970: 1_800_000_000.5))
        #expect(throws: RecordingError.self) { try RecordingTime.parse("yesterday", end: end) }
    }
}

/// What a user gets wrong, answered before anything is read or written.
@Suite struct RecordingUsageTests {
    @Test func misuseIsAUsageErrorOrNamesTheFile() throws {
        let missing = NSTemporaryDirectory() + "storetop-no-such-\(UUID().uuidString).sqlite"
        let at = try storetop(["snapshot", "--at=-5m"])
        #expect(at.status == 64 && at.err.contains("--from-recording"), "\(at.err)")
        let interval = try storetop(["record", "--output", missing, "--interval", "0.1"])
        #expect(interval.status == 64 && interval.err.contains("--interval"), "\(interval.err)")
        let absent = try storetop(["snapshot", "--from-recording", missing])
        #expect(absent.status == 1 && absent.err.contains("no recording at"), "\(absent.err)")
        #expect(!FileManager.default.fileExists(atPath: missing), "nothing was created")
    }
}
