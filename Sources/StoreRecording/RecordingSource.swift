import Foundation
import StoreMetrics
import Synchronization

/// One target of a recording as a `SnapshotSource`: `snapshot(now:)` answers the snapshot at or before `now` (the
/// recording's time, not the wall clock), and `next()` steps through the snapshots in order, for a replay.
public final class RecordingSource: SnapshotSource {
    /// The recording read.
    public let reader: RecordingReader
    /// The target's id.
    public let target: Int64
    private let last = Mutex<Date?>(nil)

    /// A source for `target` of `reader`.
    public init(reader: RecordingReader, target: Int64) {
        (self.reader, self.target) = (reader, target)
    }

    /// The snapshot of the target at or before `now`; throws when the recording starts after it.
    public func snapshot(now: Date) throws -> Snapshot {
        guard let s = try reader.snapshot(target: target, atOrBefore: now) else {
            throw RecordingError("the recording has no snapshot at or before \(now)")
        }
        last.withLock { $0 = s.takenAt }
        return s
    }

    /// The snapshot after the last one returned (the first at the start); nil at the end of the recording.
    public func next() throws -> Snapshot? {
        let after = last.withLock { $0 }
        guard let s = try reader.snapshots(target: target, after: after, limit: 1).first else { return nil }
        last.withLock { $0 = s.takenAt }
        return s
    }

    /// Closes the recording.
    public func close() { reader.close() }
}
