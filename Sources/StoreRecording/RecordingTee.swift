import Foundation
import StoreMetrics
import Synchronization

/// A `SnapshotSource` that records what it reads: every snapshot of `inner` is appended to a recording, and a run
/// of failures becomes one gap. The live dashboard reads through it, so its rolling history (and `--record`) holds
/// exactly the snapshots it showed. A failed write never fails the reading: the dashboard goes on, and
/// `writeError` says why the history stopped.
public final class RecordingTee<Inner: SnapshotSource>: SnapshotSource {
    /// The source read.
    public let inner: Inner
    /// The recording written.
    public let recording: Recording
    private let target: Int64
    private let retain: Double?
    /// At most this share of the reading thread's time goes to writing (nil: every snapshot is written).
    private let maxWriteShare: Double?
    private struct State {
        var lastGood: Date?
        var openGap: Int64?
        var appended = 0
        var writeError: String?
        /// When the last snapshot was written, and how long writing it took.
        var lastWrite: (at: Date, seconds: Double)?
        var skipped = 0
    }
    private let state = Mutex(State())

    /// Records `inner` as target `name` (read with store schema `schema`) of `recording`, dropping snapshots older
    /// than `retain` seconds. With `maxWriteShare` (the dashboard's rolling history: 0.1), a snapshot is written
    /// only when the time since the last one written is at least that write's time ÷ the share: at the demo's size
    /// (a few ms a write) every snapshot, at 10k tenants (about 350 ms to encode, compress and write 15 MB of JSON)
    /// one every 3-4 s, so the history never takes the refresh its interval.
    public init(
        _ inner: Inner, recording: Recording, name: String, schema: String, retain: Double?, maxWriteShare: Double? = nil
    ) throws {
        (self.inner, self.recording, self.retain, self.maxWriteShare) = (inner, recording, retain, maxWriteShare)
        target = try recording.target(named: name)
        try recording.setMeta("schema.\(name)", schema)
    }

    /// The id of the recorded target.
    public var targetID: Int64 { target }

    /// Why the last write failed (nil while writing works).
    public var writeError: String? { state.withLock { $0.writeError } }

    /// Snapshots read but not written, to keep writing within `maxWriteShare`.
    public var skipped: Int { state.withLock { $0.skipped } }

    /// Reads `inner`, then records the snapshot (or the failure as a gap).
    public func snapshot(now: Date) throws -> Snapshot {
        let snap: Snapshot
        do { snap = try inner.snapshot(now: now) } catch {
            note { s in
                let id = try recording.recordGap(
                    target: target, from: s.lastGood ?? now, to: now, error: Collector.shortError(error), extending: s.openGap)
                s.openGap = id
            }
            throw error
        }
        note { s in
            if let share = maxWriteShare, share > 0, let w = s.lastWrite, snap.takenAt.timeIntervalSince(w.at) < w.seconds / share {
                s.skipped += 1
                (s.lastGood, s.openGap) = (snap.takenAt, nil)
                return
            }
            let t0 = ContinuousClock.now
            try recording.append(snap, target: target)
            s.lastWrite = (snap.takenAt, t0.duration(to: .now).seconds)
            (s.lastGood, s.openGap) = (snap.takenAt, nil)
            s.appended += 1
            // retention costs a delete and a vacuum step: once a minute at a 1 s interval is plenty
            if s.appended % 60 == 0, let retain { try recording.enforceRetention(retain: retain, maxSize: nil, now: snap.takenAt) }
        }
        return snap
    }

    private func note(_ write: (inout State) throws -> Void) {
        state.withLock { s in
            do {
                try write(&s)
                s.writeError = nil
            } catch { s.writeError = "\(error)" }
        }
    }

    /// Closes `inner`; the recording is closed by its owner.
    public func close() { inner.close() }

    /// Passes the retry on to `inner`.
    public func retryDisabledPanels() { inner.retryDisabledPanels() }
}
