import Foundation
import Yams

/// A file that is not YAML, reported like every other config error: at its file, line and column (libyaml's
/// mark), with libyaml's problem and the context it was in.
extension ConfigFile {
    static func syntaxError(_ e: YamlError, path: String, text: String) -> ConfigError {
        func at(_ mark: Mark, _ problem: String, _ context: YamlError.Context?) -> ConfigError {
            let within = context.map { "; \($0.text) at line \($0.mark.line)" } ?? ""
            return ConfigError(file: path, line: mark.line, column: mark.column, message: "not valid YAML: \(problem)\(within)")
        }
        switch e {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            return at(mark, problem, context)
        case .duplicatedKeysInMapping(let keys, let context):
            let key = keys.first ?? ""
            let (line, column) = repeated(key, in: text, mapping: context.mark) ?? (context.mark.line, context.mark.column)
            let first = repeated(key, in: text, mapping: context.mark, occurrence: 0)?.line ?? context.mark.line
            return ConfigError(file: path, line: line, column: column, message: "the key \"\(key)\" is given twice (first at line \(first))")
        case .reader(let problem, let offset, _, _):
            let line = offset.map { o in text.utf8.prefix(o).filter { $0 == UInt8(ascii: "\n") }.count + 1 }
            return ConfigError(file: path, line: line, column: nil, message: "not valid YAML: \(problem)")
        default:
            return ConfigError(file: path, line: nil, column: nil, message: "not valid YAML: \(oneLine(e))")
        }
    }

    /// The line and column of `key`'s occurrence number `occurrence` (0: the first) among the keys of the block
    /// mapping that starts at `mapping`; nil when it is not found there (a flow mapping).
    static func repeated(_ key: String, in text: String, mapping: Mark, occurrence: Int = 1) -> (line: Int, column: Int)? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let indent = mapping.column - 1
        var seen = 0
        for n in max(0, mapping.line - 1)..<lines.count {
            let line = lines[n]
            let lead = line.prefix { $0 == " " }.count
            if lead < indent && !line.trimmingCharacters(in: .whitespaces).isEmpty && n > mapping.line - 1 { break }
            guard lead == indent, let colon = line.firstIndex(of: ":") else { continue }
            let name = line[line.index(line.startIndex, offsetBy: lead)..<colon].trimmingCharacters(in: CharacterSet(charactersIn: "\"' "))
            guard name == key else { continue }
            if seen == occurrence { return (n + 1, indent + 1) }
            seen += 1
        }
        return nil
    }
}
