import Foundation

/// The keys one document used: each coding key converted to snake_case once, as `JSONEncoder`'s
/// `.convertToSnakeCase` converts it, its quoted bytes, and its rank in `JSONEncoder`'s `.sortedKeys` order (UTF-8
/// byte order), ranked again only when an object closes after new keys came. Keys are told apart as Swift strings:
/// two keys that differ only in Unicode normalization are one key here (`JSONEncoder` keeps both); the documents'
/// keys are coding keys, none of them such a pair.
final class JSONKeyTable {
    /// Key id by the coding key's `stringValue`.
    private var ids: [String: Int] = [:]
    /// Key id by the converted key (two coding keys may convert to the same key).
    private var idsByName: [String: Int] = [:]
    /// The converted keys, by id.
    private(set) var names: [String] = []
    /// `"key"`, escaped, by id.
    private(set) var quoted: [[UInt8]] = []
    /// The position of each id's key in sorted order.
    var rank: [Int] {
        if ranked.count != names.count {
            let order = names.indices.sorted { names[$0].utf8.lexicographicallyPrecedes(names[$1].utf8) }
            ranked = Array(repeating: 0, count: names.count)
            for (r, i) in order.enumerated() { ranked[i] = r }
        }
        return ranked
    }
    private var ranked: [Int] = []

    /// The id of `key`, converting it the first time.
    @inline(__always)
    func id(_ key: String, snakeCase: Bool, escapeSlashes: Bool, escapeInvisible: Bool = true) -> Int {
        if let id = ids[key] { return id }
        let name = snakeCase ? Self.snakeCase(key) : key
        let id: Int
        if let known = idsByName[name] {
            id = known
        } else {
            id = names.count
            names.append(name)
            idsByName[name] = id
            quoted.append(JSONBytesWriter.quotedBytes(name, escapeSlashes: escapeSlashes, escapeInvisible: escapeInvisible))
        }
        ids[key] = id
        return id
    }

    /// `key` in snake_case: words split where a lower-case letter (or digit) meets an upper-case one, and before
    /// the last capital of a run of capitals followed by a lower-case letter (`myURLKey` → `my_url_key`), joined
    /// by `_` and lower-cased. ASCII keys are converted here; any other key is converted by `JSONEncoder` itself.
    static func snakeCase(_ key: String) -> String {
        let b = Array(key.utf8)
        guard !b.isEmpty else { return key }
        guard b.allSatisfy({ $0 < 0x80 }) else { return foundationSnakeCase(key) }
        func upper(_ c: UInt8) -> Bool { c >= 0x41 && c <= 0x5A }
        func lower(_ c: UInt8) -> Bool { c >= 0x61 && c <= 0x7A }
        var cuts: [Int] = []  // word starts after the first
        var i = 1
        while i < b.count {
            guard upper(b[i]) else {
                i += 1
                continue
            }
            // A capital at i ends the word before it; the next lower-case letter decides where the new word begins.
            cuts.append(i)
            guard let l = b[(i + 1)...].firstIndex(where: lower) else { break }
            if l > i + 1 { cuts.append(l - 1) }
            i = l + 1
        }
        var out: [UInt8] = []
        out.reserveCapacity(b.count + cuts.count)
        var last = 0
        for c in cuts + [b.count] {
            if last > 0 { out.append(UInt8(ascii: "_")) }
            for x in b[last..<c] { out.append(upper(x) ? x + 0x20 : x) }
            last = c
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `JSONEncoder`'s own conversion of one key (a non-ASCII key: rare; the result is cached by the table).
    private static func foundationSnakeCase(_ key: String) -> String {
        struct One: Encodable {
            let key: String
            func encode(to encoder: any Encoder) throws {
                var c = encoder.container(keyedBy: JSONAnyKey.self)
                try c.encode(0, forKey: JSONAnyKey(stringValue: key))
            }
        }
        let enc = JSONEncoder()
        enc.keyEncodingStrategy = .convertToSnakeCase
        guard let data = try? enc.encode(One(key: key)),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let converted = object.keys.first
        else { return key }
        return converted
    }
}

/// A coding key of any name.
struct JSONAnyKey: CodingKey {
    var stringValue: String
    init(stringValue: String) { self.stringValue = stringValue }
    var intValue: Int? { nil }
    init?(intValue: Int) { nil }
}
