import Foundation

extension Snapshot {
    /// Replication as this server sees it, read with the server panel's one statement (issue 19): on a primary its
    /// standbys (`pg_stat_replication`) and slots (`pg_replication_slots`); on a standby also what it received and
    /// replayed (`receiver`). Byte figures are exact (`pg_wal_lsn_diff`); times come from the server's clock.
    public struct Replication: Sendable, Codable, Equatable {
        /// Standbys streaming from this server, at most 32.
        public var standbys: [Standby]
        /// Replication slots on this server (physical and logical), the most WAL retained first, at most 64.
        public var slots: [Slot]
        /// On a standby: its own receive and replay position; nil on a primary.
        public var receiver: Receiver?
        /// What a DBA must act on: an inactive slot retaining WAL over `ReplicationRules.slotRetainedBytes` (the
        /// disk fills), a slot whose WAL is already `lost`, a standby over `ReplicationRules.standbyLagSeconds`.
        public var warnings: [String]

        /// An empty panel.
        public init(standbys: [Standby] = [], slots: [Slot] = [], receiver: Receiver? = nil, warnings: [String] = []) {
            (self.standbys, self.slots, self.receiver, self.warnings) = (standbys, slots, receiver, warnings)
        }
    }

    /// A standby streaming from this server.
    public struct Standby: Sendable, Codable, Equatable {
        /// Its `application_name` (`cluster_name`, or what its `primary_conninfo` says).
        public var applicationName: String
        /// Its client address (nil over a unix socket).
        public var clientAddress: String?
        /// `startup`, `catchup`, `streaming`, `backup`, `stopping`.
        public var state: String
        /// The WAL position sent to it, as text (`0/3000148`).
        public var sentLSN: String?
        /// The position it wrote.
        public var writeLSN: String?
        /// The position it flushed.
        public var flushLSN: String?
        /// The position it replayed.
        public var replayLSN: String?
        /// WAL bytes between this server's current position and what the standby replayed (exact).
        public var lagBytes: Int64?
        /// The server's `write_lag` (nil once the standby is caught up and idle, as PostgreSQL reports).
        public var writeLagSeconds: Double?
        /// The server's `flush_lag`.
        public var flushLagSeconds: Double?
        /// The server's `replay_lag`.
        public var replayLagSeconds: Double?
        /// `async`, `potential`, `sync` or `quorum`.
        public var syncState: String?
    }

    /// A replication slot.
    public struct Slot: Sendable, Codable, Equatable {
        /// Its name.
        public var slotName: String
        /// `physical` or `logical`.
        public var slotType: String
        /// Its output plugin (logical slots).
        public var plugin: String?
        /// Its database (logical slots).
        public var database: String?
        /// A process streams from it now.
        public var active: Bool
        /// The WAL it keeps on disk: bytes from its `restart_lsn` to the current position (nil before it reserves).
        public var retainedBytes: Int64?
        /// `reserved`, `extended`, `unreserved` or `lost`.
        public var walStatus: String?
        /// Bytes that can still be written before it is in danger of `lost` (nil when `max_slot_wal_keep_size` is -1).
        public var safeWalSize: Int64?
    }

    /// A standby's own view of its replication.
    public struct Receiver: Sendable, Codable, Equatable {
        /// The last WAL position received.
        public var receiveLSN: String?
        /// The last WAL position replayed.
        public var replayLSN: String?
        /// Received but not yet replayed, in bytes (exact).
        public var receiveLagBytes: Int64?
        /// Seconds since the last replayed transaction committed on the primary, while WAL waits to be replayed;
        /// 0 when everything received is replayed (an idle primary writes no transactions to date the lag by).
        public var replayLagSeconds: Double?
        /// The commit time of the last replayed transaction.
        public var lastReplayAt: Date?
        /// Replay is paused (`pg_wal_replay_pause()`).
        public var replayPaused: Bool
        /// Queries of this database cancelled by recovery conflicts since the statistics were reset.
        public var conflicts: Int64
        /// The WAL receiver's state (`streaming`, …); nil when no receiver runs.
        public var status: String?
        /// The primary it streams from.
        public var senderHost: String?
    }
}
