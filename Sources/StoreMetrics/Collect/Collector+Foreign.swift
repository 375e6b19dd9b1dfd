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
    private var overrides: [ConsumerThreshold] = []
    /// The config file's consumer thresholds; those whose store glob matches `<kind>:<schema>` (`factstr:public`)
    /// judge that store's consumers (`ForeignStatus`).
    public var thresholds: [ConsumerThreshold] {
        get { lock.withLock { overrides } }
        set { lock.withLock { overrides = newValue } }
    }
}

/// What the foreign panels carry between snapshots: the stores found and when, and when each factstr cursor was
/// first seen at its current position (factstr records no progress time of its own).
struct ForeignCarry: Sendable {
    var detectedAt: Date?
    var stores: [Snapshot.ForeignStore] = []
    var watchedSince: [String: Date] = [:]
    var positions: [String: (position: String, since: Date)] = [:]
    /// The previous snapshot's exact heads and when they were read: a factstr store's head sequence number (by
    /// label) and each zestor outbox's head id (by label/tenant/kind), for the rates.
    var heads: [String: (head: Int64, at: Date)] = [:]
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
        let database = run.snapshot.server?.database
        for detected in carry.stores {
            var store = detected
            store.database = database
            let read: Bool? = try run(Self.panelName(store)) { n in
                try Self.readForeign(c, &store, now: clock, statements: &n)
                return true
            }
            if read == nil { continue }
            assignStatus(&store, &carry, now: clock)
            rates(&store, &carry, now: clock)
            out.append(store)
        }
        if kinds.contains(.axon), let sessions = run.snapshot.sessions { out += AxonSessions.stores(from: sessions, now: clock, database: database) }
        run.snapshot.foreign = out
    }

    /// The panel a store is read in (named in `errors`, switched off alone after a permanent failure):
    /// `foreign.<kind>:<schema>`, for faucet with `/<table>` (several faucet tables may share a schema; one the role
    /// may not read must not switch off the others).
    static func panelName(_ store: Snapshot.ForeignStore) -> String {
        "foreign.\(store.label)" + (store.kind == .faucet ? store.tables.first.map { "/" + $0 } ?? "" : "")
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
        ForeignStatus.assign(&store, lastMoved: moved, watchedSince: since, now: now, thresholds: foreignDetection.thresholds)
    }

    /// Rates from the previous snapshot's exact heads: factstr's events/s (its head is the event count) and each zestor
    /// outbox's head-id growth. Nil on the first snapshot, after a head went back (a store recreated), and for
    /// eventcore (its event count is an estimate: a rate of it would not be honest).
    private func rates(_ store: inout Snapshot.ForeignStore, _ carry: inout ForeignCarry, now: Date) {
        func rate(_ key: String, _ head: Int64) -> Double? {
            defer { carry.heads[key] = (head, now) }
            guard let prev = carry.heads[key], now > prev.at, head >= prev.head else { return nil }
            return Double(head - prev.head) / now.timeIntervalSince(prev.at)
        }
        if store.kind == .factstr, store.eventsExact, let head = store.head.flatMap(Int64.init) {
            store.appendRatePerSecond = rate(store.label, head)
        }
        for i in store.outboxes.indices {
            let o = store.outboxes[i]
            store.outboxes[i].rowsPerSecond = rate("\(store.label)/\(o.tenant)/\(o.kind)", o.headID)
        }
    }
}
