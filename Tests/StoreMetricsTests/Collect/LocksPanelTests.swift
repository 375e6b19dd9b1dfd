import Foundation
import Testing

@testable import StoreMetrics

/// The lock view's arithmetic, with no server: a registration's position from the low 32 bits of its key, the
/// safe position, and the blockers.
@Suite struct LocksPanelTests {
    @Test func aRegistrationIsTheHighestPositionAtOrBelowTheHeadWithItsKeysBits() {
        #expect(LocksPanel.registeredAfter(head: 100, key: 97) == 97)
        #expect(LocksPanel.registeredAfter(head: 100, key: 100) == 100)
        // the head passed 2^32 since the writer registered at 2^32 - 3
        let m: Int64 = 1 << 32
        #expect(LocksPanel.registeredAfter(head: m + 5, key: m - 3) == m - 3)
        #expect(LocksPanel.registeredAfter(head: 3 * m + 7, key: 5) == 3 * m + 5)
        // a writer registered after the head was read (its key is above the head's bits): nothing held back, never
        // head − 2^32 (the race CI's ThreadSanitizer run caught)
        #expect(LocksPanel.registeredAfter(head: 380, key: 381) == 380)
        #expect(LocksPanel.registeredAfter(head: 2 * m + 10, key: 12) == 2 * m + 10)
        // the window's edge, as the SQL function registered_after() (SafePositionRaceTests): 2^31 behind is ahead
        #expect(LocksPanel.registeredAfter(head: m / 2, key: 1) == 1)
        #expect(LocksPanel.registeredAfter(head: m / 2 + 1, key: 1) == m / 2 + 1)
    }

    @Test func theSafePositionIsBelowTheLowestRegistrationOfItsLog() {
        let v = LockView(
            eventsHead: 120, outboxHead: 40,
            registrations: [("events", 11, 110), ("events", 12, 105), ("outbox", 13, 39)], consumerLocks: [], epoch: "2026-01-01 4")
        #expect(v.safe("events") == 105)
        #expect(v.safe("outbox") == 39)
        #expect(v.schemaVersion == 4)
        #expect(v.blockers.map(\.pid) == [12, 11, 13])
        #expect(LockView(eventsHead: 9, outboxHead: 3, registrations: [], consumerLocks: [], epoch: nil).safe("events") == 9)
    }
}
