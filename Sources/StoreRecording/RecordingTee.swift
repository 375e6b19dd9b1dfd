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
    private struct State {
        var lastGood: Date?
        var openGap: Int64?
        var appended = 0
        var writeError: String?
    }
    private let state = Mutex(State())

    /// Records `inner` as target `name` (read with store schema `schema`) of `recording`, dropping snapshots older
    /// than `retain` seconds.
    public init(_ inner: Inner, recording: Recording, name: String, schema: String, retain: Double?) throws {
        (self.inner, self.recording, self.retain) = (inner, recording, retain)
        target = try recording.target(named: name)
        try recording.setMeta("schema.\(name)", schema)
    }

    /// The id of the recorded target.
    public var targetID: Int64 { target }

    /// Why the last write failed (nil while writing works).
    public var writeError: String? { state.withLock { $0.writeError } }

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
            try recording.append(snap, target: target)
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
