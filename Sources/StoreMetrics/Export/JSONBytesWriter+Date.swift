import Foundation

/// Dates exactly as `ISO8601DateFormatter` with `[.withInternetDateTime, .withFractionalSeconds]` writes them on
/// this platform (measured, `JSONBytesEncoderTests`): UTC, milliseconds rounded half up from the time since the
/// reference date, the Julian calendar before 1582-10-15, years before 1 as years of the era (1 BC is `0001`), at
/// least four digits, and times beyond ICU's range (about ±5.8 million years) pinned to its ends.
extension JSONBytesWriter {
    func date(_ d: Date) {
        // ICU's calendar range, in ms since 1970.
        let ms = min(
            max(((d.timeIntervalSinceReferenceDate + 978_307_200.0) * 1000.0 + 0.5).rounded(.down), -184_303_902_528_000_000), 183_882_168_921_600_000
        )
        let t = Int64(ms)
        let day = Self.floorDiv(t, 86_400_000)
        let inDay = t - day * 86_400_000
        var (year, month, dayOfMonth) = day >= -141_427 ? Self.gregorian(day) : Self.julian(day)
        if year <= 0 { year = 1 - year }
        out.append(UInt8(ascii: "\""))
        if year < 1000 { out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: year < 10 ? 3 : year < 100 ? 2 : 1)) }
        int(year)
        out.append(UInt8(ascii: "-"))
        two(month)
        out.append(UInt8(ascii: "-"))
        two(dayOfMonth)
        out.append(UInt8(ascii: "T"))
        two(inDay / 3_600_000)
        out.append(UInt8(ascii: ":"))
        two(inDay / 60_000 % 60)
        out.append(UInt8(ascii: ":"))
        two(inDay / 1000 % 60)
        out.append(UInt8(ascii: "."))
        let milli = inDay % 1000
        out.append(contentsOf: [
            UInt8(milli / 100) + 0x30, UInt8(milli / 10 % 10) + 0x30, UInt8(milli % 10) + 0x30, UInt8(ascii: "Z"), UInt8(ascii: "\""),
        ])
    }

    private func two(_ v: Int64) {
        out.append(UInt8(v / 10) + 0x30)
        out.append(UInt8(v % 10) + 0x30)
    }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 { a >= 0 ? a / b : -((-a + b - 1) / b) }

    /// Proleptic Gregorian year, month, day of `days` since 1970-01-01 (the civil calendar by 400-year eras).
    static func gregorian(_ days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468  // days since 0000-03-01
        let era = floorDiv(z, 146_097)
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// Julian-calendar year (astronomical: 0 is 1 BC), month, day of `days` since 1970-01-01.
    static func julian(_ days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_470  // days since Julian 0000-03-01
        let era = floorDiv(z, 1461)  // 4-year cycles
        let doe = z - era * 1461
        let yoe = min(doe / 365, 3)
        let doy = doe - 365 * yoe
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 4 + (m <= 2 ? 1 : 0), m, d)
    }
}
