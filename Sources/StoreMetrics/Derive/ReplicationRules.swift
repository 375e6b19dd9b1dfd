import Foundation

/// When replication needs a DBA (issue 19): an inactive slot keeping more WAL than `slotRetainedBytes` (the classic
/// disk-filling outage: a CDC consumer gone, its slot left behind), a slot whose WAL is already `lost`, and a standby
/// further behind than `standbyLagSeconds` or `standbyLagBytes`.
public struct ReplicationRules: Sendable, Equatable {
    /// An inactive slot retaining more WAL than this is named (default 1 GiB).
    public var slotRetainedBytes: Int64 = 1 << 30
    /// A standby replaying further behind than this is named (default 60 s).
    public var standbyLagSeconds: Double = 60
    /// A standby further behind than this many WAL bytes is named (default 1 GiB).
    public var standbyLagBytes: Int64 = 1 << 30

    /// The defaults.
    public static let standard = ReplicationRules()

    /// The findings for `r`, in the order a DBA should read them.
    public func warnings(_ r: Snapshot.Replication) -> [String] {
        var out: [String] = []
        for s in r.slots where s.walStatus == "lost" {
            out.append("slot \(s.slotName) has lost WAL it needs: its consumer cannot resume from it")
        }
        for s in r.slots where !s.active && (s.retainedBytes ?? 0) > slotRetainedBytes {
            out.append("inactive slot \(s.slotName) retains \(Format.bytes(s.retainedBytes ?? 0)) of WAL: drop it or bring its consumer back")
        }
        for b in r.standbys {
            if let lag = b.replayLagSeconds, lag > standbyLagSeconds {
                out.append("standby \(b.applicationName) replays \(Format.duration(lag)) behind")
            } else if let bytes = b.lagBytes, bytes > standbyLagBytes {
                out.append("standby \(b.applicationName) is \(Format.bytes(bytes)) of WAL behind")
            }
        }
        if let x = r.receiver {
            if x.replayPaused { out.append("replay is paused on this standby (pg_wal_replay_resume() resumes it)") }
            if let lag = x.replayLagSeconds, lag > standbyLagSeconds { out.append("this standby replays \(Format.duration(lag)) behind") }
        }
        return out
    }
}
