import Foundation
import StoreAccess
import StoreMetrics

/// One rule of the config file's `retention:` section (docs/pruning.md, "Retention by policy"): which outboxes it
/// is for (target, store schema, tenant, kind; `*` for any) and how `storetop prune --policy` prunes them.
struct RetentionRule: Sendable, Equatable {
    /// How the rule prunes.
    enum Mode: Sendable, Equatable {
        /// Only rows every registered durable watcher has passed.
        case safe
        /// Safe, and also every row older than `maxAge` whatever the watchers (the ones that miss rows are named).
        case safeAge(maxAge: Duration)
    }

    /// The rule's name in the file.
    var name: String
    /// A target name of the file, or `*` (all targets; `all` in the file).
    var target = "*"
    /// The store schema.
    var schema = StoreSchema.defaultName
    /// A tenant, or `*`.
    var tenant = "*"
    /// An outbox kind, or `*`.
    var kind = "*"
    var mode = Mode.safe
    /// Safe pruning only takes rows older than this.
    var minAge: Duration?
    /// Rows per batch (nil: the command's `--batch`).
    var batch: Int?
    /// The line of the rule in the file.
    var line: Int?

    init(name: String) { self.name = name }

    /// The policy in a few characters: `safe`, `safe min 1h`, `safe+7d`, `safe+7d min 1h`.
    var text: String {
        var s = "safe"
        if case .safeAge(let age) = mode { s += "+" + Self.format(age) }
        if let m = minAge { s += " min " + Self.format(m) }
        return s
    }

    /// The rule as the audit and the output describe it: `rule NAME: POLICY (tenant T, kind K)`.
    var describe: String { "rule \(name): \(text) (target \(target == "*" ? "all" : target), schema \(schema), tenant \(tenant), kind \(kind))" }

    /// The prune modes of one run, in order: safe (with `min_age`), then the age bound.
    var modes: [PruneMode] {
        var m: [PruneMode] = [.safe(retention: minAge)]
        if case .safeAge(let age) = mode { m.append(.forced(olderThan: age)) }
        return m
    }

    /// A duration as typed: whole days, hours, minutes or seconds when it is one, else seconds.
    static func format(_ d: Duration) -> String {
        let s = Int64(d.seconds.rounded())
        for (unit, n) in [("d", Int64(86400)), ("h", 3600), ("m", 60)] where s >= n && s % n == 0 { return "\(s / n)\(unit)" }
        return "\(s)s"
    }

    /// Does the rule cover this outbox? `*` matches anything.
    func matches(target t: String, schema s: String, tenant te: String, kind k: String) -> Bool {
        (target == "*" || target == t) && schema == s && (tenant == "*" || tenant == te) && (kind == "*" || kind == k)
    }

    /// How specific the rule is: an exact tenant beats an exact kind beats an exact target; `*` counts nothing.
    var specificity: Int { (tenant == "*" ? 0 : 4) + (kind == "*" ? 0 : 2) + (target == "*" ? 0 : 1) }
}

/// The rules of a config file, resolved per outbox.
struct RetentionPolicy: Sendable, Equatable {
    /// Every rule, in file order.
    var rules: [RetentionRule] = []

    /// The rule for an outbox: the most specific that matches (two rules of equal specificity cannot both match:
    /// the file refuses them).
    func rule(target: String, schema: String, tenant: String, kind: String) -> RetentionRule? {
        rules.filter { $0.matches(target: target, schema: schema, tenant: tenant, kind: kind) }.max { $0.specificity < $1.specificity }
    }

    /// The store schemas the rules name for `target`.
    func schemas(target: String) -> [String] {
        var out: [String] = []
        for r in rules where (r.target == "*" || r.target == target) && !out.contains(r.schema) { out.append(r.schema) }
        return out
    }

    /// The policy text of each outbox of `target`'s store in `schema`, as the dashboard shows it (nil: no rule).
    func resolver(target: String, schema: String) -> @Sendable (String, String) -> String? {
        let me = self
        return { tenant, kind in me.rule(target: target, schema: schema, tenant: tenant, kind: kind)?.text }
    }
}
