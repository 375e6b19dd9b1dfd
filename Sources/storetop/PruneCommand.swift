import ArgumentParser
import Foundation
import StoreAccess
import StoreMetrics

/// `storetop prune --tenant T --kind K (--safe | --older-than 7d) [--dry-run] [--yes] [--batch N]`.
struct PruneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune", abstract: "Prune an outbox in batches, with an audit row (docs/pruning.md).")

    @OptionGroup var connection: ConnectionOptions

    @Option(help: "Tenant of the outbox.") var tenant: String
    @Option(help: "Kind of the outbox.") var kind: String
    @Flag(help: "Delete only rows every registered watcher has passed.") var safe = false
    @Option(
        help: "Safe mode: also only rows older than this. Alone: forced mode, rows older than this whatever the watchers (e.g. 90s, 30m, 12h, 7d).")
    var olderThan: String?
    @Flag(help: "Show the plan and change nothing.") var dryRun = false
    @Flag(help: "Do not ask for confirmation.") var yes = false
    @Option(help: "Rows per batch.") var batch: Int = 1000
    @Flag(help: "Refuse to change anything.") var readOnly = false

    /// A typed duration (`90s`, `30m`, `12h`, `7d`, `1h30m`), parsed strictly by `DurationText`.
    static func parseDuration(_ s: String) throws -> Duration {
        do {
            return try DurationText.duration(s)
        } catch let e as DurationText.Invalid {
            throw ValidationError(e.description)
        }
    }

    var mode: PruneMode {
        get throws {
            let age = try olderThan.map(Self.parseDuration)
            if safe { return .safe(retention: age) }
            guard let age else { throw ValidationError("choose --safe or --older-than DURATION") }
            return .forced(olderThan: age)
        }
    }

    func validate() throws {
        _ = try mode
        guard batch >= 1 && batch <= 100_000 else { throw ValidationError("--batch must be 1…100000") }
        do { _ = try Names.tenant(tenant); _ = try Names.kind(kind) } catch let e as StoreError { throw ValidationError(e.message) }
    }

    func run() throws {
        let dsn = try connection.resolved()
        let mode = try self.mode
        try reportingErrors {
            let actions = try Actions(dsn: dsn, schema: connection.schema, readOnly: readOnly || dryRun)
            defer { actions.close() }
            let plan = try actions.planPrune(tenant: tenant, kind: kind, mode: mode)
            print(Self.describe(plan))
            if dryRun { print("dry run: nothing deleted"); return }
            if plan.rows == 0 { print("nothing to delete"); return }
            if !yes {
                guard isatty(0) == 1 else { throw StoreError(.invalidArgument, "not a terminal: pass --yes to prune without confirmation") }
                print("Delete \(plan.rows) rows? [y/N] ", terminator: "")
                guard let answer = readLine(), answer.lowercased() == "y" || answer.lowercased() == "yes" else { print("cancelled"); return }
            }
            try Self.execute(actions, plan, batch: batch)
        }
    }

    /// Runs the prune. SIGINT, SIGTERM and SIGHUP stop it after the current batch: the audit row is closed as
    /// cancelled with the rows deleted so far, and the process exits 128 + the signal (130, 143, 129).
    static func execute(_ actions: Actions, _ plan: PrunePlan, batch: Int) throws {
        Signals.install()
        let tty = isatty(1) == 1
        let report = try actions.executePrune(plan, batchSize: batch) { p in
            if tty { print("\r\(Self.bar(p.fraction, 30)) \(p.deleted)/\(p.planned) rows, \(p.batches) batches", terminator: ""); fflush(nil) }
            return quitSignal.load(ordering: .relaxed) == 0
        }
        if tty { print() }
        let ids = "ids \(report.firstID.map(String.init) ?? "-")…\(report.lastID.map(String.init) ?? "-")"
        let done = "\(report.deleted) rows (\(ids)) in \(report.batches) batches, \(String(format: "%.0f", report.duration.seconds * 1000)) ms"
        let signal = quitSignal.load(ordering: .relaxed)
        guard report.cancelled else {
            print("deleted \(done); audit id \(report.auditID)")
            return
        }
        let by = signal == 0 ? "" : " by \(Signals.name(signal))"
        print("cancelled\(by) after the current batch: deleted \(done); audit id \(report.auditID) (status cancelled)")
        if signal != 0 { throw ExitCode(ExitStatus.interrupted(by: signal)) }
    }

    static func describe(_ p: PrunePlan) -> String {
        var s = "prune \(p.mode.name) \(p.tenant)/\(p.kind): \(p.rows) of \(p.totalRows) rows"
        if let f = p.firstID, let l = p.lastID { s += " (ids \(f)…\(l))" }
        if let o = p.olderThan { s += ", older than \(ISO8601DateFormatter().string(from: o))" }
        s += "\nwatchers: " + (p.watchers.isEmpty ? "none registered" : p.watchers.map { "\($0.name)@\($0.position)" }.joined(separator: ", "))
        if !p.missedWatchers.isEmpty {
            s += "\nWARNING: these watchers have not passed the rows and will miss them: " + p.missedWatchers.map(\.name).joined(separator: ", ")
        }
        return s
    }

    static func bar(_ f: Double, _ width: Int) -> String {
        let n = Int((f * Double(width)).rounded())
        return "[" + String(repeating: "#", count: n) + String(repeating: ".", count: width - n) + "]"
    }
}
