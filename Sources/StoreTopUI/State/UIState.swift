import Foundation

/// Everything the screen shows besides the data.
public struct UIState: Equatable, Sendable {
    /// The view on screen.
    public var view: View = .overview
    /// Tenant breadcrumb: empty = all tenants; a drill-in appends.
    public var tenant: String?
    var views: [View: ViewState] = Dictionary(uniqueKeysWithValues: View.allCases.map { ($0, ViewState(sortColumn: $0.defaultSortColumn)) })
    var filterEditing = false
    /// Refreshes are held (Space).
    public var paused = false
    /// Seconds between refreshes.
    public var interval: Double = 2
    var expandedGroups: Set<String> = []
    /// What the Sessions view shows (`a`, `L`, `w`, `Q` switch; the same key again returns to the groups).
    public var sessionsMode: SessionsMode = .groups
    /// The Sessions view's table state per mode (the groups' lives in `views`).
    var sessionsModes: [SessionsMode: ViewState] = Dictionary(
        uniqueKeysWithValues: SessionsMode.allCases.map { ($0, ViewState(sortColumn: $0.defaultSort.column, sortReversed: $0.defaultSort.reversed)) })
    var dialog: Dialog = .none
    /// Prune, cancel and terminate are off.
    public var readOnly = false
    /// A one-key message in the status line (any next key clears it).
    var status: String?
    /// The past moment on screen; nil while live.
    public var rewind: Rewind?
    /// The source is a recording (`storetop replay`): always rewound, nothing live to return to.
    public var replay = false
    /// The time keys have an archive to read (the rolling history or a recording).
    public var history = false
    /// The zone times are shown and typed in.
    public var timeZone = TimeZone.current

    /// The default state.
    public init() {}

    init(view: View) { self.view = view }

    var current: ViewState {
        get { view == .sessions && sessionsMode != .groups ? sessionsModes[sessionsMode] ?? ViewState() : views[view] ?? ViewState() }
        set {
            if view == .sessions && sessionsMode != .groups { sessionsModes[sessionsMode] = newValue } else { views[view] = newValue }
        }
    }

    /// The refresh intervals `+` and `-` step through.
    static let intervals: [Double] = [0.5, 1, 2, 3, 5, 10, 30, 60]
}

/// Modal dialogs. Every action dialog defaults to No.
enum Dialog: Equatable, Sendable {
    case none
    case help
    /// The legend (status colours, units, estimates), from help on a short screen.
    case legend
    case tenantPicker(selected: Int)
    case pruneMode(PruneTarget, choice: Int)
    case planning(PruneTarget)
    case pruneConfirm(plan: PruneProposal, yes: Bool)
    case pruneProgress(deleted: Int, planned: Int, cancelling: Bool)
    case signalConfirm(pid: Int32, terminate: Bool, yes: Bool)
    case message(title: String, text: String)
    case consumerDetail(tenant: String, name: String)
    /// Enter on a backend: its detail (read live), scrolled by `scroll` lines; `x` adds EXPLAIN.
    case backendDetail(pid: Int32, scroll: Int)
    case sortMenu(selected: Int)
    /// `g`: a time being typed.
    case goToTime(text: String)
    /// `R` on a consumer: where to move it, and the typed argument.
    case moveMenu(OpTarget, choice: Int, text: String)
    /// A consumer operation being previewed.
    case proposing(OpTarget)
    /// A previewed consumer operation: Yes/No (default No), `f` toggles force where offered.
    case opConfirm(OpProposal, yes: Bool, force: Bool)
}

/// What the loop must do after a command: the reducer never touches the database or the terminal.
public enum Effect: Equatable, Sendable {
    case quit
    case refreshNow
    case intervalChanged(Double)
    case pausedChanged(Bool)
    case planPrune(PruneTarget, choice: PruneChoice)
    case executePrune(PruneProposal)
    case cancelPrune
    case signal(pid: Int32, terminate: Bool)
    /// A time key: the loop reads the archive and moves `UIState.rewind`.
    case seek(Seek)
    /// Preview an operation on a consumer.
    case proposeOp(OpTarget, ConsumerOp)
    /// Carry out a previewed operation.
    case executeOp(OpProposal, force: Bool)
    /// Read a backend's detail (`BackendInspector`), off the UI thread.
    case inspect(Int32)
    /// EXPLAIN a backend's query (plain EXPLAIN in a read-only transaction), off the UI thread.
    case explain(Int32)
}
