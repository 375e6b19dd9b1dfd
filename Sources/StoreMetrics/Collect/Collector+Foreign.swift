import Foundation
import StoreAccess

/// Which foreign stores a collector looks for (`--stores`, `--no-detect`); all by default.
public final class ForeignDetection: @unchecked Sendable {
    private let lock = NSLock()
    private var kinds: Set<Snapshot.ForeignStore.Kind>? = Set(Snapshot.ForeignStore.Kind.allCases)
    /// The kinds to detect; nil turns detection off.
    public var only: Set<Snapshot.ForeignStore.Kind>? {
        get { lock.withLock { kinds } }
        set { lock.withLock { kinds = newValue } }
    }
}

/// What the foreign panels carry between snapshots: the stores found and when, and when each factstr cursor was
/// first seen at its current position (factstr records no progress time of its own).
struct ForeignCarry: Sendable {
    var detectedAt: Date?
    var stores: [Snapshot.ForeignStore] = []
    var watchedSince: [String: Date] = [:]
    var positions: [String: (position: String, since: Date)] = [:]
}

extension Collector {
    /// Detects the foreign stores (at the first snapshot, then every `ForeignDetect.every` seconds) and reads each
    /// with its kind's panel, one panel per store (a failure is that store's alone); axon's from the sessions.
    func collectForeign(_ c: Connection, _ run: inout PanelRun, _ carry: inout ForeignCarry, now: Date) throws {
        guard let kinds = foreignDetection.only else { return }
        let clock = run.snapshot.clock
        if carry.detectedAt.map({ now.timeIntervalSince($0) >= ForeignDetect.every }) ?? true {
            if let tables = try run(ForeignDetect.name, { try ForeignDetect.read(c) }) {
                carry.stores = ForeignDetect.stores(tables, only: kinds)
                carry.detectedAt = now
            }
        }
        var out: [Snapshot.ForeignStore] = []
        for detected in carry.stores {
            var store = detected
            let read: Bool? = try run("foreign.\(store.label)") { n in
                try Self.readForeign(c, &store, now: clock, statements: &n)
                return true
            }
            if read == nil { continue }
            assignStatus(&store, &carry, now: clock)
            out.append(store)
        }
        if kinds.contains(.axon), let sessions = run.snapshot.sessions { out += AxonSessions.stores(from: sessions, now: clock) }
        run.snapshot.foreign = out
    }

    static func readForeign(_ c: Connection, _ store: inout Snapshot.ForeignStore, now: Date, statements: inout Int) throws {
        switch store.kind {
        case .factstr: try FactstrPanel.read(c, into: &store, now: now, statements: &statements)
        case .eventcore: try EventcorePanel.read(c, into: &store, now: now, statements: &statements)
        case .zestor: try ZestorPanel.read(c, schema: store.schema, into: &store, now: now, statements: &statements)
        case .faucet: try FaucetPanel.read(c, schema: store.schema, table: store.tables[0], into: &store, now: now, statements: &statements)
        case .axon: break
        }
    }

    /// Statuses from what the store records, and for factstr from the positions storetop has watched.
    private func assignStatus(_ store: inout Snapshot.ForeignStore, _ carry: inout ForeignCarry, now: Date) {
        let since = carry.watchedSince[store.label] ?? now
        carry.watchedSince[store.label] = since
        var moved: [String: Date] = [:]
        for c in store.consumers {
            let key = store.label + "/" + c.name
            if let seen = carry.positions[key], seen.position == c.position {
                moved[c.name] = seen.since
            } else {
                carry.positions[key] = (c.position, now)
                moved[c.name] = now
            }
        }
        ForeignStatus.assign(&store, lastMoved: moved, watchedSince: since, now: now)
    }
}
