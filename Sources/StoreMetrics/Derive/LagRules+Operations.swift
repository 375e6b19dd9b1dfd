import Foundation
import SafeText

/// The statuses that come from what a consumer's operations recorded (schema version 9): a pause asked for, and a
/// handler failing at a position. Both are read from the cursor row, so they are right on the first snapshot.
extension LagRules {
    /// At most this many characters of a handler's error in a status reason (the Consumers view shows the reason).
    static let errorShown = 160

    /// PAUSED while a pause is asked for; STALLED while its handler fails at a position (whatever the failure
    /// policy: retries are still going on, or it stopped there). Nil when neither applies.
    func operated(_ c: Snapshot.Cursor, snapshot: Snapshot) -> (LagStatus, String)? {
        let now = snapshot.clock
        let failing = failure(c)
        if let at = c.pausedAt {
            let by = c.pausedBy.map { " by \(Self.shown($0, 60))" } ?? ""
            let ack = c.pauseAcknowledged ? "acknowledged" : "not acknowledged yet by the consumer loop"
            let why = c.pauseReason.map { Self.shown($0, 80) }.flatMap { $0.isEmpty ? nil : ": \($0)" } ?? ""
            let behind = c.lagEvents == 0 ? "" : "; \(c.behindText)"
            let running = c.ownerConnected || heartbeatAge(c, snapshot) != nil ? "" : "; not running"
            let fails = failing.map { "; \($0)" } ?? ""
            return (.paused, "paused\(by) \(Format.duration(max(0, now.timeIntervalSince(at)))) ago\(why) (\(ack))\(behind)\(running)\(fails)")
        }
        guard let failing else { return nil }
        let running = c.ownerConnected || heartbeatAge(c, snapshot) != nil ? "" : "; not running"
        return (.stalled, failing + running)
    }

    /// "handler fails at position P (N attempts since T): error" while a handler fails; nil otherwise.
    func failure(_ c: Snapshot.Cursor) -> String? {
        guard let error = c.failingError else { return nil }
        let at = c.failingPosition.map { " at position \($0)" } ?? ""
        let attempts = c.failingAttempts.map { "\($0) attempt\($0 == 1 ? "" : "s")" } ?? "attempts"
        let since = c.failingSince.map { " since \(Self.time($0))" } ?? ""
        return "handler fails\(at) (\(attempts)\(since)): \(Self.shown(error, Self.errorShown))"
    }

    /// Text from the database for a status line: controls and invisible characters made visible, newlines included
    /// (`DisplayText`), and cut to `limit` characters with "…".
    static func shown(_ text: String, _ limit: Int) -> String {
        let s = DisplayText.sanitize(text.trimmingCharacters(in: .whitespacesAndNewlines))
        return s.count > limit ? String(s.prefix(limit - 1)) + "…" : s
    }

    /// A moment in a status line: ISO 8601 to the second, UTC.
    static func time(_ d: Date) -> String {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "UTC")!
        let c = cal.dateComponents([.year, .month, .day, .hour, .minute, .second], from: d)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
    }
}
