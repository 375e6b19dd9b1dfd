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
    var dialog: Dialog = .none
    /// Prune, cancel and terminate are off.
    public var readOnly = false
    /// A one-key message in the status line (any next key clears it).
    var status: String?

    /// The default state.
    public init() {}

    init(view: View) { self.view = view }

    var current: ViewState {
        get { views[view] ?? ViewState() }
        set { views[view] = newValue }
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
    case sortMenu(selected: Int)
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
}
