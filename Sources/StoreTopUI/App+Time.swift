import Foundation
import StoreMetrics

/// The time keys in the loop: seeks read the archive through the `TimeMachine`, playing moves the rewind on with
/// the wall clock, and the model drawn is the past frame over the live one.
extension AppLoop {
    /// The model drawn: the live one, or, while rewound, the past frame (its snapshot and derivations; no
    /// receive time, so nothing calls it stale).
    var shownModel: Model {
        guard state.rewind != nil, let f = pastFrame else { return model }
        return model.showing(f.snapshot, f.derived, revision: pastRevision)
    }

    /// Performs a time key's seek.
    func seek(_ to: Seek) {
        guard let past else { return }
        do {
            let range = try past.archive.timeRange()
            guard let range else { return say("no history yet") }
            let base = state.rewind?.at ?? model.snapshot?.takenAt ?? range.upperBound
            switch to {
            case .live: return goLive()
            case .step(let n):
                if state.rewind == nil || pastFrame == nil { _ = try past.frame(at: base) }
                var f: TimeMachine.Frame?
                for _ in 0..<abs(n) { f = try past.step(forward: n > 0) ?? f }
                guard let f else { return n > 0 ? atEnd() : say("start of the history (\(clock(range.lowerBound)))") }
                show(f)
            case .by(let seconds): seek(to: base.addingTimeInterval(seconds), range: range)
            case .typed(let text):
                guard let t = TimeInput.parse(text, shown: base, zone: state.timeZone) else {
                    return say("not a time: \(text) (03:12, 03:12:30, 2026-12-05T03:12:00Z, -5m)")
                }
                seek(to: t, range: range)
            }
        } catch { say("history: \(error)") }
    }

    /// Shows the moment `t` (clamped to the archive; past its end the live dashboard returns).
    func seek(to t: Date, range: ClosedRange<Date>? = nil) {
        guard let past else { return }
        do {
            guard let range = try range ?? past.archive.timeRange() else { return say("no history yet") }
            if t > range.upperBound { return atEnd() }
            let clamped = max(t, range.lowerBound)
            guard let f = try past.frame(at: clamped) else { return say("no snapshot at \(clock(clamped))") }
            show(f, at: clamped)
            if t < range.lowerBound { say("start of the history (\(clock(range.lowerBound)))") }
        } catch { say("history: \(error)") }
    }

    /// Moves a playing rewind on by the wall time since the last tick times its speed; true when the frame changed.
    func play(now: Date) -> Bool {
        guard let r = state.rewind, r.playing else {
            lastPlayed = nil
            return false
        }
        defer { lastPlayed = now }
        guard let last = lastPlayed else { return false }
        let before = pastFrame?.snapshot.takenAt
        seek(to: r.at.addingTimeInterval(now.timeIntervalSince(last) * r.speed))
        return state.rewind == nil || pastFrame?.snapshot.takenAt != before
    }

    /// Opens a replay at its first moment and says what the recording holds.
    func startReplay(at: Date) {
        seek(to: at)
        guard let past, let range = try? past.archive.timeRange(), state.status == nil else { return }
        let n = (try? past.archive.times(after: range.lowerBound.addingTimeInterval(-1), through: range.upperBound, limit: 10_000_000).count) ?? 0
        say("replay of \(n) snapshots, \(clock(range.lowerBound)) to \(clock(range.upperBound)): Space plays, ← → step, g goes to a time")
    }

    private func show(_ f: TimeMachine.Frame, at: Date? = nil) {
        var r = state.rewind ?? Rewind(at: f.snapshot.takenAt)
        r.at = at ?? past?.currentTime ?? f.snapshot.takenAt  // the index's time: the next seek starts from it exactly
        (state.rewind, pastFrame) = (r, f)
        // the live dashboard said "reconnecting" here: the replay names the gap the recorder wrote
        if let gap = (try? past?.archive.unreachable())?.first(where: { $0.from <= r.at && r.at <= $0.to }) {
            say("server unreachable from \(clock(gap.from)) to \(clock(gap.to)): \(gap.error); showing the last snapshot before")
        }
    }

    private func atEnd() {
        if state.replay {
            state.rewind?.playing = false
            say("end of the recording")
        } else {
            goLive()
        }
    }

    private func goLive() {
        (state.rewind, pastFrame) = (nil, nil)
        say("live")
    }

    private func say(_ text: String) { state.status = text }

    private func clock(_ d: Date) -> String { TimeInput.clock(d, zone: state.timeZone) }
}
