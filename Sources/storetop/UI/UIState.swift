import StoreAccess
import StoreMetrics

/// The seven views, in key order.
enum View: Int, CaseIterable, Sendable {
    case overview = 1, sessions, pools, streams, consumers, outboxes, bookmarks

    var title: String {
        switch self {
        case .overview: return "Overview"
        case .sessions: return "Sessions"
        case .pools: return "Pools"
        case .streams: return "Streams"
        case .consumers: return "Consumers"
        case .outboxes: return "Outboxes"
        case .bookmarks: return "Bookmarks"
        }
    }

    init?(name: String) {
        guard let v = View.allCases.first(where: { $0.title.lowercased() == name.lowercased() || String($0.rawValue) == name }) else { return nil }
        self = v
    }
}

/// What a table row stands for, so handlers know what Enter, P, C or K act on.
enum RowID: Hashable, Sendable {
    case tenant(String)
    case group(String)
    case backend(Int32)
    case pool(String)
    case tenantHead(String)
    case stream(String)
    case cursor(String, String)
    case outbox(tenant: String, kind: String)
    case bookmark(String)
}

/// Per-view table state.
struct ViewState: Equatable, Sendable {
    var selected = 0
    var scroll = 0
    var sortColumn = 0
    var sortReversed = false
    var filter = ""
}

/// The prune choices offered by the dialog.
enum PruneChoice: Equatable, Sendable, CaseIterable {
    case safe, olderThan1h, olderThan24h

    var label: String {
        switch self {
        case .safe: return "safe: only rows every registered watcher has passed"
        case .olderThan1h: return "forced: rows older than 1 hour, whatever the watchers"
        case .olderThan24h: return "forced: rows older than 24 hours, whatever the watchers"
        }
    }

    var mode: PruneMode {
        switch self {
        case .safe: return .safe(retention: nil)
        case .olderThan1h: return .forced(olderThan: .seconds(3600))
        case .olderThan24h: return .forced(olderThan: .seconds(86400))
        }
    }
}

/// Modal dialogs. Every action dialog defaults to No.
enum Dialog: Equatable, Sendable {
    case none
    case help
    case tenantPicker(selected: Int)
    case pruneMode(tenant: String, kind: String, choice: Int)
    case planning(tenant: String, kind: String)
    case pruneConfirm(plan: PrunePlan, yes: Bool)
    case pruneProgress(deleted: Int, planned: Int, cancelling: Bool)
    case signalConfirm(pid: Int32, terminate: Bool, yes: Bool)
    case message(title: String, text: String)
}

/// Everything the screen shows besides the data.
struct UIState: Equatable, Sendable {
    var view: View = .overview
    /// Tenant breadcrumb: empty = all tenants; a drill-in appends.
    var tenant: String?
    var views: [View: ViewState] = Dictionary(uniqueKeysWithValues: View.allCases.map { ($0, ViewState()) })
    var filterEditing = false
    var paused = false
    var interval: Double = 2
    var expandedGroups: Set<String> = []
    var dialog: Dialog = .none
    var readOnly = false
    var status: String?

    var current: ViewState {
        get { views[view] ?? ViewState() }
        set { views[view] = newValue }
    }

    static let intervals: [Double] = [0.5, 1, 2, 3, 5, 10, 30, 60]
}

/// What the main loop must do after a key: the handlers never touch the database or the terminal.
enum Effect: Equatable, Sendable {
    case quit
    case refreshNow
    case intervalChanged(Double)
    case planPrune(tenant: String, kind: String, choice: PruneChoice)
    case executePrune(PrunePlan)
    case cancelPrune
    case signal(pid: Int32, terminate: Bool)
}
