import ArgumentParser
import Foundation
import StoreMetrics
import StoreRecording

extension SnapshotCommand {
    /// `snapshot --from-recording FILE --at T`: the snapshot every recorded target had at `at` (the latest at or
    /// before it), with rates and statuses as the dashboard derived them there, printed as a live `snapshot` prints.
    func printRecorded(_ path: String) throws {
        let reader: RecordingReader
        do { reader = try RecordingReader(path: path) } catch {
            throw CLIError(message: "storetop: cannot read the recording \(path): \(error)", code: ExitStatus.failure)
        }
        defer { reader.close() }
        guard let range = try reader.timeRange() else {
            throw CLIError(message: "storetop: the recording \(path) has no snapshot", code: ExitStatus.data)
        }
        let moment: Date
        do { moment = try RecordingTime.parse(at ?? "-0s", end: range.upperBound) } catch { throw ValidationError("\(error)") }
        let history = (try? connection.targets(status).first?.history()) ?? History()
        let readings = try reader.targets().map { t in try Self.reading(reader, t, at: moment, history: history) }
        guard readings.contains(where: { $0.snapshot != nil }) else {
            throw CLIError(message: "storetop: the recording starts after \(at ?? "its end")", code: ExitStatus.data)
        }
        if readings.count == 1, let r = readings.first, let snap = r.snapshot {
            try Self.printOne(snap, r.derived, json: json)
        } else {
            try Self.printReadings(readings, json: json)
        }
    }

    /// One target's snapshot at `moment`, derived as the dashboard and `storetop replay` derive a past moment
    /// (`TimeMachine`: the live `History` warmed with the snapshots before it).
    static func reading(_ reader: RecordingReader, _ t: RecordingReader.RecordedTarget, at moment: Date, history: History) throws -> TargetReading {
        let machine = TimeMachine(archive: RecordingArchive(reader: reader, target: t.id), history: history)
        guard let f = try machine.frame(at: moment) else {
            return TargetReading(name: t.name, snapshot: nil, derived: nil, error: "not recorded yet at that time")
        }
        return TargetReading(name: t.name, snapshot: f.snapshot, derived: f.derived, error: nil)
    }
}
