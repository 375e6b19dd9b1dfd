import SafeText
import StoreAccess

/// The one parser of durations a user types (`--older-than 7d`, `--stall 2m`, `1h30m`): decimal numbers with a unit
/// each (`ms`, `s`, `m`, `h`, `d`, `w`), one or more parts in descending units. Strict, because a typo in a prune's
/// age deletes the wrong rows: no sign, exponent, hex, spaces or missing unit, and at most 100 years.
public enum DurationText {
    /// Why a text is not a duration, in words a user can act on.
    public struct Invalid: Error, Sendable, Equatable, CustomStringConvertible {
        /// The message, naming the text and what is wrong.
        public let description: String
    }

    /// The longest duration accepted: 100 years (3,155,760,000 s).
    public static let maximumSeconds: Double = 100 * 365.25 * 86400

    private static let units: [(String, Double)] = [("w", 604_800), ("d", 86400), ("h", 3600), ("m", 60), ("s", 1), ("ms", 0.001)]

    /// Parses `text` into seconds, or throws `Invalid`.
    public static func seconds(_ text: String) throws -> Double {
        let shown = "\"" + DisplayText.sanitize(String(text.prefix(64))) + (text.count > 64 ? "…\"" : "\"")
        guard !text.isEmpty else { throw Invalid(description: "an empty duration: write one like 90s, 30m, 12h, 7d or 1h30m") }
        var rest = Substring(text)
        var total = 0.0
        var lastRank = -1
        while !rest.isEmpty {
            let number = rest.prefix { ("0"..."9").contains($0) || $0 == "." }
            guard !number.isEmpty, number.filter({ $0 == "." }).count <= 1, number.first != ".", number.last != ".",
                let value = Double(number)
            else { throw Invalid(description: "\(shown) is not a duration: write a decimal number and a unit, like 90s, 30m, 12h, 7d or 1h30m") }
            rest = rest.dropFirst(number.count)
            let unit = rest.prefix { ("a"..."z").contains($0) }
            guard let rank = units.firstIndex(where: { $0.0 == unit }) else {
                throw Invalid(description: "\(shown) has \(unit.isEmpty ? "no unit" : "an unknown unit \"\(unit)\""): use ms, s, m, h, d or w")
            }
            guard rank > lastRank else {
                throw Invalid(description: "\(shown) repeats or reorders its units: write the larger unit first, like 1h30m")
            }
            lastRank = rank
            rest = rest.dropFirst(unit.count)
            total += value * units[rank].1
            guard total <= maximumSeconds else { throw Invalid(description: "\(shown) is longer than 100 years") }
        }
        return total
    }

    /// Parses `text` into a `Duration`, or throws `Invalid`.
    public static func duration(_ text: String) throws -> Duration {
        let s = try seconds(text)
        return .nanoseconds(Int64((s * 1e9).rounded()))
    }
}
