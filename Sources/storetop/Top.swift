import ArgumentParser
import Foundation
import StoreAccess
import StoreMetrics
import StoreRecording
import StoreTopUI

/// The dashboard (default command).
struct Top: ParsableCommand, ConnectionCommand {
    static let configuration = CommandConfiguration(commandName: "top", abstract: "The interactive dashboard (default).")

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var status: StatusOptions

    @Option(help: "Seconds between refreshes (0.5 to 60).") var interval: Double = 2
    @Option(help: "Start narrowed to this tenant.") var tenant: String?
    @Option(help: "Start on this view: overview, sessions, pools, streams, consumers, outboxes, bookmarks, replication (or 1-8).") var view: String =
        "overview"
    @Flag(help: "Turn off prune, cancel and terminate.") var readOnly = false
    @Option(help: "Schema for the audit of a zestor outbox prune (never zestor's own; docs/pruning.md).") var auditSchema: String?
    @Flag(help: "No colors (also when NO_COLOR is set).") var noColor = false
    @Option(help: "Draw this many refreshes, then exit (for scripts and tests).") var iterations: Int?
    @Option(help: "How far back the time keys (← → [ ] { } g) can go: the rolling history, kept in a private temporary file (0: off).")
    var history = "1h"
    @Option(help: "Also keep everything the dashboard reads in this recording (storetop replay FILE reads it).") var record: String?

    func validate() throws {
        guard interval >= 0.5 && interval <= 60 else { throw ValidationError("--interval must be between 0.5 and 60 seconds") }
        guard View(name: view) != nil else {
            throw ValidationError("unknown view \(view); one of: " + View.allCases.map { $0.title.lowercased() }.joined(separator: ", "))
        }
        if let i = iterations, i < 1 { throw ValidationError("--iterations must be at least 1") }
        if let t = tenant { do { _ = try Names.tenant(t) } catch let e as StoreError { throw ValidationError(e.message) } }
        do { _ = try DurationText.seconds(history) } catch { throw ValidationError("--history \(history): \(error)") }
    }

    func run() throws {
        let targets = try connection.targets(status)
        if targets.count > 1 { return try Top.runFleet(targets, options: appOptions(serverLabel: "", schema: ""), auditSchema: auditSchema) }
        let resolved = try connection.resolved(targets[0])
        let t = resolved.target
        let keep = try DurationText.seconds(history)
        try Top.runDashboard(
            dsn: resolved.text, schema: t.schema, options: appOptions(serverLabel: resolved.serverLabel, schema: t.schema, target: t.name),
            rules: t.rules,
            allDatabases: t.allDatabases, foreign: t.foreign, auditSchema: auditSchema,
            history: HistoryFile(keep: keep, record: record, name: resolved.serverLabel, schema: t.schema))
    }

    func appOptions(serverLabel: String, schema: String, target: String = "") -> App.Options {
        var o = App.Options()
        o.interval = interval
        o.tenant = tenant
        o.view = View(name: view)!
        o.readOnly = readOnly
        o.color = !noColor && ProcessInfo.processInfo.environment["NO_COLOR"].map(\.isEmpty) ?? true
        o.iterations = iterations
        o.serverLabel = serverLabel
        o.schema = schema
        o.outboxPolicy = ConfigFile.loaded.flatMap { $0.retention.rules.isEmpty ? nil : $0.retention.resolver(target: target, schema: schema) }
        return o
    }

    /// Wires the live collector, the actions and a terminal (ncurses, or plain text when stdout is not one).
    static func runDashboard(
        dsn: String, schema: String, options: App.Options, rules: LagRules = LagRules(), allDatabases: Bool = false,
        foreign: Set<Snapshot.ForeignStore.Kind>? = Set(Snapshot.ForeignStore.Kind.allCases), auditSchema: String? = nil,
        history: HistoryFile = HistoryFile(keep: 0, record: nil, name: "")
    ) throws {
        if isatty(1) != 0 { _ = try NCursesTerminal.terminalType() }
        let collector = try reportingErrors { try Collector(dsn: dsn, schema: schema, allDatabases: allDatabases) }
        collector.foreignDetection.only = foreign
        collector.foreignDetection.thresholds = rules.overrides
        defer { collector.close() }
        let actions = try Actions(dsn: dsn, schema: schema, readOnly: options.readOnly)
        defer { actions.close() }
        let derive = Target(name: "", dsn: dsn, schema: schema, rules: rules).history()
        guard let opened = try history.open(collector, interactive: isatty(1) != 0) else {
            return try drive(collector, actions: actions, options: options, derive: derive, past: nil, auditSchema: auditSchema)
        }
        defer { opened.close() }
        try drive(opened.tee, actions: actions, options: options, derive: derive, past: opened.machine(derive), auditSchema: auditSchema)
    }

    /// Runs the dashboard over `source` (the collector, or the collector through the history's recording).
    static func drive<S: SnapshotSource>(
        _ source: S, actions: Actions, options: App.Options, derive: History, past: TimeMachine?, auditSchema: String?
    ) throws {
        let refresh = RefreshLoop(source: source, interval: options.interval, clock: SystemClock(), history: derive)
        Signals.install()
        let quitting = { quitSignal.load(ordering: .relaxed) != 0 }
        refresh.start()
        defer { refresh.stop() }
        if isatty(1) == 0 {
            let env = ProcessInfo.processInfo.environment
            let ok = App.runPlain(
                refresh, options: options, width: Int(env["COLUMNS"] ?? "") ?? 120, height: Int(env["LINES"] ?? "") ?? 40,
                shouldStop: quitting, fail: { warn("storetop: \($0)") })
            if !ok { throw ExitCode(ExitStatus.unavailable) }
            return
        }
        let terminal = try NCursesTerminal(theme: Theme(useColor: options.color))
        defer { terminal.end() }
        let inspector = try? actions.makeInspector()
        defer { inspector?.close() }
        let effects = EffectRunner(refresh: refresh, actions: LiveActions(actions: actions, auditSchema: auditSchema, inspector: inspector))
        AppLoop(terminal: terminal, refresh: refresh, effects: effects, options: options, past: past, shouldStop: quitting).run()
        // a prune still running (the loop ended on a signal) stops after its current batch and closes its audit row
        // as cancelled before the process exits
        if effects.pruneRunning {
            terminal.end()
            warn("storetop: stopping the prune after its current batch …")
            if !effects.stopActions() { warn("storetop: the prune did not stop within 30 s; its audit row says what committed") }
        }
    }
}

extension Top {
    /// The fleet dashboard (more than one target): a row per target, Enter opens one (docs/fleet.md).
    static func runFleet(_ targets: [Target], options: App.Options, auditSchema: String?) throws {
        if isatty(1) != 0 { _ = try NCursesTerminal.terminalType() }
        let fleet = try reportingErrors { try Fleet(targets: targets, interval: options.interval) }
        Signals.install()
        let quitting = { quitSignal.load(ordering: .relaxed) != 0 }
        fleet.start()
        defer { fleet.stop() }
        if isatty(1) == 0 {
            let env = ProcessInfo.processInfo.environment
            let ok = FleetApp.runPlain(
                fleet, options: options, width: Int(env["COLUMNS"] ?? "") ?? 120, height: Int(env["LINES"] ?? "") ?? 40, shouldStop: quitting)
            if !ok {
                warn("storetop: none of the \(targets.count) targets could be read")
                throw ExitCode(ExitStatus.unavailable)
            }
            return
        }
        let terminal = try NCursesTerminal(theme: Theme(useColor: options.color))
        defer { terminal.end() }
        FleetLoop(terminal: terminal, fleet: fleet, options: options, shouldStop: quitting).run()
    }
}
