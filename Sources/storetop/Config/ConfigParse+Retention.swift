import Foundation
import StoreAccess
import StoreMetrics

extension ConfigParse {
    /// The file's `retention:` section: named rules in file order. A mapping of named rules, not a list, as
    /// `thresholds:` is: swift-configuration's YAML provider refuses a list of mappings for the whole file.
    func readRetention(_ node: ConfigNode, targets: [String]) throws -> RetentionPolicy {
        var policy = RetentionPolicy()
        for (name, item) in try node.pairs("retention") {
            var r = RetentionRule(name: name)
            r.line = item.node.mark?.line
            var maxAge: (Duration, ConfigNode)?
            var modeNode: ConfigNode?
            for (k, v) in try item.pairs("retention rule \(name)", allowed: ConfigFile.retentionKeys) {
                let what = "retention rule \(name): \(k)"
                switch k {
                case "target":
                    let t = try v.string(what)
                    guard t == "all" || t == "*" || targets.contains(t) else {
                        throw v.error("\(what): no target is named \(ConfigNode.quoted(t)) (a target of this file, or all)")
                    }
                    r.target = t == "all" ? "*" : t
                case "schema":
                    do { r.schema = try StoreSchema(try v.string(what)).name.name } catch let e as StoreError {
                        throw v.error("\(what): \(e.message)")
                    }
                case "tenant": r.tenant = try Self.name(v, what, Names.tenant)
                case "kind": r.kind = try Self.name(v, what, Names.kind)
                case "mode": modeNode = v
                case "max_age": maxAge = (try Self.duration(v, what), v)
                case "min_age": r.minAge = try Self.duration(v, what)
                default: r.batch = Int(try v.number(what, in: 1...100_000))
                }
            }
            r.mode = try Self.mode(name, item, modeNode, maxAge)
            if case .safeAge(let max) = r.mode, let min = r.minAge, min >= max {
                throw item.error(
                    "retention rule \(name): min_age (\(RetentionRule.format(min))) must be less than max_age (\(RetentionRule.format(max)))")
            }
            if let twin = policy.rules.first(where: { ($0.target, $0.schema, $0.tenant, $0.kind) == (r.target, r.schema, r.tenant, r.kind) }) {
                throw item.error("retention rule \(name) covers the same outboxes as rule \(twin.name) (line \(twin.line.map(String.init) ?? "-"))")
            }
            policy.rules.append(r)
        }
        return policy
    }

    /// `mode: safe` (no `max_age`) or `mode: safe+age` (with `max_age`).
    static func mode(_ name: String, _ item: ConfigNode, _ node: ConfigNode?, _ maxAge: (Duration, ConfigNode)?) throws -> RetentionRule.Mode {
        guard let node else { throw item.error("retention rule \(name) has no mode (mode: safe, or mode: safe+age with max_age)") }
        switch try node.string("retention rule \(name): mode") {
        case "safe":
            if let (_, at) = maxAge {
                throw at.error("retention rule \(name): max_age is for mode: safe+age (mode safe never deletes unpassed rows)")
            }
            return .safe
        case "safe+age":
            guard let (age, _) = maxAge else { throw node.error("retention rule \(name): mode safe+age needs max_age (e.g. max_age: 7d)") }
            return .safeAge(maxAge: age)
        case let other:
            throw node.error("retention rule \(name): mode \(ConfigNode.quoted(other)) is not a mode (safe, or safe+age with max_age)")
        }
    }

    /// A duration typed as `--older-than` takes it (`90s`, `30m`, `12h`, `7d`), at least a second.
    static func duration(_ v: ConfigNode, _ what: String) throws -> Duration {
        do {
            let d = try DurationText.duration(try v.string(what))
            guard d >= .seconds(1) else { throw v.error("\(what): at least 1s") }
            return d
        } catch let e as DurationText.Invalid { throw v.error("\(what): \(e.description)") }
    }

    /// A tenant or kind name, or `*`.
    static func name(_ v: ConfigNode, _ what: String, _ check: (String) throws -> String) throws -> String {
        let s = try v.string(what)
        if s == "*" { return s }
        do { return try check(s) } catch let e as StoreError { throw v.error("\(what): \(e.message)") }
    }
}
