import Foundation
import SafeText
import Yams

/// The config file's YAML as Yams composes it, kept for its positions: every error names the file, line and
/// column of the node it is about (`ConfigError`). Values are read through swift-configuration (`ConfigFile`);
/// this walks the tree to enumerate targets and groups and to refuse what storetop does not know.
struct ConfigNode {
    let file: String
    let node: Node

    /// An error at this node's position.
    func error(_ message: String) -> ConfigError { ConfigError(file: file, line: node.mark?.line, column: node.mark?.column, message: message) }

    /// The mapping's (key, value) pairs in file order; an error when this is not a mapping or repeats a key.
    func pairs(_ what: String, allowed: Set<String>? = nil) throws -> [(String, ConfigNode)] {
        guard case .mapping(let m) = node else { throw error("\(what) must be a mapping (key: value lines)") }
        var seen: Set<String> = []
        var out: [(String, ConfigNode)] = []
        for (k, v) in m {
            let key = ConfigNode(file: file, node: k)
            guard let name = k.scalar?.string else { throw key.error("\(what): a key must be a plain name") }
            guard seen.insert(name).inserted else { throw key.error("\(what): \(Self.quoted(name)) is given twice") }
            if let allowed, !allowed.contains(name) {
                throw key.error("unknown key \(Self.quoted(name)) in \(what) (known: \(allowed.sorted().joined(separator: ", ")))")
            }
            out.append((name, ConfigNode(file: file, node: v)))
        }
        return out
    }

    /// The sequence's items; an error when this is not a sequence.
    func items(_ what: String) throws -> [ConfigNode] {
        guard case .sequence(let s) = node else { throw error("\(what) must be a list") }
        return s.map { ConfigNode(file: file, node: $0) }
    }

    /// A string scalar (also a number or boolean written plainly), or an error.
    func string(_ what: String) throws -> String {
        guard let s = node.scalar?.string else { throw error("\(what) must be a single value") }
        return s
    }

    /// A number, or an error naming the range.
    func number(_ what: String, in range: ClosedRange<Double>) throws -> Double {
        guard let s = node.scalar?.string, let v = Double(s), range.contains(v) else {
            throw error("\(what) must be a number from \(Self.format(range.lowerBound)) to \(Self.format(range.upperBound))")
        }
        return v
    }

    /// A boolean (`true`/`false`), or an error.
    func bool(_ what: String) throws -> Bool {
        guard let b = node.bool else { throw error("\(what) must be true or false") }
        return b
    }

    /// A name as the file gave it, quoted and made safe to print.
    static func quoted(_ s: String) -> String { "\"" + DisplayText.sanitize(s) + "\"" }

    static func format(_ d: Double) -> String { d == d.rounded() ? String(Int64(d)) : String(d) }
}

/// A config file error: `FILE:LINE:COLUMN: message`, exit status 78.
struct ConfigError: Error, CustomStringConvertible {
    let file: String
    let line: Int?
    let column: Int?
    let message: String

    var description: String {
        let at = [line, column].compactMap { $0 }.map(String.init).joined(separator: ":")
        return "storetop: \(DisplayText.sanitize(file))\(at.isEmpty ? "" : ":" + at): \(message)"
    }
}
