/// The view tabs, the filter and the tenant breadcrumb. The breadcrumb always shows: the tabs shorten to make
/// room for it (full titles, closer together, then 8 or 4 letters, closer together, then the number alone; the current view keeps its name).
extension Screen {
    static func tabs(_ c: inout Canvas, _ s: UIState, y: Int) {
        let crumbs = [" tenant: " + (s.tenant.map { "all › \($0)" } ?? "all") + " ", " " + (s.tenant.map { "› \($0)" } ?? "all tenants") + " "]
        let crumb = crumbs.first { $0.count <= c.width / 3 } ?? String(crumbs[1].prefix(c.width / 3 - 1)) + "… "
        let filter = s.filterEditing || !s.current.filter.isEmpty ? " filter: \(s.current.filter)\(s.filterEditing ? "▏" : "") " : ""
        let room = c.width - crumb.count - 1
        var labels = tabLabels(s, level: 0)
        for level in 1...5 where labels.reduce(0, { $0 + $1.count }) + filter.count + 1 > room { labels = tabLabels(s, level: level) }
        var x = 0
        for (v, label) in zip(View.allCases, labels) { x += c.put(x, y, label, v == s.view ? .selected : .title, maxWidth: max(0, room - x)) }
        c.put(c.width - crumb.count, y, crumb, .breadcrumb)
        if !filter.isEmpty, x + filter.count < room { c.put(room - filter.count, y, filter, .warning) }
    }

    /// A view's title; the Sessions view's names its mode when it is not the groups (`Sessions: lock tree`).
    static func title(_ v: View, _ s: UIState) -> String {
        v == .sessions && s.sessionsMode != .groups ? "\(v.title): \(s.sessionsMode.title)" : v.title
    }

    /// The tab labels at a level of shortening (0: full titles; 5: numbers only but the current view's).
    static func tabLabels(_ s: UIState, level: Int) -> [String] {
        View.allCases.map { v in
            let current = v == s.view
            switch level {
            case 0: return " \(v.rawValue) \(title(v, s)) "
            case 1: return " \(v.rawValue) \(title(v, s))"
            case 2: return " \(v.rawValue)\(v.title.prefix(8)) "
            case 3: return " \(v.rawValue)\(v.title.prefix(current ? 8 : 4)) "
            case 4: return " \(v.rawValue)\(v.title.prefix(current ? 8 : 4))"
            default: return current ? " \(v.rawValue)\(v.title.prefix(8)) " : " \(v.rawValue) "
            }
        }
    }
}
