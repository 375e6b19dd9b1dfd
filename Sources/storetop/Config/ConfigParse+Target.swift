import Configuration
import Foundation
import StoreAccess
import StoreMetrics

extension ConfigParse {
    /// A threshold of the file and the targets (glob) it is for.
    struct Threshold {
        var target: String
        var rule: ConsumerThreshold
    }

    /// A setting of target `name`: the environment's, else the target's in the file, else the defaults'.
    func setting(_ name: String, _ key: String) -> String? {
        reader.string(forKey: ConfigKey(["targets", name, key])) ?? reader.string(forKey: ConfigKey(["defaults", key]))
    }

    /// A number setting, checked again (the environment may have given it).
    func number(_ name: String, _ key: String, _ node: ConfigNode, in range: ClosedRange<Double>) throws -> Double? {
        guard let s = setting(name, key) else { return nil }
        guard let v = Double(s), range.contains(v) else {
            throw node.error(
                "target \(name): \(key) \(ConfigNode.quoted(s)) must be a number from \(ConfigNode.format(range.lowerBound)) to \(ConfigNode.format(range.upperBound))"
            )
        }
        return v
    }

    /// Target `name` with its settings, connection string and thresholds.
    func target(_ name: String, _ node: ConfigNode, group: String?, thresholds: [Threshold]) throws -> Target {
        let fields = Dictionary(try node.pairs("target \(name)"), uniquingKeysWith: { a, _ in a })
        var t = Target(name: name, dsn: try dsn(name, fields["dsn"] ?? node, fields), group: group)
        if let s = setting(name, "schema") {
            do { t.schema = try StoreSchema(s).name.name } catch let e as StoreError { throw node.error("target \(name): \(e.message)") }
        }
        t.allDatabases = setting(name, "all_databases").map { $0 == "true" } ?? false
        if setting(name, "detect") == "false" {
            t.foreign = nil
        } else if let kinds = reader.stringArray(forKey: ConfigKey(["targets", name, "stores"]))
            ?? reader.stringArray(forKey: ConfigKey(["defaults", "stores"]))
        {
            t.foreign = Set(
                try kinds.map { k in
                    guard let kind = Snapshot.ForeignStore.Kind(rawValue: k.trimmingCharacters(in: .whitespaces)) else {
                        throw node.error("target \(name): stores: \(ConfigNode.quoted(k)) is not a kind storetop knows")
                    }
                    return kind
                })
        }
        if let v = try number(name, "stall_after", node, in: 0.001...86400) { t.rules.stallAfter = v }
        if let v = try number(name, "lag_seconds", node, in: 0...86400) { t.rules.lagSeconds = v }
        if let v = try number(name, "lag_events", node, in: 1...1e15) { t.rules.lagEvents = Int64(v) }
        t.rules.overrides = thresholds.filter { ConsumerThreshold.glob($0.target, name) }.map(\.rule)
        return t
    }

    /// The target's connection string: the file's (or the environment's) `dsn`, which must carry no password,
    /// with `passfile` and a `password: env:VAR` reference added.
    func dsn(_ name: String, _ node: ConfigNode, _ fields: [String: ConfigNode]) throws -> String {
        let raw = reader.string(forKey: ConfigKey(["targets", name, "dsn"]), isSecret: true) ?? ""
        let parsed: ConnectionString
        do { parsed = try ConnectionString(raw, environment: environment) } catch let e as StoreError {
            throw node.error("target \(name): \(e.message)")
        }
        if !raw.hasPrefix("env:") && ConnectionOptions.carriesPassword(raw, parsed) {
            throw node.error(
                "target \(name): the dsn carries a password; put it in a passfile (passfile: PATH) or name a variable (password: env:VAR)")
        }
        var params = parsed.parameters(masked: false)
        if let p = setting(name, "passfile") {
            params["passfile"] = p.hasPrefix("~/") ? (environment["HOME"] ?? "") + p.dropFirst(1) : p
        }
        if let p = reader.string(forKey: ConfigKey(["targets", name, "password"]), isSecret: true) {
            let at = fields["password"] ?? node
            guard p.hasPrefix("env:"), p.count > 4 else {
                throw at.error("target \(name): password is taken by reference only (password: env:VAR, or a passfile), never inline")
            }
            guard let v = environment[String(p.dropFirst(4))] else {
                throw at.error("target \(name): environment variable \(p.dropFirst(4)) is not set")
            }
            params["password"] = v
        }
        guard fields["password"] != nil || setting(name, "passfile") != nil else { return raw }
        return Self.keyValue(params)
    }

    /// libpq's key=value form, each value single-quoted with `\` and `'` escaped.
    static func keyValue(_ params: [String: String]) -> String {
        params.sorted { $0.key < $1.key }.map { k, v in
            "\(k)='" + v.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
        }.joined(separator: " ")
    }

    /// The file's `thresholds:` list.
    func readThresholds(_ node: ConfigNode) throws -> [Threshold] {
        // a mapping of named thresholds in file order, not a list: swift-configuration's YAML provider reads lists
        // of scalars only
        try node.pairs("thresholds").map { name, item in
            var t = Threshold(target: "*", rule: ConsumerThreshold())
            for (k, v) in try item.pairs("threshold \(name)", allowed: ConfigFile.thresholdKeys) {
                switch k {
                case "target": t.target = try v.string("target")
                case "store": t.rule.store = try v.string("store")
                case "tenant": t.rule.tenant = try v.string("tenant")
                case "consumer": t.rule.consumer = try v.string("consumer")
                case "stall_after": t.rule.stallAfter = try v.number("stall_after", in: 0.001...86400)
                case "lag_seconds": t.rule.lagSeconds = try v.number("lag_seconds", in: 0...86400)
                default: t.rule.lagEvents = Int64(try v.number("lag_events", in: 1...1e15))
                }
            }
            guard t.rule.stallAfter != nil || t.rule.lagSeconds != nil || t.rule.lagEvents != nil else {
                throw item.error("threshold \(name) sets none of stall_after, lag_seconds, lag_events")
            }
            return t
        }
    }
}
