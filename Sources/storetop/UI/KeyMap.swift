/// Every key binding, in one table: the help screen and the footer are generated from it.
enum KeyMap {
    struct Binding: Sendable {
        let keys: String
        let help: String
        /// Views where it applies (nil: everywhere).
        let views: [View]?
        let footer: Bool
        /// Hidden in read-only mode.
        let action: Bool
    }

    static let bindings: [Binding] = [
        .init(keys: "1-7 Tab S-Tab", help: "switch view", views: nil, footer: false, action: false),
        .init(keys: "↑↓ PgUp PgDn Home End", help: "move", views: nil, footer: false, action: false),
        .init(keys: "Enter", help: "drill into tenant", views: [.overview], footer: true, action: false),
        .init(keys: "Enter", help: "expand group", views: [.sessions], footer: true, action: false),
        .init(keys: "Esc", help: "back / clear filter", views: nil, footer: true, action: false),
        .init(keys: "t", help: "tenant", views: nil, footer: true, action: false),
        .init(keys: "/", help: "filter", views: nil, footer: true, action: false),
        .init(keys: "s S", help: "sort / reverse", views: nil, footer: true, action: false),
        .init(keys: "P", help: "prune", views: [.outboxes], footer: true, action: true),
        .init(keys: "C", help: "cancel query", views: [.sessions], footer: true, action: true),
        .init(keys: "K", help: "terminate", views: [.sessions], footer: true, action: true),
        .init(keys: "Space", help: "pause", views: nil, footer: true, action: false),
        .init(keys: "+ -", help: "interval", views: nil, footer: false, action: false),
        .init(keys: "r", help: "refresh now", views: nil, footer: false, action: false),
        .init(keys: "? h", help: "help", views: nil, footer: true, action: false),
        .init(keys: "q", help: "quit", views: nil, footer: true, action: false),
    ]

    static func footer(for view: View, readOnly: Bool) -> [(String, String)] {
        bindings.filter { $0.footer && ($0.views == nil || $0.views!.contains(view)) && !(readOnly && $0.action) }
            .map { ($0.keys, $0.help) }
    }
}
