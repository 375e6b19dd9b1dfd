import Foundation
import StoreMetrics

/// Each view's foreign rows (issue 18) and the cells they fill under the view's own column titles
/// (`StoreColumn.merge`). A store-wide row (Overview, Streams) names its store in the first column, which is never
/// dropped on a narrow screen.
enum ForeignRows {
    /// The stores as a view sees them: all at the top level; under a tenant only those that have the tenant (zestor's
    /// ns_id, axon's namespace), each cut to that tenant's outboxes and sessions.
    static func stores(_ snap: Snapshot, tenant: String?) -> [Snapshot.ForeignStore] {
        let all = snap.foreign ?? []
        guard let tenant else { return all }
        return all.compactMap { f in
            var s = f
            switch f.kind {
            case .zestor:
                s.outboxes = f.outboxes.filter { $0.tenant == tenant }
                return s.outboxes.isEmpty ? nil : s
            case .axon:
                let groups = (snap.sessions?.groups ?? []).filter { $0.library == "axon" && $0.store == f.schema && $0.tenant == tenant }
                guard !groups.isEmpty else { return nil }
                s.listeners = groups.reduce(0) { $0 + $1.total }
                return s
            case .factstr, .eventcore, .faucet:
                return nil
            }
        }
    }

    /// The consumer a store-wide line names: the worst status, then the largest lag.
    static func worst(_ f: Snapshot.ForeignStore) -> Snapshot.ForeignStore.Consumer? {
        f.consumers.max { a, b in
            (StoreColumn.severity(a.status), a.lagEvents ?? -1) < (StoreColumn.severity(b.status), b.lagEvents ?? -1)
        }
    }

    static func events(_ f: Snapshot.ForeignStore) -> String { f.events.map { (f.eventsExact ? "" : "~") + Format.count($0) } ?? "-" }

    static func lag(_ c: Snapshot.ForeignStore.Consumer?) -> String {
        guard let c, let n = c.lagEvents else { return "-" }
        return Views.events(n, capped: c.lagCapped)
    }

    @Sendable static func lagRole(_ c: Snapshot.ForeignStore.Consumer?) -> Role {
        guard let c else { return .normal }
        return Views.lagRole(c.oldestUnhandledAgeSeconds ?? 0, c.lagEvents ?? 0)
    }

    static func age(_ seconds: Double?) -> String { seconds.map(Format.duration) ?? "-" }

    /// Overview: one line per store.
    static let overview: [String: ForeignCell<Snapshot.ForeignStore>] = [
        "TENANT": .init(text: { $0.label + ($0.likely ? " (likely)" : "") }, role: { _ in .accent }, sort: { .text($0.label) }),
        "SESS": .init(text: { $0.listeners.map(String.init) ?? "-" }, sort: { .num(Double($0.listeners ?? 0)) }),
        "EVENTS": .init(text: events, sort: { .num(Double($0.events ?? 0)) }),
        "APPEND/S": .init(text: { Views.rate($0.appendRatePerSecond) }, sort: { .num($0.appendRatePerSecond ?? 0) }),
        "WORST LAG": .init(text: { lag(worst($0)) }, role: { lagRole(worst($0)) }, sort: { .num(Double(worst($0)?.lagEvents ?? 0)) }),
        "LAG TIME": .init(
            text: { f in worst(f).flatMap { $0.lagEvents == 0 ? nil : $0.oldestUnhandledAgeSeconds }.map(Format.duration) ?? "-" },
            role: { lagRole(worst($0)) }, sort: { .num(worst($0)?.oldestUnhandledAgeSeconds ?? 0) }),
        "STATUS": .init(
            text: { worst($0)?.status ?? "-" }, role: { worst($0).map { StoreColumn.statusRole($0.status) } ?? .dim },
            sort: { .num(worst($0).map { StoreColumn.severity($0.status) } ?? 0) }),
        "CONSUMER": .init(text: { worst($0)?.name ?? "-" }, sort: { .text(worst($0)?.name ?? "") }),
        "OUTBOX": .init(
            text: { f in
                f.outboxes.isEmpty ? "-" : (f.outboxes.allSatisfy(\.rowsExact) ? "" : "≤") + Format.count(f.outboxes.reduce(0) { $0 + $1.rows })
            },
            sort: { .num(Double($0.outboxes.reduce(0) { $0 + $1.rows })) }),
        "OLDEST": .init(
            text: { age($0.outboxes.compactMap(\.oldestAgeSeconds).max()) },
            role: { Views.ageRole($0.outboxes.compactMap(\.oldestAgeSeconds).max(), 3600, 86400) },
            sort: { .num($0.outboxes.compactMap(\.oldestAgeSeconds).max() ?? -1) }),
    ]

    /// A store and the snapshot's instant (Streams, Bookmarks).
    struct At<T: Sendable>: Sendable {
        let value: T
        let now: Date
    }

    /// Streams: one line per event store with a head.
    static let streams: [String: ForeignCell<At<Snapshot.ForeignStore>>] = [
        "TENANT": .init(text: { $0.value.label }, role: { _ in .accent }, sort: { .text($0.value.label) }),
        "HEAD POS": .init(text: { $0.value.head.map(StoreColumn.position) ?? "-" }, sort: { .text($0.value.head ?? "") }),
        "EVENTS": .init(text: { events($0.value) }, sort: { .num(Double($0.value.events ?? 0)) }),
        "STREAMS": .init(
            text: { r in r.value.streamCount.map { (r.value.streamCountExact ? "" : "~") + Format.count($0) } ?? "-" },
            sort: { .num(Double($0.value.streamCount ?? 0)) }),
        "APPEND/S": .init(text: { Views.rate($0.value.appendRatePerSecond) }, sort: { .num($0.value.appendRatePerSecond ?? 0) }),
        "LAST WRITE": .init(
            text: { r in r.value.lastWriteAt.map { Format.duration(max(0, r.now.timeIntervalSince($0))) + " ago" } ?? "-" },
            sort: { r in .num(r.value.lastWriteAt.map { -r.now.timeIntervalSince($0) } ?? -1e12) }),
    ]
}
