import Foundation
import Testing

@testable import StoreMetrics
@testable import StoreTopUI

/// The fixture's snapshots with the primary's replication (`Fixture+Replication`), in order, the last again.
final class ReplicationSource: SnapshotSource, @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0

    func snapshot(now: Date) throws -> Snapshot {
        lock.lock()
        defer { lock.unlock() }
        defer { next += 1 }
        var s = Fixture.snapshot(min(next, 2))
        s.replication = Fixture.primaryReplication()
        return s
    }

    func close() {}
}

/// Keys through the real app loop on a `TextTerminal` (as `KeyScriptTests`): 8 opens Replication, `>` moves the
/// sort to the next column until WAL BYTES sorts the largest WAL holder of any kind first, `/dr` Enter keeps the
/// lines that name the DR standby and its slot. The transcript is compared whole with Scripts/replication-sort-filter.
@Suite struct ReplicationKeyScriptTests {
    @Test func eightSortsAndFilters() throws {
        let clock = ManualClock(Fixture.t0)
        let keys: [(Key, String)] =
            [(.char("8"), "8")] + Array(repeating: (.char(">"), ">"), count: 4) + [(.char("/"), "/"), (.char("d"), "d"), (.char("r"), "r")]
            + [(.enter, "Enter"), (.char("q"), "q")]
        let script: [TextTerminal.Input] = [.wait(seconds: 0), .wait(seconds: 5)] + keys.map { .key($0.0, name: $0.1) }
        let terminal = TextTerminal(width: 120, height: 40, script: script, advance: clock.advance)
        let refresh = RefreshLoop(
            source: ReplicationSource(), interval: 5, clock: clock, history: History(rules: LagRules(window: 3, stallAfter: 10)))
        var options = App.Options()
        (options.interval, options.serverLabel) = (2, "db-1:5432")
        AppLoop(terminal: terminal, refresh: refresh, effects: EffectRunner(refresh: refresh, actions: nil, spawn: { $0() }), options: options).run()
        KeyScriptTests().check("replication-sort-filter", terminal)
        let opened = try #require(terminal.frames.first { $0.contains("KIND") && $0.contains("WAL BYTES") })
        #expect(opened.contains("orders_cdc") && opened.contains("replica-eu"))
        let sorted = try #require(terminal.frames.first { $0.contains("WAL BYTES▼") }?.split(separator: "\n").map(String.init))
        #expect(sorted[4].contains("orders_cdc") && sorted[4].contains(Format.bytes(6_442_450_944)), "the largest WAL holder first: \(sorted[4])")
        let last = try #require(terminal.frames.last?.split(separator: "\n").map(String.init))
        // the standby and the slot named "dr"; of the warnings, the DR standby's and the one that says "drop it"
        let things = last[4...].filter { $0.hasPrefix("standby") || $0.hasPrefix("physical slot") || $0.hasPrefix("logical slot") }
        #expect(things.count == 2 && things[0].contains("replica-dr") && things[1].contains("replica_dr"), "\(things)")
        #expect(last.contains { $0.hasPrefix("warning") && $0.contains("standby replica-dr") })
        #expect(last.contains { $0.contains("filter: dr") })
    }
}
