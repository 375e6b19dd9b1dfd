import Foundation
import StoreRecording
import Testing

@testable import StoreMetrics

/// The dashboard's rolling history writes at most a share of the refresh thread's time: at 10k tenants a snapshot
/// took about 350 ms to write, a quarter of the refresh (issue 23). `--record` writes every snapshot.
@Suite struct RecordingTeeTests {
    /// Snapshots one second apart, each of 200 tenants.
    final class Ticks: SnapshotSource, @unchecked Sendable {
        var t = 3_000_000.0
        func snapshot(now: Date) throws -> Snapshot {
            t += 1
            return synthetic(t, tenants: (0..<200).map { "tenant-\($0)" })
        }
        func close() {}
    }

    func recorded(_ path: String) throws -> Int {
        Int(try sqlite3(path, "SELECT count(*) FROM snapshots").trimmingCharacters(in: .whitespacesAndNewlines))!
    }

    @Test func everySnapshotIsWrittenWithoutAShare() throws {
        let path = temporaryRecording()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let rec = try Recording(path: path, storetopVersion: "t")
        let tee = try RecordingTee(Ticks(), recording: rec, name: "db", schema: "s", retain: nil)
        for _ in 0..<10 { _ = try tee.snapshot(now: Date()) }
        try rec.close()
        #expect(tee.skipped == 0 && tee.writeError == nil)
        #expect(try recorded(path) == 10)
    }

    @Test func aShareSkipsSnapshotsUntilTheLastWriteIsPaidFor() throws {
        let path = temporaryRecording()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let rec = try Recording(path: path, storetopVersion: "t")
        // a share so small that one write (however fast) pays for more than the 10 s the snapshots span
        let tee = try RecordingTee(Ticks(), recording: rec, name: "db", schema: "s", retain: 3600, maxWriteShare: 1e-9)
        var read = 0
        for _ in 0..<10 {
            _ = try tee.snapshot(now: Date())
            read += 1
        }
        try rec.close()
        #expect(read == 10, "every snapshot still reaches the dashboard")
        #expect(tee.skipped == 9 && tee.writeError == nil)
        #expect(try recorded(path) == 1)
    }

    @Test func aShareThatTheWritesFitWritesEverySnapshot() throws {
        let path = temporaryRecording()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let rec = try Recording(path: path, storetopVersion: "t")
        // a write of 200 tenants takes far less than the 1 s between snapshots
        let tee = try RecordingTee(Ticks(), recording: rec, name: "db", schema: "s", retain: 3600, maxWriteShare: 0.9)
        for _ in 0..<10 { _ = try tee.snapshot(now: Date()) }
        try rec.close()
        #expect(tee.skipped == 0)
        #expect(try recorded(path) == 10)
    }
}
