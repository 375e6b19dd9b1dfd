import Configuration
import Foundation
import StoreAccess
import StoreMetrics

/// One pass over the config file: the node tree is checked (unknown keys, types, duplicate and unknown names, each
/// error with its line), then every value is read through swift-configuration (so the environment overrides it)
/// and checked again.
struct ConfigParse {
    let path: String
    let reader: ConfigReader
    let environment: [String: String]

    func run(_ root: ConfigNode) throws -> ConfigFile {
        let top: [(String, ConfigNode)] =
            try root.node.mapping == nil && root.node.scalar == nil ? [] : root.pairs("the file", allowed: ConfigFile.top)
        let section = Dictionary(top, uniquingKeysWith: { a, _ in a })
        guard let targetsNode = section["targets"] else { throw root.error("no targets: the file needs a `targets:` mapping of named targets") }
        if let d = section["defaults"] { for (k, v) in try d.pairs("defaults", allowed: ConfigFile.settings) { try check(k, v, "defaults") } }
        var names: [String] = []
        var groups: [(String, [String])] = []
        for (name, node) in try targetsNode.pairs("targets") {
            guard name.range(of: #"^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$"#, options: .regularExpression) != nil else {
                throw node.error("target name \(ConfigNode.quoted(name)): use letters, digits, - and _ (at most 63)")
            }
            let fields = try node.pairs("target \(name)", allowed: ConfigFile.targetKeys)
            guard fields.contains(where: { $0.0 == "dsn" }) else { throw node.error("target \(name) has no dsn") }
            for (k, v) in fields where k != "dsn" && k != "group" { try check(k, v, "target \(name)") }
            if let g = fields.first(where: { $0.0 == "group" }) { Self.join(&groups, try g.1.string("group"), name) }
            names.append(name)
        }
        if let g = section["groups"] {
            for (group, list) in try g.pairs("groups") {
                guard !names.contains(group) else { throw list.error("group \(ConfigNode.quoted(group)) has the name of a target") }
                for item in try list.items("group \(group)") {
                    let n = try item.string("a group's target")
                    guard names.contains(n) else { throw item.error("group \(group): no target is named \(ConfigNode.quoted(n))") }
                    Self.join(&groups, group, n)
                }
            }
        }
        let thresholds = try section["thresholds"].map(readThresholds) ?? []
        var targets: [Target] = []
        for name in names {
            let node = try targetsNode.pairs("targets").first { $0.0 == name }!.1
            targets.append(try target(name, node, group: groups.first { $0.1.contains(name) }?.0, thresholds: thresholds))
        }
        var file = ConfigFile(path: path, targets: targets, groups: groups)
        if let r = section["retention"] { file.retention = try readRetention(r, targets: names) }
        return file
    }

    static func join(_ groups: inout [(String, [String])], _ group: String, _ name: String) {
        if let i = groups.firstIndex(where: { $0.0 == group }) {
            if !groups[i].1.contains(name) { groups[i].1.append(name) }
        } else {
            groups.append((group, [name]))
        }
    }

    /// Checks one setting's value in the file (the environment's is checked when read).
    func check(_ key: String, _ v: ConfigNode, _ what: String) throws {
        switch key {
        case "stall_after": _ = try v.number("\(what): stall_after", in: 0.001...86400)
        case "lag_seconds": _ = try v.number("\(what): lag_seconds", in: 0...86400)
        case "lag_events": _ = try v.number("\(what): lag_events", in: 1...1e15)
        case "all_databases", "detect": _ = try v.bool("\(what): \(key)")
        case "stores":
            for item in try v.items("\(what): stores") where Snapshot.ForeignStore.Kind(rawValue: try item.string("a store kind")) == nil {
                throw item.error(
                    "\(what): stores: \(ConfigNode.quoted(try item.string(""))) is not a kind storetop knows (factstr, eventcore, zestor, faucet, axon)"
                )
            }
        case "schema":
            do { _ = try StoreSchema(try v.string("\(what): schema")) } catch let e as StoreError { throw v.error("\(what): \(e.message)") }
        default: _ = try v.string("\(what): \(key)")
        }
    }
}
