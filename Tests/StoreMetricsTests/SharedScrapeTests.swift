import Foundation
import Synchronization
import Testing

@testable import StoreMetrics

@Suite struct SharedScrapeTests {
    @Test func concurrentCallersShareOneRun() async throws {
        let calls = Mutex(0)
        let shared = SharedScrape<Int> {
            Thread.sleep(forTimeInterval: 0.3)
            return calls.withLock {
                $0 += 1
                return $0
            }
        }
        let results = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<10 { group.addTask { try await shared.value() } }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(results.count == 10)
        #expect(Set(results).count <= 2, "ten callers, at most two runs (one may start after the first ended)")
        #expect(shared.runs == calls.withLock { $0 })
        #expect(try await shared.value() == shared.runs, "a caller after the run starts a new one")
    }

    @Test func errorsReachEveryWaiter() async {
        struct Boom: Error {}
        let shared = SharedScrape<Int> {
            Thread.sleep(forTimeInterval: 0.1)
            throw Boom()
        }
        await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    do {
                        _ = try await shared.value()
                        return false
                    } catch { return error is Boom }
                }
            }
            for await failed in group { #expect(failed) }
        }
    }
}
