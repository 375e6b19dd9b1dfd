import ArgumentParser
import Foundation
import SafeText
import StoreAccess
import StoreMetrics
import StoreTopUI

/// `storetop snapshot [--json]`: one snapshot (two, `--sample` apart, so rates and statuses are filled in).
struct SnapshotCommand: ParsableCommand, ConnectionCommand {
    static let configuration = CommandConfiguration(commandName: "snapshot", abstract: "Print one snapshot as text or JSON (docs/snapshot.md).")

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var status: StatusOptions

    @Flag(help: "Print the JSON document described in docs/snapshot.md.")
    var json = false

    @Option(help: "Seconds between the two readings used for rates and statuses (0: one reading, no rates).")
    var sample: Double = 1

    @Option(help: "Print a moment of a recording (docs/recording.md) instead of reading a server.")
    var fromRecording: String?

    @Option(help: "With --from-recording: an ISO 8601 time, or a duration back from the recording's end (--at=-5m; default: its end).")
    var at: String?

    func validate() throws {
        guard sample >= 0 && sample <= 60 else { throw ValidationError("--sample must be between 0 and 60 seconds") }
        if at != nil && fromRecording == nil { throw ValidationError("--at needs --from-recording FILE") }
    }

    func run() throws {
        if let fromRecording { return try printRecorded(fromRecording) }
        let targets = try connection.targets(status)
        if targets.count > 1 { return try runFleet(targets) }
        let target = targets[0]
        try reportingErrors {
            let collector = try target.collector()
            defer { collector.close() }
            var history = target.history()
            var derived = history.add(try collector.snapshot())
            var snap = history.snapshots.last!
            if sample > 0 {
                Thread.sleep(forTimeInterval: sample)
                derived = history.add(try collector.snapshot())
                snap = history.snapshots.last!
            }
            try Self.printOne(snap, derived, json: json)
            if let (status, why) = Self.failure(of: snap) {
                warn("storetop: \(why)")
                throw ExitCode(status)
            }
        }
    }

    /// Several targets, read at once (docs/snapshot.md, "Several targets"): the fleet document, or one report per
    /// target. Every target is printed; a target that could not be read makes the status 69.
    func runFleet(_ targets: [Target]) throws {
        let readings = Fleet.readAll(targets, sample: sample)
        try Self.printReadings(readings, json: json)
        let failed = readings.filter { $0.snapshot == nil }
        if !failed.isEmpty {
            warn(
                "storetop: \(failed.count) of \(readings.count) targets could not be read: "
                    + failed.map { DisplayText.sanitize($0.name) }.joined(separator: ", "))
            throw ExitCode(ExitStatus.unavailable)
        }
    }

    /// One snapshot as the text report or the JSON document. JSON is UTF-8 by definition; the text report follows
    /// the terminal's locale (ASCII stand-ins outside UTF-8).
    static func printOne(_ snap: Snapshot, _ derived: Derived?, json: Bool) throws {
        let report = json ? try JSONExport.encode(snap, derived: derived) : TextReport.render(snap, derived: derived)
        print(json || localeIsUTF8() ? report : report.asciiFallback)
    }

    /// Several targets' readings: the fleet document, or a titled report per target (a reading without a snapshot
    /// prints its error).
    static func printReadings(_ readings: [TargetReading], json: Bool) throws {
        if json { return print(try JSONExport.encode(targets: readings)) }
        for r in readings {
            let role = [r.role, r.primary.map { "of \($0)" }, r.replayDelaySeconds.map { "replay \(Format.duration($0)) behind" }]
                .compactMap { $0 }.joined(separator: " ")
            print("== \(DisplayText.sanitize(r.name))\(role.isEmpty ? "" : " (\(role))")")
            let text = r.snapshot.map { TextReport.render($0, derived: r.derived) } ?? "error: \(DisplayText.sanitize(r.error ?? "not read"))\n"
            print(localeIsUTF8() ? text : text.asciiFallback)
        }
    }

    /// The panels that read the store's own tables: with none of them a snapshot says nothing about the store.
    static let storePanels = ["pools", "streams", "cursors", "outboxes", "bookmarks", "tenants"]

    /// A snapshot whose every store panel failed (or whose store schema is missing or unreadable) is a failure:
    /// the report is printed, and the exit status says why (77 permission, 65 no store here, 1 otherwise).
    static func failure(of s: Snapshot) -> (Int32, String)? {
        let failed = Dictionary(s.errors.map { ($0.panel, $0) }, uniquingKeysWith: { a, _ in a })
        let reasons = failed["store"].map { [$0] } ?? storePanels.compactMap { failed[$0] }
        guard failed["store"] != nil || reasons.count == storePanels.count else { return nil }
        let why = "no store panel could be read: " + (reasons.first.map { DisplayText.sanitize($0.reason) } ?? "")
        if reasons.allSatisfy({ $0.reason.contains("permission denied") }) { return (ExitStatus.permission, why) }
        return (failed["store"] != nil ? ExitStatus.data : ExitStatus.failure, why)
    }
}
