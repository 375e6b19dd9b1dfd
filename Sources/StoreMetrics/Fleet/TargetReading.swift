import Foundation

/// What one target's last refresh gave: its snapshot (and derived figures), or why it could not be read. The
/// fleet's JSON (`JSONExport.encode(targets:)`), metrics and view are made of these.
public struct TargetReading: Sendable {
    /// The target's name.
    public var name: String
    /// The last snapshot read (kept while the target is unreachable: `error` says so).
    public var snapshot: Snapshot?
    /// Rates and statuses from the target's history.
    public var derived: Derived?
    /// Why the last refresh failed (one redacted line); nil after a success.
    public var error: String?

    /// A reading.
    public init(name: String, snapshot: Snapshot?, derived: Derived?, error: String?) {
        (self.name, self.snapshot, self.derived, self.error) = (name, snapshot, derived, error)
    }

    /// `primary` or `standby` (`pg_is_in_recovery()`), nil before the first snapshot.
    public var role: String? { snapshot?.server.map { $0.isStandby ? "standby" : "primary" } }

    /// On a standby, the primary it streams from (its WAL receiver's `sender_host`).
    public var primary: String? { snapshot?.replication?.receiver?.senderHost }

    /// On a standby, how far its store figures are behind its primary: seconds since the last replayed
    /// transaction committed there while WAL waits to be replayed (0 when all received WAL is replayed).
    public var replayDelaySeconds: Double? {
        guard snapshot?.server?.isStandby == true else { return nil }
        return snapshot?.replication?.receiver?.replayLagSeconds
    }
}

extension JSONExport {
    /// The fleet document: `{"targets": [{"name", "role", "primary", "replay_delay_seconds", "error", "snapshot"}…]}`,
    /// each `snapshot` the one-target document (docs/snapshot.md), null when the target could not be read.
    public static func encode(targets: [TargetReading]) throws -> String {
        // As `JSONEncoder()` writes a string (slashes escaped), invisible characters escaped too.
        func string(_ s: String?) throws -> String {
            guard let s else { return "null" }
            return String(decoding: JSONBytesWriter.quotedBytes(s, escapeSlashes: true), as: UTF8.self)
        }
        // Each snapshot document indented by two spaces, as it is nested one level in.
        let nested = JSONBytesEncoder(baseIndent: 2)
        var items: [String] = []
        for t in targets {
            let snap = try t.snapshot.map { try nested.string(document($0, t.derived)) } ?? "null"
            let delay = t.replayDelaySeconds.map { String(format: "%.3f", $0) } ?? "null"
            items.append(
                """
                {"name": \(try string(t.name)), "role": \(try string(t.role)), "primary": \(try string(t.primary)), \
                "replay_delay_seconds": \(delay), "error": \(try string(t.error)),
                "snapshot": \(snap)}
                """)
        }
        return "{\"targets\": [\n  " + items.joined(separator: ",\n  ") + "\n]}"
    }
}
