import Foundation
import StoreAccess

/// Consumer operations go through StoreAccess's `ConsumerAdmin` on the actions' store handle; read-only mode refuses
/// before anything is read.
extension Actions {
    /// The consumer operator of this store (refused in read-only mode).
    public func consumerAdmin() throws -> ConsumerAdmin {
        if readOnly { throw StoreError(.readOnly, "consumer operations are disabled: storetop runs with --read-only") }
        return ConsumerAdmin(store: try openStore())
    }
}

/// How previews read, the same in the dashboard's dialog and on the command line.
public enum ConsumerPreviewText {
    /// A move's preview, line by line.
    public static func lines(_ p: MovePreview) -> [String] {
        let verb = p.redeliver ? "delivered again" : "skipped (never delivered)"
        var out = [
            "Position: \(p.from) → \(p.to) (\(p.source == "events" ? "events" : "outbox ids"))",
            "\(p.events) of its \(p.source == "events" ? "events" : "outbox rows") will be \(verb)"
                + (p.source == "events" ? " (its tenant and filter; exact)" : " (its tenant and kind; exact)"),
        ]
        if let f = p.first { out.append("first: " + summary(f)) }
        if let l = p.last, l != p.first { out.append("last:  " + summary(l)) }
        out.append(running(p.running, p.pause))
        return out
    }

    /// One event: position, type, stream, time.
    public static func summary(_ e: EventSummary) -> String {
        "#\(e.position) \(e.type) \(e.stream) \(ISO8601DateFormatter().string(from: e.recordedAt))"
    }

    /// Who runs the consumer, and its pause.
    public static func running(_ r: ConsumerRunner?, _ pause: PauseState) -> String {
        let who =
            r.map { "running: backend \($0.backendPID), \($0.application ?? "?") on \($0.host ?? "?") pid \($0.pid.map(String.init) ?? "?")" }
            ?? "not running (no process holds its lock)"
        switch pause {
        case .none: return who
        case .requested(_, let by): return who + "; pause asked by \(by), not acknowledged yet"
        case .acknowledged(_, let by): return who + "; paused by \(by)"
        }
    }

    /// A parked replay's or discard's preview.
    public static func lines(_ p: ParkedPreview, replay: Bool) -> [String] {
        var out = ["\(p.events.count) parked event(s) will be " + (replay ? "delivered again to \(p.consumer) only" : "discarded")]
        for e in p.events.prefix(5) {
            out.append("#\(e.position) \(e.type) \(e.stream), \(e.attempts) tries: \(e.error.prefix(60))")
        }
        if p.events.count > 5 { out.append("… and \(p.events.count - 5) more") }
        out.append(
            replay
                ? (p.running == nil ? "not running: delivered when it starts" : "running: delivered before its next batch")
                : "the audit keeps their positions")
        return out
    }
}
