import Foundation
import Testing

@testable import StoreMetrics

/// An archive in memory: the protocol's contract over a sorted array (the recording's is tested against SQLite in
/// StoreRecordingTests).
final class MemoryArchive: SnapshotArchive, @unchecked Sendable {
    let all: [Snapshot]
    init(_ all: [Snapshot]) { self.all = all }
    func timeRange() throws -> ClosedRange<Date>? { all.isEmpty ? nil : all.first!.takenAt...all.last!.takenAt }
    func snapshot(atOrBefore time: Date) throws -> Snapshot? { all.last { $0.takenAt <= time } }
    func window(endingAt time: Date, count: Int) throws -> [Snapshot] { Array(all.filter { $0.takenAt <= time }.suffix(count)) }
    func snapshots(after time: Date, limit: Int) throws -> [Snapshot] { Array(all.filter { $0.takenAt > time }.prefix(limit)) }
    func times(after: Date, through: Date, limit: Int) throws -> [Date] {
        Array(all.map(\.takenAt).filter { $0 > after && $0 <= through }.prefix(limit))
    }
    func times(endingAt time: Date, count: Int) throws -> [Date] { Array(all.map(\.takenAt).filter { $0 <= time }.suffix(count)) }
    func time(before time: Date) throws -> Date? { all.last { $0.takenAt < time }?.takenAt }
    func unreachable() throws -> [ArchiveGap] { [] }
}

/// A past moment shows what the live loop derived at that moment: rates, statuses and sparklines, whether reached
/// by a jump, a step back, a step on or a run forward.
@Suite struct TimeMachineTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    /// A consumer that moves, stops (stalls) and moves again while its tenant appends at a varying rate.
    func workload(_ n: Int) -> [Snapshot] {
        var position: Int64 = 0
        var head: Int64 = 0
        var moved = t0
        return (0..<n).map { i in
            let at = t0.addingTimeInterval(Double(i) * 2)
            head += Int64(3 + i % 7)
            if !(40..<70).contains(i) { position = min(head, position + Int64(5 + i % 3)); moved = at }
            var s = Snapshot(takenAt: at)
            let lag = head - position
            s.cursors = [
                Snapshot.Cursor(
                    tenant: "t", name: "c", source: "events", kind: nil, position: position, head: head, lagEvents: lag, lagPositions: lag,
                    waitingAboveSafe: false, handledSincePrevious: nil, lagSeconds: lag > 0 ? 3 : 0, ownerApplication: nil, ownerHost: nil,
                    ownerPid: nil, ownerBackendPid: nil, ownerConnected: true, heartbeatAt: at, movedAt: moved)
            ]
            s.streams = Snapshot.Streams(
                headPosition: head, safePosition: head, lastWriteAt: at,
                tenants: [.init(tenant: "t", headPosition: head, events: head, streams: 1, lastWriteAt: at)], mostActive: [])
            return s
        }
    }

    /// What the live loop derived for each snapshot, from the start.
    func live(_ snaps: [Snapshot], _ h0: History) -> [Derived] {
        var h = h0
        return snaps.map { h.add($0) }
    }

    @Test(arguments: [History(capacity: 10, rules: LagRules(window: 4, stallAfter: 10)), History()])
    func everyWayToAMomentDerivesWhatLiveDid(_ h0: History) throws {
        let snaps = workload(300)
        let expected = live(snaps, h0)
        let machine = TimeMachine(archive: MemoryArchive(snaps), history: h0)
        // jumps, in an order that goes back and forth
        for i in [299, 0, 150, 45, 46, 60, 200, 130, 131, 299] {
            let f = try #require(try machine.frame(at: snaps[i].takenAt.addingTimeInterval(0.5)))
            #expect(f.snapshot.takenAt == snaps[i].takenAt)
            #expect(f.derived == expected[i], "jump to \(i)")
        }
        // steps back from the end, then on
        var i = 299
        while i > 250 {
            i -= 1
            let f = try #require(try machine.step(forward: false))
            #expect(f.snapshot.takenAt == snaps[i].takenAt && f.derived == expected[i], "step back to \(i)")
        }
        for j in i + 1..<i + 20 {
            let f = try #require(try machine.step(forward: true))
            #expect(f.snapshot.takenAt == snaps[j].takenAt && f.derived == expected[j], "step on to \(j)")
        }
        // a run forward by a few, as playing does
        let f = try #require(try machine.frame(at: snaps[i + 25].takenAt))
        #expect(f.derived == expected[i + 25])
    }

    @Test func theEndsAreNilAndBeforeTheStartIsNothing() throws {
        let snaps = workload(5)
        let machine = TimeMachine(archive: MemoryArchive(snaps), history: History())
        #expect(try machine.frame(at: t0.addingTimeInterval(-1))?.snapshot.takenAt == nil)
        _ = try machine.frame(at: snaps[4].takenAt)
        #expect(try machine.step(forward: true)?.snapshot.takenAt == nil)
        _ = try machine.frame(at: snaps[0].takenAt)
        #expect(try machine.step(forward: false)?.snapshot.takenAt == nil)
        #expect(try machine.step(forward: true)?.snapshot.takenAt == snaps[1].takenAt)
    }
}
