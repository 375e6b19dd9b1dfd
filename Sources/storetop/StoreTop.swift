import ArgumentParser
import Foundation
import Logging
import SafeText
import StoreAccess
import StoreMetrics
import Synchronization

/// storetop: a dashboard, snapshots, Prometheus metrics and outbox pruning for PostgreSQL store databases.
@main
struct StoreTop: AsyncParsableCommand {
    /// The executable is the only place that bootstraps logging (libraries only accept a Logger). The dashboard
    /// owns the terminal, so log lines go to the file named by STORETOP_LOG, or nowhere; the other commands log
    /// warnings to stderr.
    static func main() async {
        let args = CommandLine.arguments.dropFirst()
        let tui =
            args.first.map {
                ![
                    "snapshot", "metrics", "prune", "record", "report", "render-bench", "export-bench", "fleet-bench", "replay-bench", "--help",
                    "-h", "--version",
                ].contains($0)
            } ?? true
        let logPath = ProcessInfo.processInfo.environment["STORETOP_LOG"]
        let oneShot = args.first.map { ["snapshot", "prune"].contains($0) } == true || args.contains("--once")
        LoggingSystem.bootstrap { label in
            if let logPath,
                let h = FileHandle(forWritingAtPath: logPath)
                    ?? {
                        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
                        return FileHandle(forWritingAtPath: logPath)
                    }()
            {
                h.seekToEndOfFile()
                return LineLogHandler(label: label, handle: h)
            }
            if tui { return SwiftLogNoOpLogHandler() }
            // a one-shot command reports its failure in one line itself; a serving exporter logs what it retries
            return LineLogHandler(label: label, handle: .standardError, logLevel: oneShot ? .error : .warning)
        }
        do {
            var command = try parseAsRoot()
            try await ConfigFile.preload(for: command)
            if var asyncCommand = command as? AsyncParsableCommand { try await asyncCommand.run() } else { try command.run() }
        } catch {
            ExitStatus.exit(reporting: error)
        }
    }

    static let configuration = CommandConfiguration(
        commandName: "storetop",
        abstract: "A top-like dashboard for PostgreSQL event stores, outboxes and state stores.",
        discussion: """
            Connects like psql: a positional DSN or --dsn (URL, key=value, env:VAR), or the libpq environment \
            (PGHOST, PGPORT, PGUSER, PGDATABASE, PGSERVICE, .pgpass). Several DSNs, or the targets and groups of a \
            config file (--config, STORETOP_CONFIG, ~/.config/storetop/config.yaml; docs/fleet.md), make a fleet. \
            Passwords are never printed.
            """,
        version: StoreTopVersion.text,
        subcommands: [
            Top.self, SnapshotCommand.self, MetricsCommand.self, RecordCommand.self, ReplayCommand.self, ReportCommand.self, PruneCommand.self,
            ConsumerCommand.self,
            DemoCommand.self, RenderBench.self, ExportBench.self, FleetBench.self, ReplayBench.self,
        ],
        defaultSubcommand: Top.self)
}

/// Connection options shared by every command: connection strings, or the names of targets and groups in the
/// config file (docs/fleet.md).
struct ConnectionOptions: ParsableArguments {
    @Argument(
        help:
            "Connection strings (URL or key=value), or target and group names from the config file; default: the config file's targets, else the libpq environment."
    )
    var positional: [String] = []

    @Option(name: .customLong("dsn"), help: "Connection string (URL, key=value, or env:VAR).")
    var dsn: String?

    @Option(name: .customLong("schema"), help: "Store schema name (default: the config file's, else storeaccess).")
    var schemaOption: String?

    @Option(help: "Config file with named targets (default: STORETOP_CONFIG, else ~/.config/storetop/config.yaml when it exists).")
    var config: String?

    /// The schema the flag gives, or the default.
    var schema: String { schemaOption ?? StoreSchema.defaultName }

    /// The one target of a command that takes one (prune, and the dashboard or snapshot given one), validated.
    func resolve(_ status: StatusOptions? = nil) throws -> ResolvedConnection {
        let targets = try self.targets(status)
        guard targets.count == 1, let t = targets.first else {
            throw ValidationError("this command takes one target; \(targets.count) were given (\(targets.map(\.name).joined(separator: ", ")))")
        }
        return try resolved(t)
    }

    /// The DSN of the one target.
    func resolved() throws -> String { try resolve().text }

    /// A target as the single-target commands take it.
    func resolved(_ t: Target) throws -> ResolvedConnection {
        let parsed: ConnectionString
        do { parsed = try ConnectionString(t.dsn) } catch let e as StoreError { throw ValidationError(e.message) }
        return ResolvedConnection(text: t.dsn, parsed: parsed, schema: t.schema, target: t)
    }

    /// True when `text`, typed on the command line, holds a secret (`password`, `sslpassword`, a URL's
    /// `user:secret@`, also inside a connection string given as `dbname`): anyone on the host sees it in `ps`.
    /// `env:VAR` and the libpq environment are not on the command line.
    static func carriesPassword(_ text: String, _ parsed: ConnectionString) -> Bool {
        if text.trimmingCharacters(in: .whitespaces).hasPrefix("env:") { return false }
        let p = parsed.parameters(masked: false)
        if ConnectionString.secretKeys.contains(where: { !(p[$0] ?? "").isEmpty }) { return true }
        guard let db = p["dbname"], db.contains("=") || db.contains("://"), db != text, let nested = try? ConnectionString(db) else { return false }
        return carriesPassword(db, nested)
    }

    private static let warnedPassword = Mutex(false)

    /// Warns (once per process) that a password on the command line is visible to other users.
    static func warnPasswordOnce() {
        guard
            warnedPassword.withLock({ w in
                defer { w = true }; return !w
            })
        else { return }
        warn(
            "storetop: warning: the connection string on the command line carries a password, which other users see in `ps` "
                + "(and your shell keeps in its history); put it in a password file (PGPASSFILE, ~/.pgpass) or pass --dsn env:VAR")
    }
}

/// A connection string as given and as libpq parsed it.
struct ResolvedConnection {
    let text: String
    let parsed: ConnectionString
    /// The store schema (the flag's, else the config file's target's, else the default).
    var schema: String = StoreSchema.defaultName
    /// The target, with its rules and the kinds of stores to look for.
    var target: Target

    /// "host:port" for the header, from the parsed string or the libpq environment.
    var serverLabel: String {
        let p = parsed.parameters()
        let env = ProcessInfo.processInfo.environment
        return (p["host"] ?? env["PGHOST"] ?? "local") + ":" + (p["port"] ?? env["PGPORT"] ?? "5432")
    }
}

/// Prints to stderr.
func warn(_ s: String) { FileHandle.standardError.write((s + "\n").data(using: .utf8)!) }

/// An error the CLI reports in one line and turns into exit status `code`.
struct CLIError: Error, CustomStringConvertible {
    let message: String
    let code: Int32
    var description: String { message }
}

/// Runs `body`, turning StoreErrors into one redacted line and the exit status of `ExitStatus`'s table.
func reportingErrors<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch let e as StoreError {
        warn("storetop: \(e.description)")
        throw ExitCode(ExitStatus.code(for: e))
    }
}

/// Writes log lines to a file (STORETOP_LOG, so the dashboard's screen stays clean) or to stderr. Each line is
/// redacted (`Secrets.redact`) and then made safe for a terminal (`DisplayText.sanitize`): an error's text may carry
/// a database's or another session's names, and a log file is read with `tail` and `less`.
struct LineLogHandler: LogHandler {
    let label: String
    let handle: FileHandle
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
    func log(event: LogEvent) {
        let level = event.level, message = event.message
        let all = self.metadata.merging(event.metadata ?? [:]) { $1 }
        let meta = all.isEmpty ? "" : " " + all.map { "\($0)=\($1)" }.sorted().joined(separator: " ")
        let text = "\(ISO8601DateFormatter().string(from: Date())) \(level) \(label): \(message)\(meta)"
        handle.write(Data((DisplayText.sanitize(Secrets.redact(text)) + "\n").utf8))
    }
}

/// What the dashboard, `snapshot` and `metrics` read and how they judge consumers (StoreMetrics's `LagRules`).
struct StatusOptions: ParsableArguments {
    @Flag(help: "Sessions of every database of the cluster (default: the store's database), other databases grouped apart.")
    var allDatabases = false

    // (optional, so that a flag given with its default's value still overrides a config file's figure)
    @Option(help: "Seconds behind with no move (while work waited as long) before a consumer is STALLED. (default: 10)")
    var stallAfter: Double?

    @Option(help: "Seconds the oldest unhandled row must wait before a moving consumer is LAGGING. (default: 30)")
    var lagSeconds: Double?

    @Option(help: "Rows behind before a moving consumer is LAGGING. (default: 10)")
    var lagEvents: Int64?

    @Option(help: "Only these kinds of other libraries' stores (comma-separated: factstr, eventcore, zestor, faucet, axon).")
    var stores: String?

    @Flag(help: "Do not look for other libraries' stores (docs/foreign-stores.md).")
    var noDetect = false

    /// The kinds of foreign stores to look for; nil: none.
    var foreignKinds: Set<Snapshot.ForeignStore.Kind>? {
        if noDetect { return nil }
        guard let stores else { return Set(Snapshot.ForeignStore.Kind.allCases) }
        return Set(stores.split(separator: ",").compactMap { Snapshot.ForeignStore.Kind(rawValue: $0.trimmingCharacters(in: .whitespaces)) })
    }

    func validate() throws {
        if let stores {
            for k in stores.split(separator: ",", omittingEmptySubsequences: false)
            where Snapshot.ForeignStore.Kind(rawValue: k.trimmingCharacters(in: .whitespaces)) == nil {
                throw ValidationError(
                    "--stores: \(DisplayText.sanitize(String(k))) is not a kind storetop knows (factstr, eventcore, zestor, faucet, axon)")
            }
        }
        let r = rules
        guard r.stallAfter > 0, r.stallAfter <= 86400 else { throw ValidationError("--stall-after must be between 0 and 86400 seconds") }
        guard r.lagSeconds >= 0, r.lagSeconds <= 86400 else { throw ValidationError("--lag-seconds must be between 0 and 86400 seconds") }
        guard r.lagEvents >= 1 else { throw ValidationError("--lag-events must be at least 1") }
    }

    /// The rules these options give (the defaults' figures where a flag is not given).
    var rules: LagRules {
        let d = Self.defaults
        return LagRules(stallAfter: stallAfter ?? d.stallAfter, lagSeconds: lagSeconds ?? d.lagSeconds, lagEvents: lagEvents ?? d.lagEvents)
    }

    /// The flags' defaults.
    static let defaults = LagRules()
}
