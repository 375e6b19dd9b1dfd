import Foundation

@testable import StoreMetrics

/// The way `JSONExport` wrote its documents before `JSONBytesEncoder` (session 14), kept here as the reference the
/// new writer must match byte for byte: Foundation's `JSONEncoder` with snake_case keys, ISO 8601 dates with
/// milliseconds, sorted keys, slashes unescaped, non-conforming floats as strings, `NullsKept`, and
/// `JSONExport.escapeInvisible` afterwards.
enum FoundationJSON {
    /// `value` as `JSONEncoder` wrote it (pretty or compact; `nonConforming: false` throws on ±∞ and NaN, as
    /// `ActionJSON` did).
    static func encode<T: Encodable>(_ value: T, pretty: Bool = true, nonConforming: Bool = true) throws -> String {
        let enc = JSONEncoder()
        enc.keyEncodingStrategy = .convertToSnakeCase
        let formatter = DateText()
        enc.dateEncodingStrategy = .custom { d, e in
            var c = e.singleValueContainer()
            try c.encode(formatter.string(from: d))
        }
        enc.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        if nonConforming {
            enc.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        }
        return JSONExport.escapeInvisible(String(decoding: try enc.encode(NullsKept(value)), as: UTF8.self))
    }

    /// The fleet document as `JSONExport.encode(targets:)` wrote it.
    static func targets(_ targets: [TargetReading]) throws -> String {
        func string(_ s: String?) throws -> String {
            guard let s else { return "null" }
            return String(decoding: try JSONEncoder().encode(s), as: UTF8.self)
        }
        var items: [String] = []
        for t in targets {
            let snap = try t.snapshot.map { try encode(JSONExport.document($0, t.derived)) } ?? "null"
            let delay = t.replayDelaySeconds.map { String(format: "%.3f", $0) } ?? "null"
            items.append(
                """
                {"name": \(try string(t.name)), "role": \(try string(t.role)), "primary": \(try string(t.primary)), \
                "replay_delay_seconds": \(delay), "error": \(try string(t.error)),
                "snapshot": \(snap.replacingOccurrences(of: "\n", with: "\n  "))}
                """)
        }
        return JSONExport.escapeInvisible("{\"targets\": [\n  " + items.joined(separator: ",\n  ") + "\n]}")
    }

    /// One ISO 8601 formatter with fractional seconds for a document.
    final class DateText: @unchecked Sendable {
        private let formatter = ISO8601DateFormatter()
        init() { formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds] }
        func string(from d: Date) -> String { formatter.string(from: d) }
    }
}

/// A seeded generator (SplitMix64): a failing case reproduces from its seed.
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
