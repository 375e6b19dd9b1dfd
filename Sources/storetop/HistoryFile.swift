import Foundation
import StoreMetrics
import StoreRecording

/// The live dashboard's rolling history (`--history`, default an hour) and `--record FILE`: the collector's
/// snapshots go into a recording as they are read, and the time keys read it back. Without `--record`, the file is
/// private (a 0700 directory of its own under the temporary directory) and removed when the dashboard ends.
struct HistoryFile {
    /// Seconds kept (0: no history, unless recording).
    var keep: Double
    /// The recording asked for with `--record`.
    var record: String?
    /// The target's name in the file.
    var name: String
    /// The store schema read (kept in the file's meta for a replay's STORE column).
    var schema = ""

    /// An open history: the tee the refresh loop reads, and what to remove at the end.
    struct Opened {
        let tee: RecordingTee<Collector>
        let path: String
        let directory: String?

        /// A time machine over the file, deriving with `derive` (the live loop's empty history).
        func machine(_ derive: History) throws -> TimeMachine {
            TimeMachine(archive: RecordingArchive(reader: try RecordingReader(path: path), target: tee.targetID), history: derive)
        }

        /// Closes the file, and removes a private one.
        func close() {
            try? tee.recording.close()
            if let directory { try? FileManager.default.removeItem(atPath: directory) }
        }
    }

    /// Opens the recording the collector is read through; nil when there is no history to keep.
    func open(_ collector: Collector, interactive: Bool) throws -> Opened? {
        let version = StoreTopVersion.number
        if let record {
            let recording = try reportingErrors { try Recording(path: record, storetopVersion: version) }
            return Opened(
                tee: try RecordingTee(collector, recording: recording, name: name, schema: schema, retain: nil), path: record, directory: nil)
        }
        guard keep > 0, interactive else { return nil }
        // the rolling history is a convenience: a temporary directory that cannot be written (full, read-only)
        // leaves the dashboard without time keys, never without a dashboard
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("storetop-history-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        do {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
            let path = dir.appendingPathComponent("history.sqlite").path
            let recording = try Recording(path: path, storetopVersion: version)
            return Opened(
                tee: try RecordingTee(collector, recording: recording, name: name, schema: schema, retain: keep, maxWriteShare: 0.1),
                path: path, directory: dir.path)
        } catch {
            try? FileManager.default.removeItem(at: dir)
            return nil
        }
    }
}
