import SafeText
import StoreAccess

/// Writes the Prometheus text exposition format (version 0.0.4) directly, in one pass and in linear time: each
/// family's `# HELP` and `# TYPE` once, then its samples, families in the order they were first used (so two
/// renders of the same snapshot are byte-identical). A sample given twice with the same labels replaces the
/// first (a gauge is set, as a registry would), so the output never holds a duplicate series.
///
/// Label values are made safe twice: `DisplayText.sanitize` first (a control character from the database becomes
/// the visible text `\x1b`, never a terminal escape in whatever shows the scrape), then the format's own escaping
/// of backslash, double quote and line feed.
public struct PrometheusText: Sendable {
    /// The metric types this exporter emits.
    public enum Kind: String, Sendable {
        case gauge, counter
    }

    private struct Family: Sendable {
        let help: String
        let kind: Kind
        var samples: [String] = []
        var index: [String: Int] = [:]
    }

    private var order: [String] = []
    private var families: [String: Family] = [:]
    /// Labels put first on every sample added from now on (the fleet's `target`), so several snapshots share one
    /// family each.
    public var constantLabels: [(String, String)] = []

    /// An empty exposition.
    public init() {}

    /// Adds (or replaces) the gauge sample `name{labels} value`.
    public mutating func gauge(_ name: String, _ help: String, _ labels: [(String, String)] = [], _ value: Double) {
        add(name, help, .gauge, labels, Self.format(value))
    }

    /// Adds (or replaces) the counter sample `name{labels} value` (negative values are written as 0: a counter
    /// never goes down).
    public mutating func counter(_ name: String, _ help: String, _ labels: [(String, String)] = [], _ value: Int64) {
        add(name, help, .counter, labels, String(max(0, value)))
    }

    /// The exposition text.
    public func render() -> String {
        var out = ""
        out.reserveCapacity(families.values.reduce(0) { $0 + $1.samples.count * 96 })
        for name in order {
            guard let f = families[name] else { continue }
            out += "# HELP \(name) \(Self.escapeHelp(f.help))\n# TYPE \(name) \(f.kind.rawValue)\n"
            for s in f.samples { out += s }
        }
        return out
    }

    private mutating func add(_ name: String, _ help: String, _ kind: Kind, _ given: [(String, String)], _ value: String) {
        let labels = constantLabels.isEmpty ? given : constantLabels + given
        var key = ""
        if !labels.isEmpty {
            key.reserveCapacity(labels.count * 24)
            key += "{"
            for (i, (label, v)) in labels.enumerated() {
                if i > 0 { key += "," }
                key += label
                key += "=\""
                key += Self.escapeLabel(v)
                key += "\""
            }
            key += "}"
        }
        let line = name + key + " " + value + "\n"
        if families[name] == nil {
            order.append(name)
            families[name] = Family(help: help, kind: kind)
        }
        if let i = families[name]!.index[key] {
            families[name]!.samples[i] = line
        } else {
            families[name]!.index[key] = families[name]!.samples.count
            families[name]!.samples.append(line)
        }
    }

    /// A label value as the format wants it: sanitized for display, then `\` `"` and line feed escaped.
    public static func escapeLabel(_ value: String) -> String {
        let safe = DisplayText.sanitize(value)
        guard safe.utf8.contains(where: { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\"") }) else { return safe }
        var out = ""
        out.reserveCapacity(safe.utf8.count + 4)
        for ch in safe.unicodeScalars {
            switch ch {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    /// HELP text: one line, backslashes escaped.
    static func escapeHelp(_ help: String) -> String {
        DisplayText.sanitize(help).replacingOccurrences(of: "\\", with: "\\\\")
    }

    /// A sample value: `+Inf`, `-Inf` and `NaN` as the format spells them, other values as Swift prints a Double.
    static func format(_ v: Double) -> String {
        if v.isNaN { return "NaN" }
        if v.isInfinite { return v > 0 ? "+Inf" : "-Inf" }
        return "\(v)"
    }
}
