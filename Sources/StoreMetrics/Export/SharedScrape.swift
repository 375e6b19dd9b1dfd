import Foundation
import Synchronization

/// Runs a blocking piece of work (a scrape: one snapshot and its exposition) on a thread of its own and lets every
/// caller that arrives while it runs share its result. Ten scrapers at once (Prometheus replicas, a curl loop, an
/// attacker) cost the database one snapshot, not ten, and never queue behind each other's statements; the
/// cooperative thread pool is never blocked.
public final class SharedScrape<Value: Sendable>: Sendable {
    private struct State {
        var waiters: [@Sendable (Result<Value, any Error>) -> Void] = []
        var running = false
        var runs = 0
    }

    private let work: @Sendable () throws -> Value
    private let state = Mutex(State())

    /// Shares `work` among concurrent callers.
    public init(_ work: @escaping @Sendable () throws -> Value) { self.work = work }

    /// The result of the run in flight, or of a new run when none is.
    public func value() async throws -> Value {
        try await withCheckedThrowingContinuation { cont in value { cont.resume(with: $0) } }
    }

    /// Calls `done` (on the work's thread) with the result of the run in flight, or of a new run when none is.
    public func value(_ done: @escaping @Sendable (Result<Value, any Error>) -> Void) {
        let start = state.withLock { s -> Bool in
            s.waiters.append(done)
            if s.running { return false }
            s.running = true
            s.runs += 1
            return true
        }
        guard start else { return }
        Thread.detachNewThread { [self] in
            let result = Result { try work() }
            let waiters = state.withLock { s -> [@Sendable (Result<Value, any Error>) -> Void] in
                s.running = false
                defer { s.waiters = [] }
                return s.waiters
            }
            for w in waiters { w(result) }
        }
    }

    /// How many times the work ran (tests and the exporter's own metrics).
    public var runs: Int { state.withLock { $0.runs } }
}
