import Foundation
import StoreMetrics

/// The consumer detail (Enter on a consumer): who runs it and where, its lock, its times, its filter, how far
/// behind it is in its own events and in positions, its status and why, and which process to restart.
extension Screen {
    static func consumerDetail(_ c: inout Canvas, _ m: Model, tenant: String, name: String) {
        guard let snap = m.snapshot, let cur = snap.cursors.first(where: { $0.tenant == tenant && $0.name == name }) else {
            putLines(&c, ["this consumer is no longer in the snapshot (deleted?)", "", "Esc closes"], box(&c, 60, 7, "Consumer \(tenant)/\(name)"))
            return
        }
        let h = m.derived?.cursors[Derived.CursorKey(tenant: tenant, name: name)]
        let lines = detailLines(cur, h, now: snap.clock)
        let longest = lines.map { $0.1.count }.max() ?? 60
        let (x, y, w) = box(&c, max(60, longest + 16), lines.count + 4, "Consumer \(tenant)/\(name)")
        for (i, l) in lines.enumerated() {
            c.put(x, y + 1 + i, l.0.padding(toLength: 11, withPad: " ", startingAt: 0), .dialogTitle, maxWidth: w)
            c.put(x + 11, y + 1 + i, l.1, l.2, maxWidth: w - 11)
        }
        c.put(x, y + lines.count + 2, "Esc closes", .dialog, maxWidth: w)
    }

    /// (label, text, role) per line.
    static func detailLines(_ cur: Snapshot.Cursor, _ h: Derived.CursorHealth?, now: Date) -> [(String, String, Role)] {
        func ago(_ d: Date?, _ missing: String = "never") -> String {
            d.map { "\(Format.duration(max(0, now.timeIntervalSince($0)))) ago (\(ISO8601DateFormatter().string(from: $0)))" } ?? missing
        }
        let status = h?.status ?? (cur.lagEvents != 0 && !cur.ownerConnected ? .stopped : .ok)
        let source = cur.source + (cur.kind.map { " (kind \($0))" } ?? "")
        let lag = cur.lagEvents.map { Views.events($0, capped: cur.lagCapped) } ?? "not counted this refresh:"
        let own = cur.source == "outbox" ? "outbox rows of its tenant and kind" : "events of its tenant" + (cur.filter == nil ? "" : " and filter")
        return [
            ("status", "\(status.rawValue.uppercased())  \(h?.reason ?? "")", Views.statusRole(status)),
            ("restart", restart(cur), cur.ownerConnected ? .accent : .warning),
            (
                "owner", "application \(cur.ownerApplication ?? "-")  host \(cur.ownerHost ?? "-")  pid \(cur.ownerPid.map(String.init) ?? "-")",
                .dialog
            ),
            ("lock", lock(cur), cur.ownerConnected ? .dialog : .warning),
            ("last move", ago(cur.movedAt), .dialog),
            ("heartbeat", ago(cur.heartbeatAt), .dialog),
            ("created", ago(cur.createdAt, "unknown (not recorded)"), .dialog),
            ("source", source, .dialog),
            ("filter", cur.filter ?? "none: every event of its tenant", .dialog),
            ("position", "\(cur.position)   head \(cur.head) (deliverable)", .dialog),
            ("lag", "\(lag) \(own)" + (cur.lagCapped ? " (counted up to the cap: at least)" : ""), Views.lagRole(cur.lagSeconds, cur.lagEvents ?? 1)),
            (
                "", "\(cur.lagPositions) positions (shared by every tenant of the store)" + (cur.lagEvents == nil ? ": at most that many" : ""),
                .dialog
            ),
            ("", cur.lagEvents != 0 ? "oldest unhandled written \(Format.duration(cur.lagSeconds)) ago" : "caught up", .dialog),
            ("rate", "\(h?.consumeRate.map { String(format: "%.1f/s", $0) } ?? "-")   catch-up \(catchUp(h, status, cur))", .dialog),
        ] + (cur.waitingAboveSafe ? [("held back", "its next events are committed but held back by an open append", .warning)] : [])
            + operations(cur, ago)
    }

    /// Schema version 9: its failure policy, a failing handler, parked events, a pause.
    static func operations(_ cur: Snapshot.Cursor, _ ago: (Date?, String) -> String) -> [(String, String, Role)] {
        var out: [(String, String, Role)] = []
        if let policy = cur.onFailure {
            out.append(("on failure", "\(policy) after \(cur.maxAttempts.map(String.init) ?? "?") attempts", .dialog))
        }
        if let at = cur.failingPosition {
            let error = cur.failingError.map { String($0.replacingOccurrences(of: "\n", with: " ").prefix(100)) } ?? "?"
            out.append(("failing", "at position \(at), \(cur.failingAttempts ?? 0) attempts since \(ago(cur.failingSince, "?"))", .critical))
            out.append(("", error, .critical))
        }
        if cur.parked > 0 {
            let pending = cur.parkedReplaying > 0 ? ", \(cur.parkedReplaying) to replay" : ""
            out.append(("parked", "\(cur.parked) events\(pending) (9 Parked: R replays, D discards)", .critical))
        }
        if cur.pausedAt != nil {
            let state = cur.pauseAcknowledged ? "paused by its loop" : "pause asked, not acknowledged yet"
            out.append(("paused", "\(state): by \(cur.pausedBy ?? "?") \(ago(cur.pausedAt, "?"))", .warning))
            if let why = cur.pauseReason, !why.isEmpty { out.append(("", "why: \(why)", .warning)) }
        }
        return out
    }

    /// The one line a DBA needs: which process to restart (or that none runs it).
    static func restart(_ cur: Snapshot.Cursor) -> String {
        let who = "\(cur.ownerApplication ?? "?")@\(cur.ownerHost ?? "?") pid \(cur.ownerPid.map(String.init) ?? "?")"
        if cur.ownerApplication == nil && cur.ownerPid == nil { return "no owner recorded: the process that calls the SQL API for it" }
        return cur.ownerConnected ? "\(who): restart this process" : "\(who): not running, start it again"
    }

    static func lock(_ cur: Snapshot.Cursor) -> String {
        guard cur.ownerConnected else { return "not held: no session holds its consumer lock" }
        return "held by backend pid \(cur.ownerBackendPid.map(String.init) ?? "?") (connected)"
    }

    static func catchUp(_ h: Derived.CursorHealth?, _ status: LagStatus, _ cur: Snapshot.Cursor) -> String {
        if let s = h?.catchUpSeconds { return s == 0 ? "-" : Format.duration(s) }
        return cur.lagEvents != 0 && status != .ok ? "never at this rate" : "-"
    }
}
