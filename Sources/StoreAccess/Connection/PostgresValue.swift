import Foundation

/// A Swift value that can be sent as a bind parameter, in PostgreSQL's text format.
public protocol PostgresEncodable: Sendable {
    /// The text form, or nil for SQL NULL.
    var postgresText: String? { get }
}

/// A Swift value that can be read from a result column's text form.
public protocol PostgresDecodable {
    init(postgresText: String) throws
}

extension String: PostgresEncodable, PostgresDecodable {
    public var postgresText: String? { self }
    public init(postgresText: String) { self = postgresText }
}

extension Substring: PostgresEncodable {
    public var postgresText: String? { String(self) }
}

extension Int: PostgresEncodable, PostgresDecodable {
    public var postgresText: String? { String(self) }
    public init(postgresText: String) throws {
        guard let v = Int(postgresText) else { throw StoreError(.decoding, "not an integer: \(postgresText.prefix(40))") }
        self = v
    }
}

extension Int64: PostgresEncodable, PostgresDecodable {
    public var postgresText: String? { String(self) }
    public init(postgresText: String) throws {
        guard let v = Int64(postgresText) else { throw StoreError(.decoding, "not a bigint: \(postgresText.prefix(40))") }
        self = v
    }
}

extension Int32: PostgresEncodable, PostgresDecodable {
    public var postgresText: String? { String(self) }
    public init(postgresText: String) throws {
        guard let v = Int32(postgresText) else { throw StoreError(.decoding, "not an integer: \(postgresText.prefix(40))") }
        self = v
    }
}

extension Double: PostgresEncodable, PostgresDecodable {
    public var postgresText: String? { isFinite ? String(self) : (isNaN ? "NaN" : (self > 0 ? "Infinity" : "-Infinity")) }
    public init(postgresText: String) throws {
        switch postgresText {
        case "NaN": self = .nan
        case "Infinity": self = .infinity
        case "-Infinity": self = -.infinity
        default:
            guard let v = Double(postgresText) else { throw StoreError(.decoding, "not a number: \(postgresText.prefix(40))") }
            self = v
        }
    }
}

extension Bool: PostgresEncodable, PostgresDecodable {
    public var postgresText: String? { self ? "true" : "false" }
    public init(postgresText: String) throws {
        switch postgresText {
        case "t", "true": self = true
        case "f", "false": self = false
        default: throw StoreError(.decoding, "not a boolean: \(postgresText.prefix(40))")
        }
    }
}

extension Optional: PostgresEncodable where Wrapped: PostgresEncodable {
    public var postgresText: String? { self?.postgresText }
}

/// Binary data, sent and read as `bytea` (hex format).
public struct ByteA: Sendable, Hashable, PostgresEncodable, PostgresDecodable {
    public var bytes: [UInt8]
    public init(_ bytes: [UInt8]) { self.bytes = bytes }
    public init(_ data: Data) { self.bytes = [UInt8](data) }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    public var postgresText: String? {
        var out = [UInt8](repeating: 0, count: 2 + bytes.count * 2)
        out[0] = 0x5c; out[1] = 0x78  // \x
        for (i, b) in bytes.enumerated() {
            out[2 + 2 * i] = ByteA.hex[Int(b >> 4)]
            out[3 + 2 * i] = ByteA.hex[Int(b & 15)]
        }
        return String(decoding: out, as: UTF8.self)
    }

    public init(postgresText: String) throws {
        let u = Array(postgresText.utf8)
        guard u.count >= 2, u[0] == 0x5c, u[1] == 0x78, u.count % 2 == 0 else {
            throw StoreError(.decoding, "bytea not in hex format")
        }
        func nib(_ c: UInt8) throws -> UInt8 {
            switch c {
            case 48...57: return c - 48
            case 97...102: return c - 87
            case 65...70: return c - 55
            default: throw StoreError(.decoding, "bad hex digit in bytea")
            }
        }
        var out = [UInt8]()
        out.reserveCapacity((u.count - 2) / 2)
        var i = 2
        while i < u.count { out.append(try nib(u[i]) << 4 | nib(u[i + 1])); i += 2 }
        bytes = out
    }
}

/// A JSON document as text, sent as a `jsonb`/`json` parameter and read from one.
public struct JSONText: Sendable, Hashable, PostgresEncodable, PostgresDecodable, CustomStringConvertible {
    public var text: String
    public init(_ text: String) { self.text = text }
    public init(postgresText: String) { text = postgresText }
    public var postgresText: String? { text }
    public var description: String { text }

    /// Encodes a value with `JSONEncoder` (sorted keys, so equal values give equal text).
    public init<T: Encodable>(encoding value: T) throws {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        text = String(decoding: try enc.encode(value), as: UTF8.self)
    }

    /// Decodes the text with `JSONDecoder`.
    public func decode<T: Decodable>(_ type: T.Type) throws -> T {
        do { return try JSONDecoder().decode(type, from: Data(text.utf8)) } catch {
            throw StoreError(.decoding, "JSON does not decode as \(T.self): \(error)")
        }
    }
}

/// A text array parameter (`text[]`).
public struct TextArray: Sendable, Hashable, PostgresEncodable {
    public var values: [String]
    public init(_ values: [String]) { self.values = values }
    /// `{"a","b\"c"}`: every element quoted, `\` and `"` escaped with a backslash. Built byte by byte: the lag and
    /// probe statements send arrays of 10,000 elements and more, where two `replacingOccurrences` per element were
    /// 4.6 % of a one-shot snapshot's CPU at 10k tenants (perf, release build).
    public var postgresText: String? {
        let backslash = UInt8(ascii: "\\"), quote = UInt8(ascii: "\"")
        var out: [UInt8] = []
        out.reserveCapacity(values.reduce(2) { $0 + $1.utf8.count + 3 })
        out.append(UInt8(ascii: "{"))
        for (i, v) in values.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out.append(quote)
            for b in v.utf8 {
                if b == backslash || b == quote { out.append(backslash) }
                out.append(b)
            }
            out.append(quote)
        }
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }
}

extension Date: PostgresEncodable, PostgresDecodable {
    /// Sent as seconds since the epoch with microseconds, in UTC (`timestamptz` accepts it via `to_timestamp`
    /// only, so StoreAccess sends dates as ISO 8601 text with an explicit +00 offset).
    public var postgresText: String? { PostgresTimestamp.format(self) }
    public init(postgresText: String) throws { self = try PostgresTimestamp.parse(postgresText) }
}

enum PostgresTimestamp {
    static func format(_ date: Date) -> String {
        let t = date.timeIntervalSince1970
        var secs = Int64(t.rounded(.down))
        var micros = Int64(((t - Double(secs)) * 1_000_000).rounded())
        if micros >= 1_000_000 { secs += 1; micros -= 1_000_000 }
        let days = floorDiv(secs, 86400)
        let rem = secs - days * 86400
        let (y, m, d) = civil(fromDays: days)
        func p(_ v: Int64, _ w: Int) -> String { let s = String(v); return String(repeating: "0", count: max(0, w - s.count)) + s }
        return "\(p(y, 4))-\(p(m, 2))-\(p(d, 2)) \(p(rem / 3600, 2)):\(p(rem % 3600 / 60, 2)):\(p(rem % 60, 2)).\(p(micros, 6))+00"
    }

    /// Parses PostgreSQL's ISO output: `YYYY-MM-DD HH:MM:SS[.ffffff][+HH[:MM[:SS]]]`.
    static func parse(_ s: String) throws -> Date {
        let u = Array(s.utf8)
        func num(_ a: Int, _ n: Int) throws -> Int64 {
            guard a + n <= u.count else { throw StoreError(.decoding, "not a timestamp: \(s.prefix(40))") }
            var v: Int64 = 0
            for i in a..<(a + n) {
                let c = u[i]
                guard c >= 48 && c <= 57 else { throw StoreError(.decoding, "not a timestamp: \(s.prefix(40))") }
                v = v * 10 + Int64(c - 48)
            }
            return v
        }
        guard u.count >= 19 else { throw StoreError(.decoding, "not a timestamp: \(s.prefix(40))") }
        let y = try num(0, 4), mo = try num(5, 2), d = try num(8, 2)
        let h = try num(11, 2), mi = try num(14, 2), se = try num(17, 2)
        var i = 19
        var micros: Int64 = 0
        if i < u.count, u[i] == 46 {  // . and up to 6 digits (PostgreSQL prints microseconds at most)
            var scale: Int64 = 100_000
            i += 1
            while i < u.count, u[i] >= 48 && u[i] <= 57 { micros += Int64(u[i] - 48) * scale; scale /= 10; i += 1 }
        }
        var offset: Int64 = 0
        if i < u.count, u[i] == 43 || u[i] == 45 {  // + or -
            let sign: Int64 = u[i] == 45 ? -1 : 1
            let oh = try num(i + 1, 2)
            var om: Int64 = 0, os: Int64 = 0
            if i + 3 < u.count, u[i + 3] == 58 { om = try num(i + 4, 2) }
            if i + 6 < u.count, u[i + 6] == 58 { os = try num(i + 7, 2) }
            offset = sign * (oh * 3600 + om * 60 + os)
        }
        let days = days(fromCivil: y, mo, d)
        let secs = days * 86400 + h * 3600 + mi * 60 + se - offset
        return date(unixSeconds: secs, micros: micros)
    }

    /// Seconds from the Unix epoch to PostgreSQL's (2000-01-01 00:00 UTC), where binary timestamps count from.
    static let postgresEpoch: Int64 = 946_684_800

    /// The one conversion to `Date` of both the text and the binary decoders, so a timestamp read either way
    /// gives the same `Date`.
    @inline(__always)
    static func date(unixSeconds secs: Int64, micros: Int64) -> Date {
        Date(timeIntervalSince1970: Double(secs) + Double(micros) / 1_000_000)
    }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 { (a >= 0 ? a : a - b + 1) / b }

    // Howard Hinnant's civil-from-days algorithms.
    static func civil(fromDays z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }

    static func days(fromCivil y0: Int64, _ m: Int64, _ d: Int64) -> Int64 {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }
}
