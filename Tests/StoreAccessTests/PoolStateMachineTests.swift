import Testing

@testable import StoreAccess

/// The pool's decisions, step by step, with no sockets: events in, actions out (described as text so a whole
/// step reads as one expectation).
@Suite struct PoolStateMachineTests {
    typealias Machine = PoolStateMachine<String>

    static func machine(max: Int = 2, min: Int = 0, idle: Duration = .seconds(60)) -> Machine {
        Machine(limits: .init(maxConnections: max, minConnections: min, idleTimeout: idle))
    }

    static func text(_ action: Machine.Action?) -> String {
        switch action {
        case .lease(let c, let w)?: return "lease \(c) to \(w)"
        case .create(let w)?: return "create for \(w.map(String.init) ?? "pool")"
        case .wait(let w)?: return "wait \(w)"
        case .fail(let w, .closed)?: return "fail \(w) closed"
        case .fail(let w, .timeout(let inUse, let waiting))?: return "fail \(w) timeout \(inUse)/\(waiting)"
        case .close(let c)?: return "close \(c)"
        case nil: return "none"
        }
    }

    static func text(_ actions: [Machine.Action]) -> [String] { actions.map { text($0) } }

    let t0 = ContinuousClock.now

    @Test func acquireCreatesUpToTheMaximumThenLeasesIdleConnections() {
        var m = Self.machine()
        #expect(Self.text(m.acquire(1)) == "create for 1")
        #expect(Self.text(m.connectionCreated("c1", for: 1, now: t0)) == [])
        m.acquired(recorded: true)
        #expect(Self.text(m.released("c1", keep: true, now: t0)) == [])
        #expect(m.metrics.idle == 1 && m.metrics.inUse == 0 && m.metrics.size == 1)
        // an idle connection is leased before a new one is opened
        #expect(Self.text(m.acquire(2)) == "lease c1 to 2")
        #expect(m.metrics.idle == 0 && m.metrics.inUse == 1)
    }

    @Test func acquireAtMaximumWaits() {
        var m = Self.machine(max: 1)
        #expect(Self.text(m.acquire(1)) == "create for 1")
        _ = m.connectionCreated("c1", for: 1, now: t0)
        #expect(Self.text(m.acquire(2)) == "wait 2")
        #expect(m.metrics.waiting == 1 && m.metrics.size == 1 && m.metrics.inUse == 1)
    }

    @Test func releaseHandsTheConnectionToTheFirstWaiter() {
        var m = Self.machine(max: 1)
        _ = m.acquire(1)
        _ = m.connectionCreated("c1", for: 1, now: t0)
        #expect(Self.text(m.acquire(2)) == "wait 2")
        #expect(Self.text(m.acquire(3)) == "wait 3")
        #expect(Self.text(m.released("c1", keep: true, now: t0)) == ["lease c1 to 2"])
        #expect(m.metrics.waiting == 1 && m.metrics.idle == 0 && m.metrics.inUse == 1)
        #expect(Self.text(m.released("c1", keep: true, now: t0)) == ["lease c1 to 3"])
        #expect(Self.text(m.released("c1", keep: true, now: t0)) == [])
        #expect(m.metrics.idle == 1 && m.metrics.waiting == 0)
    }

    @Test func aTimeoutFailsOnlyThatWaiter() {
        var m = Self.machine(max: 1)
        _ = m.acquire(1)
        _ = m.connectionCreated("c1", for: 1, now: t0)
        _ = m.acquire(2)
        _ = m.acquire(3)
        #expect(Self.text(m.timedOut(3)) == "fail 3 timeout 1/1")
        #expect(m.metrics.timeoutsTotal == 1 && m.metrics.waiting == 1)
        // waiter 2 still gets the connection; a timeout after its lease changes nothing
        #expect(Self.text(m.released("c1", keep: true, now: t0)) == ["lease c1 to 2"])
        #expect(Self.text(m.timedOut(2)) == "none")
        #expect(m.metrics.timeoutsTotal == 1)
    }

    @Test func aBrokenConnectionIsClosedAndReplacedForTheFirstWaiter() {
        var m = Self.machine(max: 1)
        _ = m.acquire(1)
        _ = m.connectionCreated("c1", for: 1, now: t0)
        _ = m.acquire(2)
        #expect(Self.text(m.released("c1", keep: false, now: t0)) == ["close c1", "create for 2"])
        #expect(Self.text(m.connectionCreated("c2", for: 2, now: t0)) == [])
        let s = m.metrics
        #expect(s.size == 1 && s.inUse == 1 && s.closedTotal == 1 && s.createdTotal == 2 && s.waiting == 0)
    }

    @Test func aFailedLivenessCheckClosesTheLeaseAndTriesAgain() {
        var m = Self.machine(max: 1)
        _ = m.acquire(1)
        _ = m.connectionCreated("c1", for: 1, now: t0)
        _ = m.released("c1", keep: true, now: t0)
        #expect(Self.text(m.acquire(2)) == "lease c1 to 2")
        #expect(Self.text(m.leaseRejected(2)) == "create for 2")
        #expect(m.metrics.closedTotal == 1 && m.metrics.size == 1)
    }

    @Test func aFailedConnectAttemptFreesItsSlotForTheNextWaiter() {
        var m = Self.machine(max: 1)
        #expect(Self.text(m.acquire(1)) == "create for 1")
        #expect(Self.text(m.acquire(2)) == "wait 2")
        #expect(Self.text(m.connectionFailed(for: 1)) == ["create for 2"])
        #expect(m.metrics.connectionErrorsTotal == 1 && m.metrics.size == 1 && m.metrics.inUse == 1)
    }

    @Test func closeFailsAllWaitersAndLaterCallers() {
        var m = Self.machine(max: 1)
        _ = m.acquire(1)
        _ = m.connectionCreated("c1", for: 1, now: t0)
        _ = m.acquire(2)
        _ = m.acquire(3)
        #expect(Self.text(m.close()) == ["fail 2 closed", "fail 3 closed"])
        #expect(m.isClosed && m.metrics.waiting == 0)
        // the connection in use is closed when it comes back, and nobody gets one any more
        #expect(Self.text(m.released("c1", keep: true, now: t0)) == ["close c1"])
        #expect(Self.text(m.acquire(4)) == "fail 4 closed")
        #expect(Self.text(m.close()) == [])
        #expect(m.metrics.size == 0 && m.metrics.closedTotal == 1)
    }

    @Test func closeClosesIdleConnections() {
        var m = Self.machine(max: 2)
        _ = m.acquire(1)
        _ = m.acquire(2)
        _ = m.connectionCreated("c1", for: 1, now: t0)
        _ = m.connectionCreated("c2", for: 2, now: t0)
        _ = m.released("c1", keep: true, now: t0)
        _ = m.released("c2", keep: true, now: t0)
        #expect(Self.text(m.close()) == ["close c1", "close c2"])
        #expect(m.metrics.size == 0 && m.metrics.idle == 0 && m.metrics.closedTotal == 2)
    }

    @Test func metricsCountWhatHappened() {
        var m = Self.machine(max: 2)
        _ = m.acquire(1)
        _ = m.connectionCreated("c1", for: 1, now: t0)
        m.acquired(recorded: true)
        _ = m.acquire(2)
        _ = m.connectionFailed(for: 2)
        _ = m.acquire(3)
        _ = m.connectionCreated("c2", for: 3, now: t0)
        m.acquired(recorded: true)
        _ = m.acquire(4)
        _ = m.timedOut(4)
        _ = m.released("c2", keep: false, now: t0)
        m.acquired(recorded: false)  // the reporter's own use is not an acquisition
        let s = m.metrics
        #expect(
            s
                == .init(
                    size: 1, idle: 0, inUse: 1, waiting: 0, peakInUse: 2, createdTotal: 2, closedTotal: 1,
                    acquisitionsTotal: 2, timeoutsTotal: 1, connectionErrorsTotal: 1))
    }

    @Test func maintenanceClosesIdleConnectionsPastTheTimeoutAndKeepsTheMinimum() {
        var m = Self.machine(max: 3, min: 1, idle: .seconds(10))
        // lazy: nothing is opened before the pool was used
        #expect(Self.text(m.maintain(now: t0)) == [])
        for w in 1...3 { _ = m.acquire(w) }
        for (w, c) in [(1, "c1"), (2, "c2"), (3, "c3")] { _ = m.connectionCreated(c, for: w, now: t0) }
        for c in ["c1", "c2", "c3"] { _ = m.released(c, keep: true, now: t0) }
        #expect(Self.text(m.maintain(now: t0 + .seconds(5))) == [])
        #expect(Self.text(m.maintain(now: t0 + .seconds(11))) == ["close c1", "close c2"])
        #expect(m.metrics.size == 1 && m.metrics.idle == 1)
        // below the minimum (the last one broke), maintenance opens one for the pool
        _ = m.acquire(4)
        _ = m.released("c3", keep: false, now: t0)
        #expect(Self.text(m.maintain(now: t0 + .seconds(12))) == ["create for pool"])
        #expect(Self.text(m.connectionCreated("c4", for: nil, now: t0)) == [])
        #expect(m.metrics.idle == 1 && m.metrics.size == 1)
    }

    @Test func aConnectionOpenedForTheMinimumGoesToAWaiterFirst() {
        var m = Self.machine(max: 2, min: 2)
        _ = m.acquire(1)
        _ = m.connectionCreated("c1", for: 1, now: t0)
        #expect(Self.text(m.maintain(now: t0)) == ["create for pool"])
        _ = m.acquire(2)  // the pool's creation holds the second slot: wait for it
        #expect(Self.text(m.connectionCreated("c2", for: nil, now: t0)) == ["lease c2 to 2"])
    }
}
