import Foundation
import Testing

@testable import StoreMetrics
@testable import StoreTopUI

/// The consumer detail names what an operator needs from schema version 9: the failure policy, the failing handler
/// with its error, parked events, a pause and whether the loop acknowledged it.
@Suite struct ConsumerDetailOpsTests {
    @Test func failingParkedAndPausedAreNamed() {
        let now = Date(timeIntervalSince1970: 1_000_000)
        var c = Snapshot.Cursor(
            tenant: "acme", name: "billing", source: "events", kind: nil, position: 1206, head: 1300, lagEvents: 12, lagSeconds: 30,
            ownerApplication: "st:shop/consumer/acme", ownerHost: "h1", ownerPid: 7, ownerBackendPid: 99, ownerConnected: true,
            heartbeatAt: now, movedAt: now)
        #expect(Screen.operations(c) { _, m in m }.isEmpty, "a consumer before schema 9 shows nothing more")
        (c.onFailure, c.maxAttempts) = ("park", 5)
        (c.failingPosition, c.failingError, c.failingAttempts, c.failingSince) = (1207, "template missing", 3, now.addingTimeInterval(-60))
        (c.parked, c.parkedReplaying) = (4, 1)
        (c.pausedAt, c.pausedBy, c.pauseReason, c.pauseAcknowledged) = (now, "dba (storetop)", "rebuild", true)
        let lines = Screen.detailLines(c, nil, now: now).map { "\($0.0): \($0.1)" }
        #expect(lines.contains("on failure: park after 5 attempts"), "\(lines)")
        #expect(lines.contains { $0.hasPrefix("failing: at position 1207, 3 attempts since 1m00s ago") }, "\(lines)")
        #expect(lines.contains(": template missing"), "\(lines)")
        #expect(lines.contains("parked: 4 events, 1 to replay (9 Parked: R replays, D discards)"), "\(lines)")
        #expect(lines.contains { $0.hasPrefix("paused: paused by its loop: by dba (storetop)") }, "\(lines)")
        #expect(lines.contains(": why: rebuild"), "\(lines)")
    }
}
