import ArgumentParser
import Foundation
import SafeText
import StoreMetrics
import StoreRecording
import StoreTopUI

/// `storetop report FILE`: the post-mortem of a recording (docs/report.md): stalls with their holders, worst lags,
/// append rates, outbox growth and prunes, session peaks, the longest transactions, the xmin horizon, pools, and
/// when the server was unreachable or restarted; text for a terminal, `--json` for tools.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Summarize a recording: stalls, lags, rates, outboxes, sessions, restarts (docs/report.md).")

    @Argument(help: "The recording (a file `storetop record` wrote).")
    var file: String

    @Option(help: "Only this target of the recording (default: every target).")
    var target: String?

    @Option(help: "Start: an ISO 8601 time, or a duration back from the recording's end (--from=-2h); default: its start.")
    var from: String?

    @Option(help: "End: an ISO 8601 time, or a duration back from the recording's end (--to=-1h); default: its end.")
    var to: String?

    @Flag(help: "Print the report as JSON (docs/report.md has its shape).")
    var json = false

    @Option(help: "Seconds behind with no move (while work waited as long) before a consumer is STALLED (as the dashboard's flag).")
    var stallAfter: Double = StatusOptions.defaults.stallAfter

    @Option(help: "Seconds the oldest unhandled row must wait before a moving consumer is LAGGING.")
    var lagSeconds: Double = StatusOptions.defaults.lagSeconds

    @Option(help: "Rows behind before a moving consumer is LAGGING.")
    var lagEvents: Int64 = StatusOptions.defaults.lagEvents

    func validate() throws {
        guard stallAfter > 0, stallAfter <= 86400 else { throw ValidationError("--stall-after must be between 0 and 86400 seconds") }
        guard lagSeconds >= 0, lagSeconds <= 86400 else { throw ValidationError("--lag-seconds must be between 0 and 86400 seconds") }
        guard lagEvents >= 1 else { throw ValidationError("--lag-events must be at least 1") }
    }

    func run() throws {
        let reader: RecordingReader
        do { reader = try RecordingReader(path: file) } catch {
            throw CLIError(message: "storetop: cannot read the recording \(file): \(error)", code: ExitStatus.data)
        }
        defer { reader.close() }
        var targets = try reader.targets()
        if let target {
            targets = targets.filter { $0.name == target }
            guard !targets.isEmpty else {
                throw CLIError(message: "storetop: the recording has no target named \(DisplayText.sanitize(target))", code: ExitStatus.data)
            }
        }
        let (start, end) = try interval(reader)
        let rules = LagRules(stallAfter: stallAfter, lagSeconds: lagSeconds, lagEvents: lagEvents)
        let reports = try targets.map { try RecordingReport.make(reader, target: $0, from: start, to: end, rules: rules) }
        if json {
            print(try ReportJSON.encode(reports, file: file))
        } else {
            let text = ReportText.render(reports)
            print(localeIsUTF8() ? text : text.asciiFallback, terminator: "")
        }
    }

    /// `--from` and `--to` as moments (relative ones back from the recording's end); a usage error when unreadable.
    func interval(_ reader: RecordingReader) throws -> (Date?, Date?) {
        let end = try reader.timeRange()?.upperBound ?? Date()
        func parse(_ flag: String, _ text: String?) throws -> Date? {
            guard let text else { return nil }
            do { return try RecordingTime.parse(text, end: end) } catch {
                throw ValidationError(
                    "\(flag) \(DisplayText.sanitize(text)): not an ISO 8601 time (2026-12-05T03:12:00Z) or a duration back from the end (\(flag)=-2h)"
                )
            }
        }
        let (a, b) = (try parse("--from", from), try parse("--to", to))
        if let a, let b, a > b { throw ValidationError("--from is after --to") }
        return (a, b)
    }
}
