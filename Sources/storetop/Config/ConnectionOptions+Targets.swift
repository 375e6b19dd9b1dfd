import ArgumentParser
import Foundation
import SafeText
import StoreAccess
import StoreMetrics

extension ConnectionOptions {
    /// The targets the command line names: each positional word is a config target, a config group (its
    /// targets) or a connection string; `--dsn` adds one. With none of them: every target of the config file
    /// when there is one, else the libpq environment. Flags given on the command line override the file
    /// (`--schema`, and `status`'s when given, even with their defaults' values).
    func targets(_ status: StatusOptions? = nil) throws -> [Target] {
        let file = ConfigFile.loaded
        var out: [Target] = []
        for word in positional {
            if let named = file?.targets(named: word) {
                out += named.map { override($0, status) }
            } else {
                out.append(try commandLineTarget(word, status))
            }
        }
        if let dsn { out.append(try commandLineTarget(dsn, status)) }
        if out.isEmpty {
            out = try file.map { $0.targets.map { override($0, status) } } ?? [try commandLineTarget("", status)]
        }
        guard !out.isEmpty else { throw ValidationError("the config file \(DisplayText.sanitize(config ?? "")) lists no targets") }
        return Self.uniqueNames(out)
    }

    /// A target from a connection string typed on the command line (or "" for the libpq environment).
    func commandLineTarget(_ text: String, _ status: StatusOptions?) throws -> Target {
        let parsed: ConnectionString
        do { parsed = try ConnectionString(text) } catch let e as StoreError {
            let hint = text.contains("=") || text.contains("://") || text.hasPrefix("env:") ? "" : " (and no config target or group has that name)"
            throw ValidationError(e.message + hint)
        }
        do { _ = try StoreSchema(schema) } catch let e as StoreError { throw ValidationError(e.message) }
        if Self.carriesPassword(text, parsed) { Self.warnPasswordOnce() }
        let name =
            text.isEmpty ? ResolvedConnection(text: "", parsed: parsed, target: Target(name: "", dsn: "")).serverLabel : Target.name(forDSN: text)
        var t = Target(name: name, dsn: text, schema: schema)
        if let status { (t.allDatabases, t.foreign, t.rules) = (status.allDatabases, status.foreignKinds, status.rules) }
        return t
    }

    /// A config target with the command line's explicit flags over it.
    func override(_ t: Target, _ status: StatusOptions?) -> Target {
        var t = t
        if let s = schemaOption { t.schema = s }
        guard let status else { return t }
        if status.allDatabases { t.allDatabases = true }
        if status.noDetect { t.foreign = nil } else if status.stores != nil { t.foreign = status.foreignKinds }
        // a flag given overrides the file, even with the value that is also its default
        if let v = status.stallAfter { t.rules.stallAfter = v }
        if let v = status.lagSeconds { t.rules.lagSeconds = v }
        if let v = status.lagEvents { t.rules.lagEvents = v }
        return t
    }

    /// Names made unique in order (the same DSN twice becomes `name` and `name#2`).
    static func uniqueNames(_ targets: [Target]) -> [Target] {
        var seen: [String: Int] = [:]
        return targets.map { t in
            var t = t
            let n = (seen[t.name] ?? 0) + 1
            seen[t.name] = n
            if n > 1 { t.name += "#\(n)" }
            return t
        }
    }
}
