import ArgumentParser
import Foundation
import StoreAccess
import StoreMetrics

/// The dashboard (default command).
struct Top: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "top", abstract: "The interactive dashboard (default).")

    @OptionGroup var connection: ConnectionOptions

    @Option(help: "Seconds between refreshes (0.5 to 60).") var interval: Double = 2
    @Option(help: "Start narrowed to this tenant.") var tenant: String?
    @Option(help: "Start on this view: overview, sessions, pools, streams, consumers, outboxes, bookmarks (or 1-7).") var view: String = "overview"
    @Flag(help: "Turn off prune, cancel and terminate.") var readOnly = false
    @Flag(help: "No colors (also when NO_COLOR is set).") var noColor = false
    @Option(help: "Draw this many refreshes, then exit (for scripts and tests).") var iterations: Int?

    func validate() throws {
        guard interval >= 0.5 && interval <= 60 else { throw ValidationError("--interval must be between 0.5 and 60 seconds") }
        guard View(name: view) != nil else { throw ValidationError("unknown view \(view); one of: " + View.allCases.map { $0.title.lowercased() }.joined(separator: ", ")) }
        if let i = iterations, i < 1 { throw ValidationError("--iterations must be at least 1") }
        if let t = tenant { do { _ = try Names.tenant(t) } catch let e as StoreError { throw ValidationError(e.message) } }
    }

    func run() throws {
        let dsn = try connection.resolved()
        try Top.runDashboard(dsn: dsn, schema: connection.schema, options: appOptions(dsn: dsn))
    }

    func appOptions(dsn: String) throws -> App.Options {
        var o = App.Options()
        o.interval = interval
        o.tenant = tenant
        o.view = View(name: view)!
        o.readOnly = readOnly
        o.color = !noColor && ProcessInfo.processInfo.environment["NO_COLOR"].map(\.isEmpty) ?? true
        o.iterations = iterations
        let p = try ConnectionString(dsn).parameters()
        o.serverLabel = (p["host"] ?? ProcessInfo.processInfo.environment["PGHOST"] ?? "local") + ":" + (p["port"] ?? ProcessInfo.processInfo.environment["PGPORT"] ?? "5432")
        return o
    }

    static func runDashboard(dsn: String, schema: String, options: App.Options) throws {
        let collector = try reportingErrors { try Collector(dsn: dsn, schema: schema) }
        defer { collector.close() }
        let actions = try Actions(dsn: dsn, schema: schema, readOnly: options.readOnly)
        defer { actions.close() }
        let app = App(collector: collector, actions: actions, options: options)
        Signals.install()
        if isatty(1) == 0 {
            let env = ProcessInfo.processInfo.environment
            if !app.runPlain(width: Int(env["COLUMNS"] ?? "") ?? 120, height: Int(env["LINES"] ?? "") ?? 40) { throw ExitCode(2) }
            return
        }
        let terminal = try NCursesTerminal(theme: Theme(useColor: options.color))
        defer { terminal.end() }
        app.run(terminal: terminal)
    }
}
