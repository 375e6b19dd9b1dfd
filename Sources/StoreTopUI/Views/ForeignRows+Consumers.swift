import Foundation
import StoreMetrics

extension ForeignRows {
    /// Consumers: factstr cursors and eventcore subscriptions.
    static let consumers: [String: ForeignCell<Snapshot.ForeignStore.Consumer>] = [
        "TENANT/CONSUMER": .init(text: { $0.name }, role: { _ in .accent }, sort: { .text($0.name) }),
        "SOURCE": .init(text: { _ in "events" }, sort: { _ in .text("events") }),
        "POSITION": .init(text: { StoreColumn.position($0.position) }, sort: { .num(Double($0.position) ?? -1) }),
        "LAG": .init(text: { lag($0) }, role: { lagRole($0) }, sort: { .num(Double($0.lagEvents ?? -1)) }),
        "LAG TIME": .init(
            text: { c in c.lagEvents == 0 ? "-" : age(c.oldestUnhandledAgeSeconds) }, role: { lagRole($0) },
            sort: { .num($0.oldestUnhandledAgeSeconds ?? 0) }),
        "STATUS": .init(text: { $0.status }, role: { StoreColumn.statusRole($0.status) }, sort: { .num(StoreColumn.severity($0.status)) }),
        "WHY": .init(text: { $0.why }, role: { $0.status == "OK" ? .dim : StoreColumn.statusRole($0.status) }, sort: { .text($0.why) }),
    ]

    /// Outboxes: zestor's, per namespace and kind. Its watchers live in the application's memory, so no watcher
    /// column has a figure, and only an age-based prune is offered.
    static let outboxes: [String: ForeignCell<Snapshot.ForeignStore.Outbox>] = [
        "TENANT/KIND": .init(text: { "\($0.tenant)/\($0.kind)" }, role: { _ in .accent }, sort: { .text("\($0.tenant)/\($0.kind)") }),
        "ROWS": .init(
            text: { ($0.rowsExact ? "" : "≤") + Format.count($0.rows) }, role: { $0.rows > 100_000 ? .warning : .normal },
            sort: { .num(Double($0.rows)) }),
        "OLDEST": .init(
            text: { $0.rows > 0 ? age($0.oldestAgeSeconds) : "-" }, role: { Views.ageRole($0.rows > 0 ? $0.oldestAgeSeconds : nil, 3600, 86400) },
            sort: { .num($0.oldestAgeSeconds ?? -1) }),
        // the head id moves for every pair (ids are shared), so the growth of one pair is at most this
        "GROWTH/S": .init(
            text: { $0.rowsPerSecond.map { "≤" + String(format: "%+.1f", $0) } ?? "-" }, role: { ($0.rowsPerSecond ?? 0) > 0 ? .warning : .normal },
            sort: { .num($0.rowsPerSecond ?? 0) }),
        "SLOWEST WATCHER": .init(text: { _ in "(in memory)" }, role: { _ in .dim }, sort: { _ in .text("") }),
    ]

    /// Bookmarks: faucet-state's, with the replication slot a CDC bookmark names.
    static let bookmarks: [String: ForeignCell<At<Snapshot.ForeignStore.Bookmark>>] = [
        "KEY": .init(text: { key($0.value) }, role: { $0.value.slotActive == false ? .warning : .normal }, sort: { .text($0.value.key) }),
        "AGE": .init(
            text: { Format.duration($0.value.ageSeconds) }, role: { Views.ageRole($0.value.ageSeconds, 3600, 86400) },
            sort: { .num($0.value.ageSeconds) }),
        "UPDATED (UTC)": .init(
            text: { ISO8601DateFormatter().string(from: $0.now.addingTimeInterval(-$0.value.ageSeconds)) }, role: { _ in .dim },
            sort: { .num(-$0.value.ageSeconds) }),
    ]

    /// The key, with its envelope and, for a CDC bookmark, its slot: how far behind the WAL, and whether it is active.
    static func key(_ b: Snapshot.ForeignStore.Bookmark) -> String {
        var s = b.key + " [" + b.envelope + "]"
        if let slot = b.slot {
            let behind = b.bytesBehind.map { ", \(Format.bytes($0)) behind" } ?? ""
            s += " slot \(slot) " + (b.slotActive.map { $0 ? "active" : "inactive" } ?? "missing") + behind
        }
        return s
    }
}
