import Foundation
import StoreMetrics

/// The moments a user types for a recording: an ISO 8601 time (`2026-12-05T03:12:00Z`, fractions allowed), or a
/// duration back from the recording's end (`-5m`, `-1h30m`; `DurationText`'s units).
public enum RecordingTime {
    /// The moment `text` names, `end` being the recording's last snapshot.
    public static func parse(_ text: String, end: Date) throws -> Date {
        let t = text.trimmingCharacters(in: .whitespaces)
        if t.hasPrefix("-") { return end.addingTimeInterval(-(try DurationText.seconds(String(t.dropFirst())))) }
        for options in [ISO8601DateFormatter.Options.withInternetDateTime, [.withInternetDateTime, .withFractionalSeconds]] {
            let f = ISO8601DateFormatter()
            f.formatOptions = options
            if let d = f.date(from: t) { return d }
        }
        throw RecordingError("--at \(t): not an ISO 8601 time (2026-12-05T03:12:00Z) or a duration back from the end (-5m)")
    }
}
