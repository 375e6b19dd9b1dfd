/// The nine views, in key order.
public enum View: Int, CaseIterable, Sendable {
    case overview = 1, sessions, pools, streams, consumers, outboxes, bookmarks, replication, parked

    /// The tab and help title.
    public var title: String {
        switch self {
        case .overview: return "Overview"
        case .sessions: return "Sessions"
        case .pools: return "Pools"
        case .streams: return "Streams"
        case .consumers: return "Consumers"
        case .outboxes: return "Outboxes"
        case .bookmarks: return "Bookmarks"
        case .replication: return "Replication"
        case .parked: return "Parked"
        }
    }

    /// The column a view sorts by until the user picks another: Bookmarks stalest first (AGE), Parked longest
    /// parked first (FAILED), the others by their first column.
    var defaultSortColumn: Int {
        switch self {
        case .bookmarks: return 2
        case .parked: return 6  // FAILED: the longest-parked first
        default: return 0
        }
    }

    /// A view by title (any case) or number, as `--view` takes it.
    public init?(name: String) {
        guard let v = View.allCases.first(where: { $0.title.lowercased() == name.lowercased() || String($0.rawValue) == name }) else { return nil }
        self = v
    }
}

/// What a table row stands for, so commands know what Enter, P, C or K act on.
public enum RowID: Hashable, Sendable {
    case tenant(String)
    case group(String)
    case backend(Int32)
    case pool(String)
    case tenantHead(String)
    case stream(String)
    case cursor(String, String)
    /// A parked event: its consumer's tenant and name, and its position.
    case parked(tenant: String, consumer: String, position: Int64)
    case outbox(tenant: String, kind: String)
    case bookmark(String)
    case foreign(String)
    /// A foreign consumer: its store label (`factstr:public`) and cursor name.
    case foreignConsumer(store: String, name: String)
    /// A foreign outbox (zestor): its store label, namespace and kind.
    case foreignOutbox(store: String, tenant: String, kind: String)
    /// A target of the fleet view.
    case target(String)
    /// A standby streaming from this server, by its application_name (Replication).
    case standby(String)
    /// A replication slot, by name.
    case slot(String)
    /// This standby's WAL receiver.
    case receiver
    /// A Replication line that is text, not a thing: a warning, or what an empty section means.
    case replicationNote(String)
    /// A line of another view that is text, not a thing (the lock tree when nothing waits).
    case note(String)
    /// A wait event of a session group (`WaitEventSummary.key`), or of every group (`all|type:event`).
    case waitEvent(String)
    /// A top query, by `TopQuery.id` (its query id).
    case queryShape(Int64)
}

/// Per-view table state.
public struct ViewState: Equatable, Sendable {
    var selected = 0
    var scroll = 0
    var sortColumn = 0
    var sortReversed = false
    var filter = ""
}

/// What the reducer needs to know about the screen: the visible rows of the current view (after filter and
/// sort), its column count, the page height, and the tenants for the picker. Each frame returns a new one.
public struct HandlerContext: Sendable {
    var rows: [RowID] = []
    var columns: Int = 1
    var columnTitles: [String] = []
    var pageSize: Int = 10
    var tenants: [String] = []
    /// Why this role may not operate consumers (the privilege check at start), so the keys say so before
    /// offering anything; nil: allowed, or not known yet (the action itself checks again).
    var consumerOpsRefusal: String? = nil
    /// Why this role may not prune storetop's own outboxes (the same check); nil: allowed, or not known yet.
    var pruneRefusal: String? = nil
    /// Why this role may not cancel or terminate other roles' backends (no `pg_signal_backend`); nil: allowed,
    /// or not known yet.
    var signalRefusal: String? = nil
    /// The backends on screen that run as this role: it may cancel and terminate them without `pg_signal_backend`.
    var ownBackends: Set<Int32> = []

    /// The privileges whose keys help and the footer leave out: all of them in read-only mode, otherwise those the
    /// check at start refused (cancel and terminate stay while one of this role's own backends is on screen).
    func keysOff(readOnly: Bool) -> Set<KeyBinding.Privilege> {
        if readOnly { return Set(KeyBinding.Privilege.allCases) }
        var off: Set<KeyBinding.Privilege> = []
        if pruneRefusal != nil { off.insert(.prune) }
        if consumerOpsRefusal != nil { off.insert(.consumers) }
        if signalRefusal != nil && ownBackends.isEmpty { off.insert(.signal) }
        return off
    }

    /// Why backend `pid` may not be cancelled or terminated by this role; nil: it may (or it is not known yet).
    func signalRefusal(for pid: Int32) -> String? {
        ownBackends.contains(pid) ? nil : signalRefusal
    }
}
