import ArgumentParser
import Foundation
import StoreMetrics
import StoreRecording
import StoreTopUI

/// `storetop replay FILE`: the dashboard on a recording (docs/recording.md). Every view, drill-in, filter and sort
/// work as live; the time keys move through the recording; actions are off (nothing to prune in the past).
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay", abstract: "The dashboard on a recording, with time keys (Space plays, ← → step, [ ] a minute, { } an hour, g go to).")

    @Argument(help: "The recording (written by storetop record, or the dashboard's --record).") var file: String
    @Option(help: "The recorded target to show (needed when the recording has several).") var target: String?
    @Option(help: "Start at this moment: ISO 8601 (2026-12-05T03:12:00Z) or back from the end (-5m); default: the start.") var at: String?
    @Option(help: "Start on this view (as the dashboard's --view).") var view = "overview"
    @Option(help: "Start narrowed to this tenant.") var tenant: String?
    @Flag(help: "Show and type times in UTC (default: the local time zone).") var utc = false
    @Flag(help: "No colors (also when NO_COLOR is set).") var noColor = false

    func validate() throws {
        guard View(name: view) != nil else { throw ValidationError("unknown view \(view)") }
    }

    func run() throws {
        guard isatty(1) != 0 else {
            warn("storetop: replay needs a terminal; storetop snapshot --from-recording FILE --at T prints one moment")
            throw ExitCode(ExitStatus.usage)
        }
        _ = try NCursesTerminal.terminalType()
        let archive: RecordingArchive
        do { archive = try RecordingArchive(path: file, target: target) } catch {
            warn("storetop: \(error)")
            throw ExitCode(ExitStatus.data)
        }
        defer { archive.reader.close() }
        guard let range = try archive.timeRange() else {
            warn("storetop: \(file) has no snapshots of this target")
            throw ExitCode(ExitStatus.data)
        }
        let start: Date
        do { start = try at.map { try RecordingTime.parse($0, end: range.upperBound) } ?? range.lowerBound } catch {
            throw ValidationError("\(error)")
        }
        let options = try replayOptions(start: start, archive: archive)
        let machine = TimeMachine(archive: archive, history: History())
        let refresh = RefreshLoop(
            source: RecordingSource(reader: archive.reader, target: archive.target), interval: options.interval, clock: SystemClock())
        Signals.install()
        let terminal = try NCursesTerminal(theme: Theme(useColor: options.color))
        defer { terminal.end() }
        let effects = EffectRunner(refresh: refresh, actions: nil)
        AppLoop(
            terminal: terminal, refresh: refresh, effects: effects, options: options, past: machine,
            shouldStop: {
                quitSignal.load(ordering: .relaxed) != 0
            }
        ).run()
    }

    func replayOptions(start: Date, archive: RecordingArchive) throws -> App.Options {
        var o = App.Options()
        (o.view, o.tenant, o.readOnly, o.replayFrom) = (View(name: view)!, tenant, true, start)
        o.color = !noColor && ProcessInfo.processInfo.environment["NO_COLOR"].map(\.isEmpty) ?? true
        o.interval = try ReplayCommand.recordedInterval(archive, from: start)
        let name = target ?? ((try? archive.reader.targets().first?.name) ?? "")
        o.serverLabel = name
        o.schema = (try? archive.reader.meta("schema.\(name)")) ?? ""
        if utc { o.timeZone = TimeZone(identifier: "UTC")! }
        return o
    }

    /// The recording's own interval near `from`: the median spacing of the next snapshots, to the nearest interval
    /// the dashboard offers (the header's "every" item says what the recorder was set to).
    static func recordedInterval(_ archive: SnapshotArchive, from: Date) throws -> Double {
        let times = try archive.times(after: from.addingTimeInterval(-1e-6), through: .distantFuture, limit: 21)
        let gaps = zip(times.dropFirst(), times).map { $0.timeIntervalSince($1) }.sorted()
        guard !gaps.isEmpty else { return 2 }
        let median = gaps[gaps.count / 2]
        return [0.5, 1, 2, 3, 5, 10, 30, 60].min { abs($0 - median) < abs($1 - median) } ?? median
    }
}
