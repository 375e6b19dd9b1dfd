import ArgumentParser
import Foundation
import StoreAccess
import StoreMetrics

/// `storetop prune --tenant T --kind K (--safe | --older-than 7d) [--dry-run] [--yes] [--batch N]`, for a zestor
/// store `storetop prune --store zestor:SCHEMA --tenant NS --kind K --older-than 7d --audit-schema NAME […]`, and
/// `storetop prune --policy [--config FILE] [--target NAME] [--dry-run] [--json]` (the config file's retention rules).
struct PruneCommand: ParsableCommand, ConnectionCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune", abstract: "Prune an outbox in batches, with an audit row (docs/pruning.md).")

    @OptionGroup var connection: ConnectionOptions

    @Option(help: "A foreign store's outbox, zestor:SCHEMA (leave it out for StoreAccess's own, in --schema).") var store: String?
    @Option(help: "Tenant of the outbox (for zestor: the namespace, ns_id).") var tenant: String?
    @Option(help: "Kind of the outbox.") var kind: String?
    @Flag(help: "Delete only rows every registered watcher has passed.") var safe = false
    @Option(
        help: "Safe mode: also only rows older than this. Alone: forced mode, rows older than this whatever the watchers (e.g. 90s, 30m, 12h, 7d).")
    var olderThan: String?
    @Flag(help: "Show the plan and change nothing.") var dryRun = false
    @Flag(help: "Do not ask for confirmation.") var yes = false
    @Option(help: "Rows per batch.") var batch: Int = 1000
    @Flag(help: "Refuse to change anything.") var readOnly = false
    @Option(help: "With --store: the schema of storetop's audit table (never the store's own schema).") var auditSchema: String?
    @Flag(help: "Apply the config file's retention rules to every outbox, without confirmation (one run, for cron or a systemd timer).")
    var policy = false
    @Option(help: "With --policy: only this target (or group) of the config file.") var target: String?
    @Flag(help: "With --policy: print the run as JSON.") var json = false

    /// The zestor schema of `--store zestor:SCHEMA` (nil: StoreAccess's own outbox).
    var zestorSchema: String? {
        get throws {
            guard let store else { return nil }
            guard store.hasPrefix("zestor:"), store.count > 7 else {
                throw ValidationError("--store takes zestor:SCHEMA (StoreAccess's own outboxes: leave it out and name --schema)")
            }
            return String(store.dropFirst(7))
        }
    }

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
        guard batch >= 1 && batch <= 100_000 else { throw ValidationError("--batch must be 1…100000") }
        if policy { return try validatePolicy() }
        if target != nil || json { throw ValidationError("--target and --json are for --policy") }
        guard let tenant, let kind else { throw ValidationError("name the outbox with --tenant and --kind (or apply the retention rules: --policy)") }
        guard let zestor = try zestorSchema else {
            _ = try mode
            if auditSchema != nil { throw ValidationError("--audit-schema is for --store: StoreAccess audits in its own prune_audit") }
            do { _ = try Names.tenant(tenant); _ = try Names.kind(kind) } catch let e as StoreError { throw ValidationError(e.message) }
            return
        }
        if safe {
            throw ValidationError(
                "--safe is refused for zestor: its watchers keep their positions in memory, so there are no durable watchers to consult; "
                    + "use --older-than (refused while a listener has been idle longer than that)")
        }
        guard let olderThan else { throw ValidationError("--store zestor:… needs --older-than DURATION") }
        _ = try Self.parseDuration(olderThan)
        guard let auditSchema else { throw ValidationError("--store zestor:… needs --audit-schema NAME (a schema of your own for the audit)") }
        guard auditSchema != zestor else { throw ValidationError("--audit-schema must not be the zestor schema: storetop never writes into it") }
        guard Int64(tenant) != nil else { throw ValidationError("--tenant of a zestor store is its namespace, an integer (ns_id)") }
    }

    func run() throws {
        if policy { return try runPolicy() }
        let (tenant, kind) = (self.tenant ?? "", self.kind ?? "")
        let target = try connection.resolve()
        let dsn = target.text
        if let zestor = try zestorSchema { return try runZestor(dsn, schema: zestor) }
        let mode = try self.mode
        try reportingErrors {
            let actions = try Actions(dsn: dsn, schema: target.schema, readOnly: readOnly || dryRun)
            defer { actions.close() }
            let plan = try actions.planPrune(tenant: tenant, kind: kind, mode: mode)
            print(Self.describe(plan))
            if dryRun { print("dry run: nothing deleted"); return }
            if plan.rows == 0 { print("nothing to delete"); return }
            guard try confirmed(plan.rows) else { print("cancelled"); return }
            try Self.execute(actions, plan, batch: batch)
        }
    }

    /// Asks before deleting `rows` rows, unless --yes; false when the answer is no. Refuses without a terminal.
    func confirmed(_ rows: Int) throws -> Bool {
        if yes { return true }
        guard isatty(0) == 1 else { throw StoreError(.invalidArgument, "not a terminal: pass --yes to prune without confirmation") }
        print("Delete \(rows) rows? [y/N] ", terminator: "")
        guard let answer = readLine()?.lowercased() else { return false }
        return answer == "y" || answer == "yes"
    }

    /// Runs the prune of StoreAccess's own outbox (see `interruptible`).
    static func execute(_ actions: Actions, _ plan: PrunePlan, batch: Int) throws {
        try interruptible { step in
            let r = try actions.executePrune(plan, batchSize: batch) { step($0.fraction, $0.deleted, $0.planned, $0.batches) }
            return Outcome(
                deleted: r.deleted, batches: r.batches, firstID: r.firstID, lastID: r.lastID, duration: r.duration, cancelled: r.cancelled,
                audit: "audit id \(r.auditID)")
        }
    }

    /// What a prune did, as its last line says.
    struct Outcome {
        let deleted: Int, batches: Int, firstID: Int64?, lastID: Int64?, duration: Duration, cancelled: Bool
        /// Where its audit row is ("audit id 7", …).
        let audit: String
    }

    /// Runs a prune whose batches call `step(fraction, deleted, planned, batches)`, which draws the progress bar on a
    /// terminal and says whether to go on. SIGINT, SIGTERM and SIGHUP stop it after the current batch: the audit row
    /// is closed as cancelled with the rows deleted so far, and the process exits 128 + the signal (130, 143, 129).
    static func interruptible(_ body: (_ step: (Double, Int, Int, Int) -> Bool) throws -> Outcome) throws {
        Signals.install()
        let tty = isatty(1) == 1
        let report = try body { fraction, deleted, planned, batches in
            if tty { print("\r\(Self.bar(fraction, 30)) \(deleted)/\(planned) rows, \(batches) batches", terminator: ""); fflush(nil) }
            return quitSignal.load(ordering: .relaxed) == 0
        }
        if tty { print() }
        let ids = "ids \(report.firstID.map(String.init) ?? "-")…\(report.lastID.map(String.init) ?? "-")"
        let done = "\(report.deleted) rows (\(ids)) in \(report.batches) batches, \(String(format: "%.0f", report.duration.seconds * 1000)) ms"
        let signal = quitSignal.load(ordering: .relaxed)
        guard report.cancelled else {
            print("deleted \(done); \(report.audit)")
            return
        }
        let by = signal == 0 ? "" : " by \(Signals.name(signal))"
        print("cancelled\(by) after the current batch: deleted \(done); \(report.audit) (status cancelled)")
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
