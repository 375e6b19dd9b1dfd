import ArgumentParser
import Configuration
import Foundation
import StoreAccess
import StoreMetrics
import SystemPackage
import Yams

/// The config file (docs/fleet.md): named targets, groups, defaults, consumer thresholds and retention rules. Found at `--config`,
/// `STORETOP_CONFIG`, or `$XDG_CONFIG_HOME/storetop/config.yaml` (`~/.config/...`). Values are read with
/// swift-configuration, the environment first (`STORETOP_TARGETS_PROD_EU_DSN` over `targets: prod-eu: dsn:`),
/// then the file; Yams' node tree gives every error its line. Secrets are taken by reference only.
struct ConfigFile {
    /// The file's path as given.
    let path: String
    /// Every target, in file order, with defaults applied.
    let targets: [Target]
    /// Group name → its targets' names, in file order (a target's `group:` joins it too).
    let groups: [(String, [String])]
    /// The `retention:` rules `storetop prune --policy` applies (docs/pruning.md).
    var retention = RetentionPolicy()

    static let top: Set = ["defaults", "targets", "groups", "thresholds", "retention"]
    static let settings: Set = ["schema", "all_databases", "stores", "detect", "stall_after", "lag_seconds", "lag_events"]
    static let targetKeys = settings.union(["dsn", "group", "passfile", "password"])
    static let thresholdKeys: Set = ["target", "store", "tenant", "consumer", "stall_after", "lag_seconds", "lag_events"]
    static let retentionKeys: Set = ["target", "schema", "tenant", "kind", "mode", "max_age", "min_age", "batch"]

    /// The file to read: `explicit` (--config) or STORETOP_CONFIG, which must exist; else the default path when
    /// it exists; else none.
    static func locate(explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> (String, required: Bool)? {
        if let p = explicit ?? environment["STORETOP_CONFIG"], !p.isEmpty { return (p, true) }
        let base = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? (environment["HOME"] ?? "") + "/.config"
        let p = base + "/storetop/config.yaml"
        return FileManager.default.fileExists(atPath: p) ? (p, false) : nil
    }

    /// Reads and checks the file at `path`.
    static func load(_ path: String, environment: [String: String] = ProcessInfo.processInfo.environment) async throws -> ConfigFile {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(file: path, line: nil, column: nil, message: "cannot read the config file (missing, unreadable or not UTF-8)")
        }
        let root: Node
        do {
            root = try Yams.compose(yaml: text) ?? Node.mapping(Node.Mapping([]))
        } catch let e as YamlError {
            throw Self.syntaxError(e, path: path, text: text)
        }
        let reader: ConfigReader
        do { reader = try await Self.reader(path, environment: environment) } catch {
            throw ConfigError(file: path, line: nil, column: nil, message: Self.oneLine(error))
        }
        let parse = ConfigParse(path: path, reader: reader, environment: environment)
        return try parse.run(ConfigNode(file: path, node: root))
    }

    /// swift-configuration's layers: the environment (prefixed `STORETOP_`), then the file.
    static func reader(_ path: String, environment: [String: String]) async throws -> ConfigReader {
        let file = try await FileProvider<YAMLSnapshot>(filePath: FilePath(path))
        return ConfigReader(providers: [EnvironmentVariablesProvider(environmentVariables: environment).prefixKeys(with: "storetop"), file])
    }

    /// The file the command line names, read once before the command runs (`StoreTop.main`, which is async:
    /// swift-configuration's file provider is); the commands themselves are synchronous.
    nonisolated(unsafe) static var loaded: ConfigFile?

    /// Reads the config file `command` will use, if any, into `loaded`.
    static func preload(for command: ParsableCommand) async throws {
        guard let c = command as? ConnectionCommand, let (path, required) = locate(explicit: c.connection.config) else { return }
        guard required || FileManager.default.fileExists(atPath: path) else { return }
        loaded = try await load(path)
    }

    /// The targets named on the command line: a target's name, or a group's (all its targets); nil for a word that
    /// is neither (the caller takes it as a connection string).
    func targets(named word: String) -> [Target]? {
        if let t = targets.first(where: { $0.name == word }) { return [t] }
        if let g = groups.first(where: { $0.0 == word }) { return g.1.compactMap { n in targets.first { $0.name == n } } }
        return nil
    }

    static func oneLine(_ e: Error) -> String {
        "\(e)".split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: "; ")
    }
}

/// A command that takes connection options (and so may read the config file).
protocol ConnectionCommand {
    var connection: ConnectionOptions { get }
}
