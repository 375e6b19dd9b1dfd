import Foundation
import StoreMetrics

extension RecordingReport {
    /// Session peaks: the most client backends at once, in total and per application group.
    public struct SessionPeaks: Sendable, Codable, Equatable {
        /// The most sessions at once (the sum of the groups), and when.
        public var total: Int = 0, totalAt: Date?
        /// Per group, its peak, most idle in a transaction and most waiting on a lock at once.
        public var groups: [GroupPeak] = []
        /// No peaks yet.
        public init() {}
    }

    /// One application group's peak (`Snapshot.SessionGroup`'s service, store and tenant).
    public struct GroupPeak: Sendable, Codable, Equatable {
        /// The group: StoreAccess service, store and tenant; for other clients the raw application_name.
        public var service: String, store: String, tenant: String?, other: Bool
        /// Its most sessions at once, and when.
        public var total: Int, at: Date
        /// Its most sessions idle in a transaction, and waiting on a lock, at once.
        public var idleInTransaction: Int, waiting: Int
    }

    /// A transaction seen open, at its longest.
    public struct Transaction: Sendable, Codable, Equatable {
        /// The backend's process id and application_name.
        public var pid: Int32, application: String
        /// When it began (`xact_start`).
        public var start: Date
        /// How long it had been open in the last snapshot that showed it, and that snapshot's time.
        public var seconds: Double, seenAt: Date
        /// Its state then (`idle in transaction`, `active`, …).
        public var state: String
    }

    /// The oldest xmin horizon seen (the backend holding the oldest snapshot back: vacuum cannot clean past it).
    public struct Horizon: Sendable, Codable, Equatable {
        /// Its age in transactions, and when.
        public var xminAge: Int64, at: Date
        /// The holder's process id and application_name.
        public var pid: Int32, application: String
        /// How long the holder's transaction had been open then.
        public var transactionSeconds: Double?
    }

    /// One StoreAccess pool's saturation over the interval (stale reports left out: a dead process repeats them).
    public struct PoolSaturation: Sendable, Codable, Equatable {
        /// The pool: its service, store, tenant ("" when not bound to one) and the reporting host.
        public var service: String, store: String, tenant: String, host: String
        /// The most connections in use at once (its reported peak included), its maximum size then, and when.
        public var maxInUse: Int, maxSize: Int, at: Date
        /// The most callers waiting for a connection at once, and when (nil: never any).
        public var maxWaiting: Int, waitingAt: Date?
        /// Acquisitions that timed out, and failed connection attempts, during the interval (counter growth).
        public var timeouts: Int64, connectionErrors: Int64
    }

    /// An interval when the recorder could not read the server (a gap of the recording).
    public struct Unreachable: Sendable, Codable, Equatable {
        /// The last moment known good (or the first failure), the last failure seen, and the seconds between.
        public var from: Date, to: Date, seconds: Double
        /// Why (the recorder's redacted error).
        public var error: String
    }

    /// A server restart: its start time changed between two snapshots.
    public struct Restart: Sendable, Codable, Equatable {
        /// The new start time, and the one before.
        public var startedAt: Date, previousStartedAt: Date
        /// The last snapshot with the old start time, and the first with the new one.
        public var lastBefore: Date, firstAfter: Date
        /// The recording has a gap (server unreachable) between the two.
        public var afterGap: Bool
    }
}
