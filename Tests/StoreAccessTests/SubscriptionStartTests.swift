import Foundation
import StoreTestSupport
import Testing

@testable import StoreAccess

/// Issue 17: a subscription can start "from now" (factstr's `stream_all`), from the beginning, or after a position.
@Suite struct SubscriptionStartTests {
    @Test func fromNowDeliversOnlyLaterCommits() throws {
        try withStore { store, _ in
            let es = try store.events(tenant: "now")
            let history = try es.append(to: "s", [ev("Old"), ev("Old")])
            #expect(try es.safePosition() == history.lastPosition)
            let seen = LockedBox<[String]>([])
            let sub = try es.subscribe(from: .now) { batch in seen.update { $0 += batch.map(\.type) } }
            defer { sub.stop() }
            let new = try es.append(to: "s", [ev("New")])
            #expect(sub.waitForPosition(new.lastPosition, timeout: .seconds(10)))
            #expect(seen.get() == ["New"])
        }
    }

    @Test func beginningAndAfterReplayHistory() throws {
        try withStore { store, _ in
            let es = try store.events(tenant: "start")
            let r = try es.append(to: "s", [ev("A"), ev("B"), ev("C")])
            for (start, want) in [(Subscription.Start.beginning, ["A", "B", "C"]), (.after(r.firstPosition), ["B", "C"])] {
                let seen = LockedBox<[String]>([])
                let sub = try es.subscribe(from: start) { batch in seen.update { $0 += batch.map(\.type) } }
                #expect(sub.waitForPosition(r.lastPosition, timeout: .seconds(10)))
                sub.stop()
                #expect(seen.get() == want)
            }
        }
    }
}
