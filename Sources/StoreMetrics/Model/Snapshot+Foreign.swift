import Foundation

extension Snapshot {
    /// A store another library left in the database (issue 18): found by its tables' shape (or, for axon, by its
    /// sessions' `application_name`) and read with bounded statements of its own. Every figure is nil when the
    /// store has no such thing or it could not be read (then `warnings` or the snapshot's `errors` say why).
    public struct ForeignStore: Sendable, Codable, Equatable {
        /// The libraries storetop recognizes.
        public enum Kind: String, Sendable, Codable, CaseIterable, Comparable {
            case factstr, eventcore, zestor, faucet, axon
            public static func < (a: Kind, b: Kind) -> Bool { allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)! }
        }

        public var kind: Kind
        /// The library version its tables show (`0.5`, `0.4`, `0.1`, `2`, or empty when the shape does not say).
        public var version: String
        /// The schema holding its tables (for axon: the store name from `application_name`).
        public var schema: String
        /// Its tables, by name.
        public var tables: [String]
        /// True when only the shape matched and the name did not (a faucet table under a custom name).
        public var likely: Bool
        /// The head: factstr's last sequence number; eventcore's newest event id (a UUIDv7) as text.
        public var head: String?
        /// Events in the log: exact for factstr (gap-free from 1, nothing deletes), an estimate for eventcore
        /// (`eventsExact` says which).
        public var events: Int64?
        public var eventsExact: Bool
        /// The newest event's write time (factstr: the client's clock; eventcore: the server default or UUIDv7 time).
        public var lastWriteAt: Date?
        /// Durable consumers: factstr cursors, eventcore subscriptions.
        public var consumers: [Consumer]
        /// Outboxes by tenant and kind (zestor).
        public var outboxes: [Outbox]
        /// Bookmarks (faucet-state), stalest first.
        public var bookmarks: [Bookmark]
        /// Sessions of this store now (zestor: listener sessions; axon: every session of the store).
        public var listeners: Int?
        /// What a DBA should know (eventcore 0.1's statement trigger that scans the whole table, a zestor listener
        /// idle while rows pile up, a faucet bookmark whose slot is gone, …).
        public var warnings: [String]
        /// The database the store lives in (the collector's; for axon the session's database, known under
        /// `--all-databases`). Nil when the snapshot does not know it.
        public var database: String? = nil
        /// zestor: keys of `zestor_kv` per namespace and kind (counted up to a cap: `exact` false beyond it).
        public var keys: [KeyCount] = []
        /// zestor: `pg_notification_queue_usage()`, the NOTIFY queue's used fraction (0…1) of the whole cluster.
        public var notifyQueueUsage: Double? = nil
        /// axon: the store's sessions per namespace (the tenant; "" for sessions without one), by name.
        public var namespaces: [Namespace] = []
        /// eventcore 2: the highest successful sqlx migration among eventcore's own (1–7, matched by description).
        public var migrationVersion: Int64? = nil
        /// eventcore 2: streams in the log; exact when a bounded loose index scan saw them all, else the planner's
        /// estimate (`streamCountExact` says which).
        public var streamCount: Int64? = nil
        /// True when `streamCount` was counted, false when it is the planner's estimate.
        public var streamCountExact: Bool = false
        /// eventcore 2: the most active streams (by events among the newest ones) with their current versions.
        public var streams: [StreamHead] = []
        /// factstr: sessions waiting for a lock on its `events` or `append_batches` (appenders queue on the table lock).
        public var writersWaiting: Int? = nil
        /// factstr: sizes of the newest `append_batches` rows (0.5: multi-event appends only; 0.4: every append).
        public var batchSizeAvg: Double? = nil
        /// factstr: the largest of those batches (events).
        public var batchSizeMax: Int64? = nil
        /// factstr: how many batches were sampled (the newest ones, by primary key).
        public var batchesSampled: Int? = nil
        /// factstr: events per second between the previous snapshot's head and this one's (exact heads); nil on the
        /// first snapshot and for kinds without an exact head.
        public var appendRatePerSecond: Double? = nil

        public init(kind: Kind, version: String, schema: String, tables: [String], likely: Bool = false) {
            self.kind = kind
            self.version = version
            self.schema = schema
            self.tables = tables
            self.likely = likely
            eventsExact = false
            consumers = []; outboxes = []; bookmarks = []; warnings = []
        }

        /// `kind:schema`, the STORE column's text.
        public var label: String { "\(kind.rawValue):\(schema)" }

        /// A foreign durable consumer.
        public struct Consumer: Sendable, Codable, Equatable {
            public var name: String
            /// Its position: a sequence number (factstr) or an event id (eventcore), as text.
            public var position: String
            /// Events it still has to handle (its filter applied where the store records one), capped.
            public var lagEvents: Int64?
            public var lagCapped: Bool
            /// The gap in positions (factstr: head − position; nil where positions are ids).
            public var lagPositions: Int64?
            /// Age of the first event it has not handled (nil when it is caught up).
            public var oldestUnhandledAgeSeconds: Double?
            /// Seconds since it last recorded progress, where the store records it (eventcore's `updated_at`).
            public var sinceCheckpointSeconds: Double?
            /// Whether a process holds its leader lock now (eventcore 2's session advisory lock; nil where the store
            /// has none).
            public var leaderConnected: Bool? = nil
            /// OK, LAGGING, STALLED or UNKNOWN, with the reason in `why`.
            public var status: String
            public var why: String
        }

        /// A foreign outbox (zestor: per namespace and kind).
        public struct Outbox: Sendable, Codable, Equatable {
            public var tenant: String
            public var kind: String
            public var headID: Int64
            public var oldestID: Int64
            /// Rows: exact where counted, else the id range (an upper bound; `rowsExact` says which).
            public var rows: Int64
            public var rowsExact: Bool
            public var oldestAgeSeconds: Double?
            /// Head-id growth per second since the previous snapshot: an upper bound of rows added (ids are shared
            /// by every pair, and a rolled-back insert spends one too); nil on the first snapshot.
            public var rowsPerSecond: Double? = nil
        }

        /// A foreign bookmark (faucet-state).
        public struct Bookmark: Sendable, Codable, Equatable {
            public var key: String
            public var ageSeconds: Double
            /// `bare` or `exactly_once seq=N`.
            public var envelope: String
            /// For a `postgres-cdc:<slot>` key: the slot, how far behind the current WAL its bookmark is, and
            /// whether the slot exists and is active.
            public var slot: String?
            public var bytesBehind: Int64?
            public var slotActive: Bool?
            /// For a CDC bookmark: whether the slot it names exists (nil for other keys).
            public var slotExists: Bool? = nil
            /// The LSN the bookmark resumes from (`X/Y`), when its value holds one.
            public var lastLSN: String? = nil
        }
    }
}
