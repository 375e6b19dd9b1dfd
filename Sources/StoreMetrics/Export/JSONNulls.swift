import Foundation

/// docs/snapshot.md promises every key of the document, a missing value as `null` — but Codable's synthesized
/// encoders leave nil optionals out. `JSONNulls.fill` walks the encoded document beside the value it was encoded from
/// (by reflection) and adds `null` for every nil optional the encoder dropped. A property whose key is absent and whose
/// value is a struct was flattened into its parent by a wrapper's `encode(to:)` (`CursorOut.cursor`): its properties are
/// filled into the same object.
enum JSONNulls {
    /// `json` (JSONSerialization's objects) with `null` for each nil optional of `value`.
    static func fill(_ json: Any, _ value: Any) -> Any {
        let m = Mirror(reflecting: value)
        switch m.displayStyle {
        case .struct, .class:
            guard var object = json as? [String: Any] else { return json }
            fillObject(&object, m)
            return object
        case .collection:
            guard let array = json as? [Any], let first = m.children.first?.value, !array.isEmpty else { return json }
            // Reflection is slow: the first element is filled by it, and its keys (all of them, now) are given to the
            // others, which are of the same type. (Elements' own nested structs are not reflected again: no list
            // element of the document has one.)
            let head = fill(array[0], first)
            guard let keys = (head as? [String: Any])?.keys else { return [head] + array.dropFirst().map { fill($0, first) } }
            return [head]
                + array.dropFirst().map { element -> Any in
                    guard var object = element as? [String: Any] else { return element }
                    for k in keys where object[k] == nil { object[k] = NSNull() }
                    return object
                }
        case .optional:
            return m.children.first.map { fill(json, $0.value) } ?? json
        default:
            return json
        }
    }

    private static func fillObject(_ object: inout [String: Any], _ m: Mirror) {
        for child in m.children {
            guard let label = child.label else { continue }
            let key = snakeCase(label)
            let inner = Mirror(reflecting: child.value)
            if inner.displayStyle == .optional {
                if let some = inner.children.first?.value {
                    if let existing = object[key] { object[key] = fill(existing, some) }
                } else if object[key] == nil {
                    object[key] = NSNull()
                }
            } else if let existing = object[key] {
                object[key] = fill(existing, child.value)
            } else if inner.displayStyle == .struct {
                fillObject(&object, inner)
            }
        }
    }

    /// JSONEncoder's `.convertToSnakeCase`: "oldestID" → "oldest_id", "acquireP99Milliseconds" → "acquire_p99_milliseconds".
    static func snakeCase(_ s: String) -> String {
        let chars = Array(s)
        var out = ""
        for (i, c) in chars.enumerated() {
            if c.isUppercase, i > 0 {
                let prevLower = chars[i - 1].isLowercase || chars[i - 1].isNumber
                let nextLower = i + 1 < chars.count && chars[i + 1].isLowercase
                if prevLower || (chars[i - 1].isUppercase && nextLower) { out.append("_") }
            }
            out.append(contentsOf: c.lowercased())
        }
        return out
    }
}
