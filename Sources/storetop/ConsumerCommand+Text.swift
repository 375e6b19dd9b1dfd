import Foundation
import SafeText
import StoreAccess
import StoreMetrics

/// What `storetop consumer …` prints. Every string from the database (names, types, streams, applications, hosts,
/// errors, reasons, roles) goes through `DisplayText.sanitize`: a control character shows as a visible escape and
/// never acts on the terminal.
enum ConsumerText {
    static func safe(_ s: String) -> String { DisplayText.sanitize(s) }
    static func safe(_ s: String?) -> String { s.map { DisplayText.sanitize($0) } ?? "-" }

    /// A moment, ISO 8601 to the millisecond, UTC.
    static func time(_ d: Date?) -> String {
        guard let d else { return "-" }
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.string(from: d)
    }

    /// The preview of a move: positions now and after, the events it redelivers or skips (exact), the first and last
    /// of them, who runs the consumer, its pause, and why executing would refuse now.
    static func preview(_ p: MovePreview) -> String {
        let c = "\(safe(p.consumer.tenant))/\(safe(p.consumer.name))"
        var lines = ["\(p.move.action) \(c) (\(safe(p.source))): position \(p.from) → \(p.to)"]
        let range = p.redeliver ? "positions \(p.to + 1)…\(p.from)" : "positions \(p.from + 1)…\(p.to)"
        let what = p.redeliver ? "delivered again" : "skipped (never delivered to it)"
        // an outbox watcher's positions are outbox ids, its events the rows of its tenant and kind
        let own = p.source == "outbox" ? "outbox rows of its own" : "events of its own"
        lines.append(
            "\(own) \(what): \(p.events)"
                + (p.events > 0 ? " (\(p.source == "outbox" ? range.replacingOccurrences(of: "positions", with: "ids") : range))" : ""))
        if let f = p.first { lines.append("first: \(event(f))") }
        if let l = p.last, l != p.first { lines.append("last:  \(event(l))") }
        lines.append("running: " + runner(p.running))
        lines.append("pause: " + pause(p.pause))
        if let why = p.refusal { lines.append("REFUSED without --force: \(safe(why))") }
        return lines.joined(separator: "\n")
    }

    /// "81 OrderPlaced in stream order-7 at 2026-…".
    static func event(_ e: EventSummary) -> String {
        "\(e.position) \(safe(e.type)) in stream \(safe(e.stream)) at \(time(e.recordedAt))"
    }

    /// The lock holder of a consumer, or "no (nothing holds its lock)".
    static func runner(_ r: ConsumerRunner?) -> String {
        guard let r else { return "no (nothing holds its consumer lock)" }
        var s = "yes, backend pid \(r.backendPID)"
        s += ", application \(safe(r.application)), host \(safe(r.host))"
        if let pid = r.pid { s += ", process \(pid)" }
        return s
    }

    static func pause(_ p: PauseState) -> String {
        switch p {
        case .none: return "none"
        case .requested(let at, let by): return "requested by \(safe(by)) at \(time(at)), not acknowledged by its loop yet"
        case .acknowledged(let at, let by): return "paused by \(safe(by)) at \(time(at)), acknowledged by its loop"
        }
    }

    /// The result line of an action: its audit row.
    static func done(_ r: ActionRecord) -> String {
        var s = "\(safe(r.action)) \(safe(r.tenant))/\(safe(r.target)): \(safe(r.status))"
        switch (r.action, r.fromPosition, r.toPosition) {
        case ("pause", let f?, _), ("resume", let f?, _): s += ", at position \(f)"
        case ("replay", let f?, let t?), ("discard", let f?, let t?): s += f == t ? ", position \(f)" : ", positions \(f)…\(t)"
        case (_, let f?, let t?): s += ", position \(f) → \(t)"
        default: break
        }
        s += ", \(r.rows) rows; audit id \(r.id)"
        return s
    }

    /// The actions audit as a table, newest first.
    static func audit(_ records: [ActionRecord]) -> String {
        let head = ["ID", "STARTED", "ACTION", "STATUS", "TENANT", "TARGET", "FROM", "TO", "ROWS", "BY", "REASON"]
        let rows = records.map { r in
            [
                String(r.id), time(r.startedAt), safe(r.action), safe(r.status), safe(r.tenant), safe(r.target),
                r.fromPosition.map(String.init) ?? "-", r.toPosition.map(String.init) ?? "-", String(r.rows),
                "\(safe(r.byUser)) (\(safe(r.byApplication)))", r.reason.isEmpty ? "-" : safe(r.reason),
            ]
        }
        return table(head, rows)
    }

    /// Parked events as a table.
    static func parked(_ events: [ParkedEvent]) -> String {
        let head = ["TENANT", "CONSUMER", "POSITION", "TYPE", "STREAM", "ATTEMPTS", "FIRST FAILED", "LAST FAILED", "STATE", "ERROR"]
        let rows = events.map { e in
            [
                safe(e.consumer.tenant), safe(e.consumer.name), String(e.position), safe(e.type), safe(e.stream), String(e.attempts),
                time(e.firstFailedAt), time(e.lastFailedAt), e.replayRequested ? "replay" : "parked", safe(e.error),
            ]
        }
        return table(head, rows)
    }

    /// Columns padded to their widest cell; the last one is not padded.
    static func table(_ head: [String], _ rows: [[String]]) -> String {
        let all = [head] + rows
        let widths = head.indices.map { i in all.map { $0[i].count }.max() ?? 0 }
        return all.map { r in
            r.enumerated().map { i, cell in i == r.count - 1 ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0) }
                .joined(separator: "  ")
        }.joined(separator: "\n")
    }
}
