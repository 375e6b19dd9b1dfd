import Foundation
import StoreMetrics

/// A past moment on screen: the live dashboard looking back through its rolling history, or `storetop replay`
/// on a recording. The reducer only asks for a `Seek`; the loop reads the archive and sets `at`.
public struct Rewind: Equatable, Sendable {
    /// The moment asked for (playing moves it on); the frame shown is the latest snapshot at or before it.
    public var at: Date
    /// Playing forward at `speed` (Space).
    public var playing = false
    /// Recorded seconds per second of playing.
    public var speed: Double = 1

    /// A rewind at `at`, held.
    public init(at: Date) { self.at = at }

    /// The speeds `+` and `-` step through while rewound.
    static let speeds: [Double] = [0.5, 1, 2, 5, 10, 30, 60, 300, 600]

    /// "0.5", "1", "300": a speed without a needless fraction.
    static func speedText(_ v: Double) -> String { v == v.rounded() ? String(Int(v)) : String(v) }
}

/// Where the time keys ask to go.
public enum Seek: Equatable, Sendable {
    /// One snapshot back (-1) or on (+1).
    case step(Int)
    /// By this many seconds from the moment shown.
    case by(Double)
    /// To the moment typed after `g` (parsed by `TimeInput`).
    case typed(String)
    /// Back to now (the live dashboard).
    case live
}

/// The moments a user types after `g`: `03:12` or `03:12:30` (on the day shown), an ISO 8601 time, or `-5m` /
/// `+90s` from the moment shown.
public enum TimeInput {
    /// The moment `text` names, seen from `shown` in `zone`; nil when it names none.
    public static func parse(_ text: String, shown: Date, zone: TimeZone) -> Date? {
        let t = text.trimmingCharacters(in: .whitespaces)
        if let sign = t.first, sign == "-" || sign == "+", let d = try? DurationText.seconds(String(t.dropFirst())) {
            return shown.addingTimeInterval(sign == "-" ? -d : d)
        }
        let parts = t.split(separator: ":", omittingEmptySubsequences: false).map { Int($0) }
        if (2...3).contains(parts.count), parts.allSatisfy({ $0 != nil }) {
            let (h, m, s) = (parts[0]!, parts[1]!, parts.count == 3 ? parts[2]! : 0)
            guard (0..<24).contains(h), (0..<60).contains(m), (0..<60).contains(s) else { return nil }
            var cal = Calendar(identifier: .gregorian)
            cal.timeZone = zone
            return cal.date(bySettingHour: h, minute: m, second: s, of: shown)
        }
        for options in [ISO8601DateFormatter.Options.withInternetDateTime, [.withInternetDateTime, .withFractionalSeconds]] {
            let f = ISO8601DateFormatter()
            f.formatOptions = options
            if let d = f.date(from: t) { return d }
        }
        return nil
    }

    /// `03:12:04` in `zone`, with the date when it is not the day of `reference`.
    public static func clock(_ d: Date, zone: TimeZone, reference: Date? = nil) -> String {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = zone
        let c = cal.dateComponents([.year, .month, .day, .hour, .minute, .second], from: d)
        let time = String(format: "%02d:%02d:%02d", c.hour ?? 0, c.minute ?? 0, c.second ?? 0)
        if let r = reference, cal.isDate(d, inSameDayAs: r) { return time }
        return String(format: "%04d-%02d-%02d ", c.year ?? 0, c.month ?? 0, c.day ?? 0) + time
    }
}
