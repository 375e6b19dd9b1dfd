import SafeText
import StoreAccess

/// Writes the Prometheus text exposition format (version 0.0.4) directly, in one pass and in linear time: each
/// family's `# HELP` and `# TYPE` once, then its samples, families in the order they were first used (so two
/// renders of the same snapshot are byte-identical). A sample given twice with the same labels replaces the
/// first (a gauge is set, as a registry would), so the output never holds a duplicate series.
///
/// Label values are made safe twice: `DisplayText.sanitize` first (a control character from the database becomes
/// the visible text `\x1b`, never a terminal escape in whatever shows the scrape), then the format's own escaping
/// of backslash, double quote and line feed. A row's labels are escaped once (`Labels`) and shared by its samples.
public struct PrometheusText: Sendable {
    /// The metric types this exporter emits.
    public enum Kind: String, Sendable {
        case gauge, counter
    }

    private struct Family: Sendable {
        let name: String
        let help: String
        let kind: Kind
        var lines: [String] = []
        /// Labels body → index in `lines`: a sample given again replaces its line.
        var index: [String: Int] = [:]
    }

    /// Families in the order they were first used, and where each name is among them.
    private var families: [Family] = []
    private var position: [String: Int] = [:]
    /// Labels put first on every sample added from now on (the fleet's `target`), so several snapshots share one
    /// family each.
    public var constantLabels: [(String, String)] = [] {
        didSet { constant = Labels(constantLabels) }
    }
    private var constant = Labels.none

    /// An empty exposition.
    public init() {}

    /// Adds (or replaces) the gauge sample `name{labels} value`.
    public mutating func gauge(_ name: String, _ help: String, _ labels: [(String, String)] = [], _ value: Double) {
        add(name, help, .gauge, Labels(labels), Self.format(value))
    }

    /// Adds (or replaces) the gauge sample `name{labels} value`, its labels escaped already.
    public mutating func gauge(_ name: String, _ help: String, _ labels: Labels, _ value: Double) {
        add(name, help, .gauge, labels, Self.format(value))
    }

    /// Adds (or replaces) the counter sample `name{labels} value` (negative values are written as 0: a counter
    /// never goes down).
    public mutating func counter(_ name: String, _ help: String, _ labels: [(String, String)] = [], _ value: Int64) {
        add(name, help, .counter, Labels(labels), String(max(0, value)))
    }

    /// The counter sample, its labels escaped already.
    public mutating func counter(_ name: String, _ help: String, _ labels: Labels, _ value: Int64) {
        add(name, help, .counter, labels, String(max(0, value)))
    }

    /// The exposition text.
    public func render() -> String {
        var heads: [String] = []
        heads.reserveCapacity(families.count)
        var size = 0
        for f in families {
            let head = "# HELP \(f.name) \(Self.escapeHelp(f.help))\n# TYPE \(f.name) \(f.kind.rawValue)\n"
            heads.append(head)
            size += head.utf8.count
            for line in f.lines { size += line.utf8.count }
        }
        var out = ""
        out.reserveCapacity(size)
        for (f, head) in zip(families, heads) {
            out += head
            for line in f.lines { out += line }
        }
        return out
    }

    private mutating func add(_ name: String, _ help: String, _ kind: Kind, _ given: Labels, _ value: String) {
        let labels = given.after(constant)
        var line = ""
        line.reserveCapacity(name.utf8.count + labels.body.utf8.count + value.utf8.count + 4)
        line += name
        if !labels.body.isEmpty {
            line += "{"
            line += labels.body
            line += "}"
        }
        line += " "
        line += value
        line += "\n"
        let f: Int
        if let i = position[name] {
            f = i
        } else {
            f = families.count
            families.append(Family(name: name, help: help, kind: kind))
            position[name] = f
        }
        if let i = families[f].index[labels.body] {
            families[f].lines[i] = line
        } else {
            families[f].index[labels.body] = families[f].lines.count
            families[f].lines.append(line)
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
