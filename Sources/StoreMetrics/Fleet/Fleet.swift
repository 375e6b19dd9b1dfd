import Foundation
import StoreAccess
import Synchronization

/// Several targets, each with its own collector, refresh loop and backoff on its own thread, so one slow or lost
/// server never delays the others (issue 19). The dashboard polls each member's loop; `snapshot` and `metrics`
/// read every target at once with `readAll`.
public final class Fleet: @unchecked Sendable {
    /// One target and the loop that refreshes it.
    public struct Member: Sendable {
        /// The target.
        public let target: Target
        /// Its refresh loop (its own thread once started).
        public let loop: RefreshLoop<Collector, SystemClock>
    }

    /// The members, in the order the targets were given.
    public let members: [Member]

    /// A fleet refreshing every target every `interval` seconds (not started).
    public init(targets: [Target], interval: Double) throws {
        members = try targets.map { t in
            Member(target: t, loop: RefreshLoop(source: try t.collector(), interval: interval, clock: SystemClock(), history: t.history()))
        }
    }

    /// Starts every member's thread.
    public func start() { for m in members { m.loop.start() } }

    /// Stops every member after its refresh in progress and closes its connection.
    public func stop() {
        for m in members { m.loop.stop() }
        for m in members { m.loop.source.close() }
    }

    /// Reads every target at once, each on its own thread: one snapshot, or two `sample` seconds apart so rates
    /// and statuses are filled in. A target that cannot be read gives its error; none waits for another.
    public static func readAll(_ targets: [Target], sample: Double) -> [TargetReading] {
        let results = Mutex([TargetReading?](repeating: nil, count: targets.count))
        let group = DispatchGroup()
        for (i, t) in targets.enumerated() {
            group.enter()
            let thread = Thread {
                let r = read(t, sample: sample)
                results.withLock { $0[i] = r }
                group.leave()
            }
            thread.name = "storetop-target"
            thread.start()
        }
        group.wait()
        return results.withLock { $0.compactMap { $0 } }
    }

    /// One target's reading (see `readAll`).
    static func read(_ t: Target, sample: Double) -> TargetReading {
        do {
            let c = try t.collector()
            defer { c.close() }
            var h = t.history()
            var d = h.add(try c.snapshot())
            if sample > 0 {
                Thread.sleep(forTimeInterval: sample)
                d = h.add(try c.snapshot())
            }
            return TargetReading(name: t.name, snapshot: h.snapshots.last, derived: d, error: nil)
        } catch {
            return TargetReading(name: t.name, snapshot: nil, derived: nil, error: Collector.shortError(error))
        }
    }
}
