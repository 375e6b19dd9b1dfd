import Foundation

/// Snapshots kept over time for one target, read back by time: a recording file (`StoreRecording`), or the live
/// dashboard's own rolling history (the same file format in a private temporary file). The dashboard's time keys
/// and `storetop replay` read the past only through this protocol, so both work on every archive alike.
public protocol SnapshotArchive: AnyObject, Sendable {
    /// The first and last snapshot times; nil while the archive is empty.
    func timeRange() throws -> ClosedRange<Date>?
    /// The latest snapshot taken at or before `time`; nil when the archive starts later.
    func snapshot(atOrBefore time: Date) throws -> Snapshot?
    /// Up to `count` snapshots taken at or before `time`, oldest first (the last is `snapshot(atOrBefore:)`).
    func window(endingAt time: Date, count: Int) throws -> [Snapshot]
    /// Up to `limit` snapshots taken after `time`, oldest first.
    func snapshots(after time: Date, limit: Int) throws -> [Snapshot]
    /// Up to `limit` snapshot times after `after` and at or before `through`, oldest first (times only: cheap).
    func times(after: Date, through: Date, limit: Int) throws -> [Date]
    /// The times of the `count` snapshots at or before `time`, oldest first (times only: cheap).
    func times(endingAt time: Date, count: Int) throws -> [Date]
    /// The last snapshot time before `time`; nil when there is none.
    func time(before time: Date) throws -> Date?
    /// The intervals when the target could not be read (server unreachable), oldest first.
    func unreachable() throws -> [ArchiveGap]
}

/// An interval of an archive when its target could not be read.
public struct ArchiveGap: Sendable, Equatable {
    /// The first failure (or the last moment known good) and the last failure seen.
    public var from: Date, to: Date
    /// Why, in one redacted line.
    public var error: String

    /// A gap from `from` to `to`.
    public init(from: Date, to: Date, error: String) { (self.from, self.to, self.error) = (from, to, error) }
}
