import Foundation
import StoreMetrics
import Testing

/// The refresh schedule, step by step: no threads, no server.
@Suite struct RefreshSchedulerTests {
    let t0 = Date(timeIntervalSince1970: 1_000_000)

    @Test func firstRefreshAtOnceThenOneIntervalAfterEachSuccess() {
        var s = RefreshScheduler(interval: 2)
        #expect(s.isDue(now: t0))
        s.started()
        s.succeeded(finishedAt: t0.addingTimeInterval(0.3))
        #expect(!s.isDue(now: t0.addingTimeInterval(2.2)))
        #expect(s.sleep(now: t0.addingTimeInterval(1.3)) == 1)
        #expect(s.isDue(now: t0.addingTimeInterval(2.3)))
    }

    @Test func aFailureRetriesOneIntervalLaterNotABackoff() {
        var s = RefreshScheduler(interval: 3)
        s.started()
        #expect(s.failed(at: t0) == t0.addingTimeInterval(3))
        s.started()
        #expect(s.failed(at: t0.addingTimeInterval(3)) == t0.addingTimeInterval(6))
        #expect(!s.isDue(now: t0.addingTimeInterval(5.9)))
        #expect(s.isDue(now: t0.addingTimeInterval(6)))
        // a short interval still waits half a second
        var fast = RefreshScheduler(interval: 0.2)
        #expect(fast.failed(at: t0) == t0.addingTimeInterval(0.5))
    }

    @Test func pauseHoldsRefreshesButNotRetries() {
        var s = RefreshScheduler(interval: 1)
        s.succeeded(finishedAt: t0)
        s.setPaused(true)
        #expect(!s.isDue(now: t0.addingTimeInterval(60)))
        #expect(s.sleep(now: t0.addingTimeInterval(60)) == 0.5)
        s.setPaused(false)
        #expect(s.isDue(now: t0.addingTimeInterval(60)))
        s.setPaused(true)
        s.failed(at: t0)
        #expect(s.isDue(now: t0.addingTimeInterval(1)))
    }

    @Test func refreshNowAndANewIntervalRunAtOnceEvenPaused() {
        var s = RefreshScheduler(interval: 5)
        s.succeeded(finishedAt: t0)
        s.setPaused(true)
        s.refreshNow()
        #expect(s.isDue(now: t0))
        s.started()
        #expect(!s.isDue(now: t0))
        s.setInterval(10)
        #expect(s.isDue(now: t0) && s.interval == 10)
        s.started()
        s.setPaused(false)
        s.succeeded(finishedAt: t0)
        #expect(!s.isDue(now: t0.addingTimeInterval(9.9)) && s.isDue(now: t0.addingTimeInterval(10)))
    }

    @Test func aRequestDuringARefreshIsKept() {
        var s = RefreshScheduler(interval: 5)
        s.started()
        s.refreshNow()
        s.succeeded(finishedAt: t0)
        #expect(s.isDue(now: t0))
    }
}
