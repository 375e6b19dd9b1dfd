import StoreMetrics

/// What the Sessions view shows: the groups by service/store/tenant (its default), every backend in one list,
/// the lock tree, the wait events, or the top queries. Each mode keeps its own selection, sort and filter.
public enum SessionsMode: String, CaseIterable, Sendable {
    case groups, backends, locks, waits, queries

    /// How the tab and the status line name the mode.
    public var title: String {
        switch self {
        case .groups: return "groups"
        case .backends: return "all backends"
        case .locks: return "lock tree"
        case .waits: return "wait events"
        case .queries: return "top queries"
        }
    }

    /// The column a mode sorts by first: the flat list by its duration (the longest first), the others as drawn.
    var defaultSort: (column: Int, reversed: Bool) {
        switch self {
        case .backends: return (BackendsColumn.duration, false)
        case .locks: return (LockTreeView.defaultSort, false)
        case .waits: return (WaitEventsView.sortColumn, false)
        case .queries: return (TopQueriesView.sortColumn, false)
        default: return (0, false)
        }
    }
}

/// The flat list's columns the reducer names.
enum BackendsColumn {
    /// The DURATION column (index in `BackendsView.columns`).
    static let duration = 8
}

/// Backend detail and EXPLAIN, read on request (Enter on a backend, `x` in its detail) off the UI thread.
public struct Inspection: Sendable, Equatable {
    /// The backend.
    public var pid: Int32
    /// The detail as last read (nil: not read yet, or the read failed).
    public var detail: BackendDetail?
    /// Why the detail could not be read.
    public var error: String?
    /// A read is under way.
    public var loading = true
    /// EXPLAIN's outcome, once asked for and answered.
    public var explain: ExplainOutcome?
    /// EXPLAIN is under way.
    public var explaining = false

    /// A read of `pid` just asked for.
    public init(pid: Int32) { self.pid = pid }
}
