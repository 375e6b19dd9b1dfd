/// One row of the key table: the keys, how help and the footer spell them, the help text, where the row is
/// visible, whether it changes the database, and the command each key dispatches.
public struct KeyBinding: Sendable {
    /// Where a row is shown.
    public enum Shown: Sendable { case helpAndFooter, help, hidden }
    /// The privilege a row's keys need (`Actions.Permissions`): without it the row leaves help and the footer.
    public enum Privilege: Sendable, CaseIterable, Hashable { case prune, consumers, signal }

    /// How help and the footer spell the keys ("s S", "1-8 Tab S-Tab").
    public let label: String
    /// What the keys do, in help and the footer.
    public let help: String
    /// Views where the keys act and the row is listed (nil: everywhere).
    public let views: [View]?
    /// Listed in help and the footer, in help only, or nowhere.
    public let shown: Shown
    /// The privilege the keys need (nil: they change nothing in the database).
    public let needs: Privilege?
    /// Changes the database: hidden from help and footer in read-only mode.
    public var dangerous: Bool { needs != nil }
    /// The command each key dispatches.
    public let commands: [Key: Command]

    init(
        _ label: String, _ help: String, _ views: [View]? = nil, _ shown: Shown = .helpAndFooter, needs: Privilege? = nil, _ commands: [Key: Command]
    ) {
        (self.label, self.help, self.views, self.shown, self.needs, self.commands) = (label, help, views, shown, needs, commands)
    }

    init(
        _ label: String, _ help: String, _ views: [View]? = nil, _ shown: Shown = .helpAndFooter, needs: Privilege? = nil, keys: [Key],
        _ command: Command
    ) {
        self.init(label, help, views, shown, needs: needs, Dictionary(uniqueKeysWithValues: keys.map { ($0, command) }))
    }

    func applies(in view: View) -> Bool { views?.contains(view) ?? true }

    func isOff(_ off: Set<Privilege>) -> Bool { needs.map(off.contains) ?? false }
}

/// Every key of the main screen, in one table: dispatch, the help screen and the footer are generated from it.
public enum KeyTable {
    static let views = Dictionary(uniqueKeysWithValues: View.allCases.map { (Key.char(Character(String($0.rawValue))), Command.showView($0)) })

    /// The rows, in help order.
    public static let bindings: [KeyBinding] = [
        .init("1-9 Tab S-Tab", "switch view", nil, .help, views.merging([.tab: .nextView, .backTab: .previousView]) { a, _ in a }),
        .init(
            "↑↓ PgUp PgDn Home End", "move", nil, .help,
            [.up: .move(.up), .down: .move(.down), .pageUp: .move(.pageUp), .pageDown: .move(.pageDown), .home: .move(.top), .end: .move(.bottom)]),
        .init("Enter", "drill into tenant", [.overview], keys: [.enter], .drillIn),
        .init("Enter", "expand / detail", [.sessions], keys: [.enter], .toggleGroup),
        .init(
            "a L w Q", "list/locks/waits/queries", [.sessions], .helpAndFooter,
            [
                .char("a"): .sessionsMode(.backends), .char("L"): .sessionsMode(.locks), .char("w"): .sessionsMode(.waits),
                .char("Q"): .sessionsMode(.queries),
            ]),
        .init("e", "expand/collapse all groups", [.sessions], .help, keys: [.char("e")], .expandAll),
        .init("Enter", "consumer detail", [.consumers], keys: [.enter], .consumerDetail),
        .init("Esc", "back / clear filter", keys: [.escape], .back),
        .init("t", "tenant", keys: [.char("t")], .pickTenant),
        .init("/", "filter", keys: [.char("/")], .editFilter),
        .init("s S", "sort by… / reverse", nil, .helpAndFooter, [.char("s"): .sortMenu, .char("S"): .reverseSort]),
        .init(">", "next sort column", nil, .help, keys: [.char(">")], .nextSortColumn),
        .init("P", "prune", [.outboxes], needs: .prune, keys: [.char("P")], .prune),
        .init("R", "rewind/skip/reset", [.consumers], needs: .consumers, keys: [.char("R")], .moveConsumer),
        .init("Z", "pause/resume it", [.consumers], needs: .consumers, keys: [.char("Z")], .pauseConsumer),
        .init(
            "R A", "replay it / all its consumer's", [.parked], needs: .consumers,
            [.char("R"): .replayParked(all: false), .char("A"): .replayParked(all: true)]),
        .init("D", "discard event", [.parked], needs: .consumers, keys: [.char("D")], .discardParked),
        .init("C", "cancel query", [.sessions], needs: .signal, keys: [.char("C")], .cancelQuery),
        .init("K", "terminate", [.sessions], needs: .signal, keys: [.char("K")], .terminate),
        .init("Space", "pause", keys: [.char(" ")], .togglePause),
        .init("+ -", "interval (rewound: speed)", nil, .help, [.char("+"): .intervalUp, .char("-"): .intervalDown]),
        .init("← →", "back / on a snapshot (Space plays the past)", nil, .help, [.left: .timeStep(-1), .right: .timeStep(1)]),
        .init(
            "[ ] { }", "back / on a minute, an hour", nil, .help,
            [.char("["): .timeJump(-60), .char("]"): .timeJump(60), .char("{"): .timeJump(-3600), .char("}"): .timeJump(3600)]),
        .init("g", "go to a time (03:12, -5m)", nil, .help, keys: [.char("g")], .goToTime),
        .init("r", "refresh now", nil, .help, keys: [.char("r")], .refreshNow),
        .init("? h", "help", keys: [.char("?"), .char("h")], .help),
        .init("q", "quit", keys: [.char("q")], .quit),
        .init("Ctrl-C", "quit", nil, .hidden, keys: [.ctrlC], .quit),
    ]

    /// The footer while the filter is typed (the keys themselves go to the filter).
    static let filterFooter: [(String, String)] = [("Enter", "apply"), ("Esc", "clear"), ("", "type to filter")]

    /// The command a key dispatches in `state`: dialogs and the filter read keys first; otherwise the table's
    /// row for this key in this view; nil for a key no row binds here.
    public static func command(for key: Key, in state: UIState) -> Command? {
        if key == .ctrlC { return .quit }
        if state.dialog != .none { return .dialogKey(key) }
        if state.filterEditing { return .filterKey(key) }
        return bindings.first { $0.applies(in: state.view) && $0.commands[key] != nil }?.commands[key]
    }

    /// The rows help lists, in order.
    public static func helpRows(readOnly: Bool) -> [KeyBinding] {
        helpRows(off: readOnly ? Set(KeyBinding.Privilege.allCases) : [])
    }

    /// The rows help lists, in order, without those needing a privilege in `off`.
    public static func helpRows(off: Set<KeyBinding.Privilege>) -> [KeyBinding] {
        bindings.filter { $0.shown != .hidden && !$0.isOff(off) }
    }

    /// The (keys, text) pairs of the footer of `view`.
    public static func footer(for view: View, readOnly: Bool) -> [(String, String)] {
        footer(for: view, off: readOnly ? Set(KeyBinding.Privilege.allCases) : [])
    }

    /// The (keys, text) pairs of the footer of `view`, without the rows needing a privilege in `off`.
    public static func footer(for view: View, off: Set<KeyBinding.Privilege>) -> [(String, String)] {
        bindings.filter { $0.shown == .helpAndFooter && $0.applies(in: view) && !$0.isOff(off) }.map { ($0.label, $0.help) }
    }
}
