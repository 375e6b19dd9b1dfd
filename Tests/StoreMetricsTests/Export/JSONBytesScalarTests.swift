import Foundation
import Testing

@testable import StoreMetrics

/// `JSONBytesEncoder`'s numbers, dates, strings and keys against Foundation's `JSONEncoder` (`FoundationJSON`), on
/// chosen edge cases and on seeded random values (the seed is in the test: a failure reproduces).
@Suite struct JSONBytesScalarTests {
    static func expectSame<T: Encodable>(_ value: T) throws {
        try JSONBytesEncoderTests.expectSame(value, pretty: true)
        try JSONBytesEncoderTests.expectSame(value, pretty: false)
    }

    @Test func doublesAreTheSame() throws {
        var edge: [Double] = [
            0, -0.0, 1, -1, 0.1 + 0.2, 1e21, 1e-7, 1e16, 1e15, 9_007_199_254_740_992, 9_007_199_254_740_992.0.nextUp, -9_007_199_254_740_991,
            .leastNonzeroMagnitude, .leastNormalMagnitude, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, .ulpOfOne,
            .infinity, -.infinity, .nan, 0.0001, 0.00001, 123.456, 1.5e300, 2.5, 1e22,
            Double.leastNonzeroMagnitude * 3, -Double.leastNormalMagnitude.nextDown,
            Double(Int64.max), Double(Int64.min), 0.5, 100, 1e100,
        ]
        var rng = SeededRandom(seed: 14)
        for _ in 0..<20_000 {
            edge.append(Double(bitPattern: rng.next()))  // any bit pattern: subnormals, NaNs, huge and tiny
            edge.append(Double(Int64.random(in: .min ... .max, using: &rng)))
            edge.append(Double.random(in: -1e6...1e6, using: &rng).rounded() / 1000)
            edge.append(Double(Int.random(in: -100_000...100_000, using: &rng)))
        }
        try Self.expectSame(edge)
        try Self.expectSame(edge.map { Float($0) } + [Float(0.1), -0.0, .leastNonzeroMagnitude, Float(16_777_216).nextUp, 1e20])
        struct Row: Encodable { let rate: Double?, seconds: Double }
        try Self.expectSame(edge.prefix(500).map { Row(rate: $0, seconds: -$0) })
    }

    @Test func integersAreTheSame() throws {
        var rng = SeededRandom(seed: 23)
        let ints: [Int64] = [0, 1, -1, 9, 10, -10, .max, .min] + (0..<5000).map { _ in Int64(bitPattern: rng.next()) >> (rng.next() % 64) }
        try Self.expectSame(ints)
        try Self.expectSame([UInt64.max, 0, 10])
        struct Small: Encodable { let a: Int8, b: Int16, c: Int32, d: UInt8, e: UInt16, f: UInt32, g: UInt, h: Int, i: Bool }
        try Self.expectSame(Small(a: -128, b: -32768, c: .min, d: 255, e: 65535, f: .max, g: .max, h: .min, i: false))
    }

    @Test func datesAreTheSame() throws {
        var dates: [Date] = [
            .distantPast, .distantFuture, Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: -0.0005),
            Date(timeIntervalSince1970: 0.0015), Date(timeIntervalSince1970: 0.9995), Date(timeIntervalSince1970: -1.0005),
            Date(timeIntervalSince1970: -62_135_596_800), Date(timeIntervalSince1970: -62_135_769_600),  // year 1
            Date(timeIntervalSince1970: -12_219_292_800), Date(timeIntervalSince1970: -12_219_292_800.001),  // the Gregorian change
            Date(timeIntervalSince1970: 253_402_300_799.9995), Date(timeIntervalSince1970: 1e15), Date(timeIntervalSince1970: -1e16),
            Date(timeIntervalSinceReferenceDate: 0), SampleSnapshot.t0,
        ]
        var rng = SeededRandom(seed: 1970)
        for _ in 0..<5000 {
            dates.append(Date(timeIntervalSince1970: Double.random(in: 1.6e9...1.9e9, using: &rng)))  // now-ish, sub-ms fractions
            dates.append(Date(timeIntervalSince1970: Double.random(in: -3e11...3e11, using: &rng)))  // 7500 BC to 11500 AD
            dates.append(Date(timeIntervalSince1970: Double(Int.random(in: -70_000_000_000...0, using: &rng)) / 1000))  // ms, pre-1970
            dates.append(Date(timeIntervalSince1970: Double.random(in: -1e14...1e14, using: &rng)))
        }
        try Self.expectSame(dates)
        struct Row: Encodable { let at: Date?, list: [Date?] }
        try Self.expectSame(dates.prefix(200).map { Row(at: $0, list: [$0, nil]) })
    }

    @Test func stringsAreTheSame() throws {
        let controls = String(String.UnicodeScalarView((0..<0x20).compactMap(Unicode.Scalar.init)))
        let c1 = String(String.UnicodeScalarView((0x7F...0xA0).compactMap(Unicode.Scalar.init)))
        let invisible =
            "\u{200D}\u{200E}\u{200F}\u{2027}\u{2028}\u{2029}\u{202A}\u{202B}\u{202C}\u{202D}\u{202E}\u{202F}\u{2065}\u{2066}\u{2067}\u{2068}\u{2069}\u{206A}"
        var strings = [
            "", controls, c1, invisible, "\"quoted\" \\back\\slash/ and/slashes//", "emoji 😀👩‍👩‍👧 flags 🇩🇪", "e\u{301} combining a\u{30A}\u{316}",
            "tab\tnew\nline\r\u{8}\u{C}", "ünïcödé ÆØÅ 中文 العربية", "\u{FEFF}bom \u{FFFD} \u{10FFFF}", "ends with \u{E2}\u{80}",
        ]
        var rng = SeededRandom(seed: 2028)
        let pool =
            Array(controls.unicodeScalars) + Array(c1.unicodeScalars) + Array(invisible.unicodeScalars) + Array("aZ/\\\" é😀\u{301}€".unicodeScalars)
        for _ in 0..<3000 {
            let n = Int.random(in: 0...24, using: &rng)
            strings.append(String(String.UnicodeScalarView((0..<n).map { _ in pool.randomElement(using: &rng)! })))
        }
        try Self.expectSame(strings)
        try Self.expectSame(Dictionary(strings.prefix(300).enumerated().map { ("k\($0.offset)", $0.element) }, uniquingKeysWith: { a, _ in a }))
    }

    /// Keys: snake_case conversion and sorted order of random ASCII keys (capitals, digits, underscores).
    @Test func keysAreTheSame() throws {
        struct Keys: Encodable {
            let names: [String]
            func encode(to encoder: any Encoder) throws {
                var c = encoder.container(keyedBy: JSONAnyKey.self)
                for (i, n) in names.enumerated() { try c.encode(i, forKey: JSONAnyKey(stringValue: n)) }
            }
        }
        var names = [
            "myURLValue", "URL", "aB", "a_b", "_leading", "trailing_", "__double", "HTTPServer2Go", "p50Ms", "p9", "A", "a", "ABC1d",
            "x1Y2", "oneTwoThree", "already_snake", "ÉcoleKey", "naïveKey", "ßtraße", "mixedÜmlautKey", "",
        ]
        var rng = SeededRandom(seed: 150)
        let letters = Array("aAbBzZ09_xXyY".utf8)
        for _ in 0..<4000 {
            names.append(String(decoding: (0..<Int.random(in: 1...9, using: &rng)).map { _ in letters.randomElement(using: &rng)! }, as: UTF8.self))
        }
        for chunk in stride(from: 0, to: names.count, by: 40) { try Self.expectSame(Keys(names: Array(names[chunk..<min(names.count, chunk + 40)]))) }
    }
}
