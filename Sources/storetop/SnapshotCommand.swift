import ArgumentParser
import Foundation
import StoreAccess
import StoreMetrics
import StoreTopUI

/// `storetop snapshot [--json]`: one snapshot (two, `--sample` apart, so rates and statuses are filled in).
struct SnapshotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "snapshot", abstract: "Print one snapshot as text or JSON (docs/snapshot.md).")

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var status: StatusOptions

    @Flag(help: "Print the JSON document described in docs/snapshot.md.")
    var json = false

    @Option(help: "Seconds between the two readings used for rates and statuses (0: one reading, no rates).")
    var sample: Double = 1

    func validate() throws {
        guard sample >= 0 && sample <= 60 else { throw ValidationError("--sample must be between 0 and 60 seconds") }
    }

    func run() throws {
        let dsn = try connection.resolved()
        try reportingErrors {
            let collector = try Collector(dsn: dsn, schema: connection.schema)
            defer { collector.close() }
            var history = History(rules: status.rules)
            var derived = history.add(try collector.snapshot())
            var snap = history.snapshots.last!
            if sample > 0 {
                Thread.sleep(forTimeInterval: sample)
                derived = history.add(try collector.snapshot())
                snap = history.snapshots.last!
            }
            // JSON is UTF-8 by definition; the text report follows the terminal's locale (ASCII stand-ins outside UTF-8)
            let report = json ? try JSONExport.encode(snap, derived: derived) : TextReport.render(snap, derived: derived)
            print(json || localeIsUTF8() ? report : report.asciiFallback)
        }
    }
}
