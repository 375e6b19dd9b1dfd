import ArgumentParser
import Foundation
import SafeText
import StoreMetrics
import StoreRecording
import StoreTopUI

extension SnapshotCommand {
    /// `snapshot --from-recording FILE --at T`: the snapshot every recorded target had at `at` (the latest at or
    /// before it), with rates and statuses derived from the one before it, printed as a live `snapshot` prints.
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
            let report = json ? try JSONExport.encode(snap, derived: r.derived) : TextReport.render(snap, derived: r.derived)
            print(json || localeIsUTF8() ? report : report.asciiFallback)
        } else if json {
            print(try JSONExport.encode(targets: readings))
        } else {
            for r in readings {
                print("== \(DisplayText.sanitize(r.name))")
                let text = r.snapshot.map { TextReport.render($0, derived: r.derived) } ?? "error: \(DisplayText.sanitize(r.error ?? "not read"))\n"
                print(localeIsUTF8() ? text : text.asciiFallback)
            }
        }
    }

    /// One target's snapshot at `moment`, derived with the snapshot before it when there is one.
    static func reading(_ reader: RecordingReader, _ t: RecordingReader.RecordedTarget, at moment: Date, history: History) throws -> TargetReading {
        guard let snap = try reader.snapshot(target: t.id, atOrBefore: moment) else {
            return TargetReading(name: t.name, snapshot: nil, derived: nil, error: "not recorded yet at that time")
        }
        var h = history
        if let prev = try reader.snapshot(target: t.id, atOrBefore: snap.takenAt.addingTimeInterval(-1e-6)) { _ = h.add(prev) }
        let derived = h.add(snap)
        return TargetReading(name: t.name, snapshot: snap, derived: derived, error: nil)
    }
}
