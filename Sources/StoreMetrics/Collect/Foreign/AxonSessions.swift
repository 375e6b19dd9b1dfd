import Foundation

/// axon's PostgresStoreBackend (Bemarking/axon-lang) creates no tables: its stores are seen only in its sessions,
/// whose `application_name` is `axon-store/<store>` or `axon-store/<store>/<namespace>` (cut to 63 bytes on a
/// character boundary; `axon-store/<store>/introspect` is its CLI). A flow pins one connection for its length, so a
/// session long `idle in transaction` or long `active` is worth naming. Pure: reads the sessions panel's backends.
enum AxonSessions {
    /// The application_name prefix of every axon session.
    static let prefix = "axon-store/"
    /// The namespace its introspection CLI uses.
    static let cli = "introspect"
    /// A session pinned longer than this (idle in a transaction, or running one statement) is named in a warning.
    static let pinnedAfter: Double = 60

    /// One store per axon store name and database among `sessions.backends` (kind `.axon`, schema = the store name,
    /// `database` the sessions' own, else `database`; listeners = its sessions, `namespaces` their count per
    /// namespace), sorted by name then database, with a warning for each session pinned longer than `pinnedAfter`.
    /// Keyed by database too: under `--all-databases` two databases' stores of one name are two stores.
    static func stores(from sessions: Snapshot.Sessions, now: Date, database: String? = nil) -> [Snapshot.ForeignStore] {
        var byStore: [Key: [(Snapshot.Backend, String?)]] = [:]
        for b in sessions.backends {
            guard let (store, namespace) = parse(b.applicationName) else { continue }
            byStore[Key(store: store, database: b.database ?? database), default: []].append((b, namespace))
        }
        return byStore.keys.sorted().map { key in
            let members = byStore[key] ?? []
            var s = Snapshot.ForeignStore(kind: .axon, version: "", schema: key.store, tables: [])
            s.database = key.database
            s.listeners = members.count
            s.namespaces = Dictionary(grouping: members, by: { $0.1 ?? "" }).map { .init(name: $0.key, sessions: $0.value.count) }
                .sorted { $0.name < $1.name }
            s.warnings = members.sorted { $0.0.pid < $1.0.pid }.compactMap { warning($0.0, namespace: $0.1, now: now) }
            if !sessions.seesAll {
                s.warnings.append(
                    "axon: this role does not see other roles' session states: pinned sessions of other roles are not named (grant pg_monitor)")
            }
            return s
        }
    }

    /// A store: its name and database.
    struct Key: Hashable, Comparable {
        let store: String, database: String?
        static func < (a: Key, b: Key) -> Bool { (a.store, a.database ?? "") < (b.store, b.database ?? "") }
    }

    /// The store and namespace of an axon application_name (namespace nil when there is none), or nil.
    static func parse(_ applicationName: String) -> (store: String, namespace: String?)? {
        guard applicationName.hasPrefix(prefix) else { return nil }
        let rest = applicationName.dropFirst(prefix.count)
        guard !rest.isEmpty else { return nil }
        guard let slash = rest.firstIndex(of: "/") else { return (String(rest), nil) }
        let store = String(rest[..<slash]), namespace = String(rest[rest.index(after: slash)...])
        guard !store.isEmpty else { return nil }
        return (store, namespace.isEmpty ? nil : namespace)
    }

    /// The warning for a session pinned longer than `pinnedAfter`, or nil: idle in a transaction (since its state
    /// changed) or active (since its statement started).
    static func warning(_ b: Snapshot.Backend, namespace: String?, now: Date) -> String? {
        let since: Date?, what: String
        switch b.state {
        case "idle in transaction", "idle in transaction (aborted)":
            (since, what) = (b.stateChange, b.state)
        case "active":
            (since, what) = (b.queryStart, "active in one statement")
        default:
            return nil
        }
        guard let since, now.timeIntervalSince(since) > pinnedAfter else { return nil }
        let cut = b.applicationName.utf8.count >= 63 ? " (name at the 63-byte limit: maybe cut)" : ""
        let ns = namespace == cli ? "its introspection CLI" : namespace.map { "namespace \($0)\(cut)" } ?? "no namespace"
        let xact = b.transactionStart.map { ", transaction open \(Format.duration(now.timeIntervalSince($0)))" } ?? ""
        return "axon: session pid \(b.pid) (\(ns)) \(what) for \(Format.duration(now.timeIntervalSince(since)))\(xact): a flow pins it"
    }
}
