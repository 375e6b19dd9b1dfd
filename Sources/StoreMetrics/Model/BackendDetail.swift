import Foundation

/// One backend read in depth by `BackendInspector.detail(pid:)`: its `pg_stat_activity` row, whether it holds
/// the cluster's xmin horizon, its locks (`pg_locks`), whom it waits for and whom it blocks, all from one
/// statement at one instant (`readAt`). Codable with the default keys (docs/sessions.md, "Backend detail").
public struct BackendDetail: Sendable, Codable, Equatable {
    /// One row of `pg_locks` held or awaited by the backend.
    public struct Lock: Sendable, Codable, Equatable {
        /// `pg_locks.locktype` (relation, tuple, transactionid, virtualxid, advisory, object, …).
        public var lockType: String
        /// What is locked, for a person: "table public.orders", "row (0,3) of public.orders", "transaction 1234",
        /// "advisory 12:34:2", "virtual transaction 3/45".
        public var target: String
        /// The locked relation, schema-qualified, where the lock has one in the inspector's database (or a shared
        /// catalog); nil otherwise.
        public var relation: String?
        /// The lock mode (AccessShareLock, RowExclusiveLock, ShareLock, …).
        public var mode: String
        /// False while the backend waits for it.
        public var granted: Bool
        /// When the backend began to wait for it (`pg_locks.waitstart`; nil for granted locks).
        public var waitStart: Date?

        /// A lock as read.
        public init(lockType: String, target: String, relation: String?, mode: String, granted: Bool, waitStart: Date?) {
            self.lockType = lockType
            self.target = target
            self.relation = relation
            self.mode = mode
            self.granted = granted
            self.waitStart = waitStart
        }
    }

    /// The backend's process id.
    public var pid: Int32
    /// Its database (nil for background processes without one).
    public var database: String?
    /// Its role (nil for background processes without one).
    public var user: String?
    /// Its application_name ("" when none was set).
    public var applicationName: String
    /// The client's IP address; nil for a unix-socket client (or a background process).
    public var clientAddress: String?
    /// The client's host name, when `log_hostname` resolves it.
    public var clientHostname: String?
    /// The client's TCP port; nil for unix sockets (`-1` in pg_stat_activity) and background processes.
    public var clientPort: Int32?
    /// When the backend started (the connection was made).
    public var backendStart: Date?
    /// When its current transaction started; nil outside a transaction.
    public var transactionStart: Date?
    /// When its current (or, idle, its last) query started.
    public var queryStart: Date?
    /// When `state` last changed.
    public var stateChange: Date?
    /// active, idle, idle in transaction, idle in transaction (aborted), fastpath function call, disabled;
    /// "unknown" when the server reports none.
    public var state: String
    /// The type of event it waits for (Lock, LWLock, IO, Client, …), nil when not waiting.
    public var waitEventType: String?
    /// The event it waits for (transactionid, relation, ClientRead, …).
    public var waitEvent: String?
    /// Its transaction id, once it wrote something (`backend_xid`).
    public var backendXid: String?
    /// The oldest transaction its snapshot still needs (`backend_xmin`).
    public var backendXmin: String?
    /// `age(backend_xmin)`, in transactions.
    public var xminAge: Int64?
    /// True when the older of its `backend_xid` and `backend_xmin` is the oldest among the client backends of its
    /// database (the inspector's own excepted): it holds back what VACUUM may remove there. Several backends can
    /// share it (a snapshot taken while another transaction ran has that transaction's xid as its xmin).
    public var holdsHorizon: Bool
    /// The query as pg_stat_activity holds it (whole, up to `trackActivityQuerySize`), passwords redacted.
    public var query: String
    /// True when the text fills `track_activity_query_size`: the server cut it, the end is missing.
    public var queryTruncated: Bool
    /// The server's `track_activity_query_size`, in bytes.
    public var trackActivityQuerySize: Int
    /// Its locks, ungranted first, at most `BackendInspector.lockLimit`.
    public var locks: [Lock]
    /// `pg_blocking_pids(pid)`: the backends it waits for.
    public var blockedBy: [Int32]
    /// The backends whose `pg_blocking_pids` contains it.
    public var blocks: [Int32]
    /// The server's `clock_timestamp()` when it was read.
    public var readAt: Date

    /// A detail as read; `BackendInspector` is the one reader.
    public init(
        pid: Int32, database: String?, user: String?, applicationName: String, clientAddress: String?,
        clientHostname: String?, clientPort: Int32?, backendStart: Date?, transactionStart: Date?, queryStart: Date?,
        stateChange: Date?, state: String, waitEventType: String?, waitEvent: String?, backendXid: String?,
        backendXmin: String?, xminAge: Int64?, holdsHorizon: Bool, query: String, queryTruncated: Bool,
        trackActivityQuerySize: Int, locks: [Lock], blockedBy: [Int32], blocks: [Int32], readAt: Date
    ) {
        self.pid = pid
        self.database = database
        self.user = user
        self.applicationName = applicationName
        self.clientAddress = clientAddress
        self.clientHostname = clientHostname
        self.clientPort = clientPort
        self.backendStart = backendStart
        self.transactionStart = transactionStart
        self.queryStart = queryStart
        self.stateChange = stateChange
        self.state = state
        self.waitEventType = waitEventType
        self.waitEvent = waitEvent
        self.backendXid = backendXid
        self.backendXmin = backendXmin
        self.xminAge = xminAge
        self.holdsHorizon = holdsHorizon
        self.query = query
        self.queryTruncated = queryTruncated
        self.trackActivityQuerySize = trackActivityQuerySize
        self.locks = locks
        self.blockedBy = blockedBy
        self.blocks = blocks
        self.readAt = readAt
    }
}
