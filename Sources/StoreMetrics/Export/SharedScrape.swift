import Foundation
import Synchronization

/// Runs a blocking piece of work (a scrape: one snapshot and its exposition) on a thread of its own and lets every
/// caller that arrives while it runs share its result. Ten scrapers at once (Prometheus replicas, a curl loop, an
/// attacker) cost the database one snapshot, not ten, and never queue behind each other's statements; the
/// cooperative thread pool is never blocked.
public final class SharedScrape<Value: Sendable>: Sendable {
    private struct State {
        var waiters: [CheckedContinuation<Value, any Error>] = []
        var running = false
        var runs = 0
    }

    private let work: @Sendable () throws -> Value
    private let state = Mutex(State())

    /// Shares `work` among concurrent callers.
    public init(_ work: @escaping @Sendable () throws -> Value) { self.work = work }

    /// The result of the run in flight, or of a new run when none is.
    public func value() async throws -> Value {
        try await withCheckedThrowingContinuation { cont in
            let start = state.withLock { s -> Bool in
                s.waiters.append(cont)
                if s.running { return false }
                s.running = true
                s.runs += 1
                return true
            }
            if start {
                Thread.detachNewThread { [self] in
                    let result = Result { try work() }
                    let waiters = state.withLock { s -> [CheckedContinuation<Value, any Error>] in
                        s.running = false
                        defer { s.waiters = [] }
                        return s.waiters
                    }
                    for w in waiters { w.resume(with: result) }
                }
            }
        }
    }

    /// How many times the work ran (tests and the exporter's own metrics).
    public var runs: Int { state.withLock { $0.runs } }
}
