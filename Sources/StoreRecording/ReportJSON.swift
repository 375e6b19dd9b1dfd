import Foundation
import SafeText

/// The report for tools (docs/report.md): `{"file": …, "targets": [report, …]}`, keys in snake_case, dates in ISO
/// 8601 with fractions (as `snapshot --json` writes them). A key whose value is unknown or absent (an interval still
/// open has no `end`) is left out.
public enum ReportJSON {
    /// The document of `reports` read from the recording at `file`.
    public static func encode(_ reports: [RecordingReport], file: String) throws -> String {
        let enc = JSONEncoder()
        enc.keyEncodingStrategy = .convertToSnakeCase
        let f = DateText()
        enc.dateEncodingStrategy = .custom { d, e in
            var c = e.singleValueContainer()
            try c.encode(f.string(from: d))
        }
        enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        enc.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let text = String(decoding: try enc.encode(Document(file: file, targets: reports)), as: UTF8.self)
        return escapeHostile(text)
    }

    /// The decoder of `encode`'s document (for tools written in Swift, and the tests).
    public static func decode(_ text: String) throws -> Document {
        let dec = JSONDecoder()
        dec.keyDecodingStrategy = .convertFromSnakeCase
        let f = DateText()
        dec.dateDecodingStrategy = .custom { d in
            let s = try d.singleValueContainer().decode(String.self)
            guard let date = f.date(from: s) else { throw DecodingError.dataCorrupted(.init(codingPath: d.codingPath, debugDescription: s)) }
            return date
        }
        dec.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try dec.decode(Document.self, from: Data(text.utf8))
    }

    /// One ISO 8601 formatter (with fractions) for a whole document; used by one coder at a time.
    final class DateText: @unchecked Sendable {
        private let formatter = ISO8601DateFormatter()
        init() { formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds] }
        func string(from d: Date) -> String { formatter.string(from: d) }
        func date(from s: String) -> Date? { formatter.date(from: s) }
    }

    /// The report document.
    public struct Document: Sendable, Codable, Equatable {
        /// The recording read.
        public var file: String
        /// One report per target.
        public var targets: [RecordingReport]
    }

    /// JSON allows controls above 0x7f, bidi overrides and invisible characters raw, and a terminal showing the
    /// document may act on them: every scalar `DisplayText` would escape is written as `\uXXXX` (the same text to a
    /// JSON reader). The line feeds of pretty printing stay.
    static func escapeHostile(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { DisplayText.isHostile($0, newlines: true) }) else { return text }
        var out = String.UnicodeScalarView()
        for u in text.unicodeScalars {
            guard DisplayText.isHostile(u, newlines: true) else {
                out.append(u)
                continue
            }
            for unit in String(u).utf16 { out.append(contentsOf: String(format: "\\u%04x", unit).unicodeScalars) }
        }
        return String(out)
    }
}
