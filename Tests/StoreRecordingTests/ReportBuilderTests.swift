import Foundation
import Testing

@testable import StoreMetrics
@testable import StoreRecording

/// `ReportBuilder` over made-up snapshots (no server, no file): every figure is checked against the snapshots it
/// came from, and statuses against `History` run over the same snapshots (the dashboard's derivation).
@Suite struct ReportBuilderTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    static let started = t0.addingTimeInterval(-3600)

    /// Snapshot `i` (5 s apart): one consumer `t/c` at `position` of `head`, moved at `movedAt`, its owner's backend
    /// 4242; tenant `t` with `head` events; outbox `t/orders` with `rows` rows of `appended`.
    static func snap(
        _ i: Int, position: Int64, head: Int64, movedAt: Int? = nil, held: Int32? = nil, rows: Int64 = 0, appended: Int64 = 0,
        startedAt: Date = started, backends: [Snapshot.Backend] = []
    ) -> Snapshot {
        let at = t0.addingTimeInterval(Double(i) * 5)
        var s = Snapshot(takenAt: at)
        let lag = max(0, head - position)
        s.cursors = [
            Snapshot.Cursor(
                tenant: "t", name: "c", source: "events", kind: nil, position: position, head: head, lagEvents: lag, lagPositions: lag,
                waitingAboveSafe: held != nil, lagSeconds: lag > 0 ? Double(i - (movedAt ?? i)) * 5 + 1 : 0, ownerApplication: "st:svc/consumer/t",
                ownerHost: "h", ownerPid: 99, ownerBackendPid: 4242, ownerConnected: true, heartbeatAt: at,
                movedAt: t0.addingTimeInterval(Double(movedAt ?? i) * 5))
        ]
        s.streams = Snapshot.Streams(
            headPosition: head, safePosition: head, lastWriteAt: nil,
            tenants: [.init(tenant: "t", headPosition: head, events: head, streams: 1, lastWriteAt: nil)], mostActive: [])
        let blockers = held.map {
            [
                Snapshot.DeliveryBlocker(
                    log: "events", pid: $0, registeredAfter: head, applicationName: "importer", state: "idle in transaction", transactionSeconds: 3)
            ]
        }
        s.sessions = Snapshot.Sessions(groups: [], backends: backends, xminHolder: nil, deliveryBlockers: blockers ?? [])
        s.outboxes = [
            Snapshot.Outbox(
                tenant: "t", kind: "orders", rows: rows, headID: appended, appendedTotal: appended, oldestAt: nil, oldestID: nil, slowestWatcher: nil,
                slowestWatcherPosition: nil, watchers: 0, safeToPruneEstimate: 0)
        ]
        s.server = Snapshot.Server(
            version: "PostgreSQL 15", startedAt: startedAt, connections: 3, maxConnections: 100, transactions: Int64(i) * 10, databaseBytes: 0,
            database: "d", isStandby: false, replicas: [], now: at)
        return s
    }

    /// A consumer that stops moving at snapshot 2 while events keep coming, and moves again at snapshot 8.
    static let stalling: [Snapshot] = (0..<10).map { i in
        let head = Int64(i) * 10
        return i < 2 || i >= 8 ? snap(i, position: head, head: head) : snap(i, position: 10, head: head, movedAt: 1)
    }

    @Test func aStallHasTheDashboardsStartEndAndHolder() throws {
        var b = ReportBuilder(target: "x", rules: LagRules(stallAfter: 10))
        var h = History(rules: LagRules(stallAfter: 10))
        var statuses: [(Date, LagStatus)] = []
        for s in Self.stalling {
            b.add(s)
            statuses.append((s.takenAt, h.add(s).cursors[CursorKey(tenant: "t", name: "c")]!.status))
        }
        let r = b.finish()
        let stalled = try #require(r.stalls.first { $0.status == "stalled" })
        let first = try #require(statuses.first { $0.1 == .stalled }), after = try #require(statuses.last { $0.1 == .stalled })
        #expect(stalled.start == first.0)
        #expect(stalled.end == statuses.first { $0.0 > after.0 }?.0)
        #expect(stalled.lastSeen == after.0 && stalled.seconds == stalled.end!.timeIntervalSince(stalled.start))
        #expect(stalled.heldBy == [.init(pid: 4242, holds: "consumer lock", application: "st:svc/consumer/t")])
        #expect(stalled.reason.hasPrefix("no progress for"))
        let c = try #require(r.consumers.first)
        #expect(
            c.worstLagEvents == Self.stalling.map { $0.cursors[0].lagEvents }.compactMap { $0 }.max() && c.worstStatus == .stalled
                && c.lastStatus == .ok)
    }

    @Test func anIntervalStillOpenAtTheEndHasNoEnd() throws {
        var b = ReportBuilder(target: "x")
        for s in Self.stalling.prefix(7) { b.add(s) }
        let r = b.finish()
        let open = try #require(r.stalls.last)
        #expect(open.end == nil && open.lastSeen == Self.stalling[6].takenAt)
        #expect(ReportText.render(r).contains("still STALLED at the end"))
    }

    @Test func deliveryHeldBackNamesTheBlocker() throws {
        var b = ReportBuilder(target: "x")
        for i in 0..<6 { b.add(Self.snap(i, position: Int64(i), head: Int64(i), held: (2...3).contains(i) ? 777 : nil)) }
        let held = try #require(b.finish().stalls.first { $0.status == "held" })
        #expect(held.start == Self.snap(2, position: 0, head: 0).takenAt && held.end == Self.snap(4, position: 0, head: 0).takenAt)
        #expect(held.heldBy.map(\.pid) == [777] && held.reason.contains("delivery held back by pid 777"))
    }

    @Test func outboxGrowthAndPrunesFromTheCounters() throws {
        // appended 10, 12, 12, 15; rows 10, 12, 5 (7 pruned), 8
        let shape: [(Int64, Int64)] = [(10, 10), (12, 12), (5, 12), (8, 15)]
        var b = ReportBuilder(target: "x")
        for (i, (rows, appended)) in shape.enumerated() { b.add(Self.snap(i, position: 0, head: 0, rows: rows, appended: appended)) }
        let o = try #require(b.finish().outboxes.first)
        #expect((o.rowsFirst, o.rowsLast, o.rowsMax, o.appended) == (10, 8, 12, 5))
        #expect((o.prunes, o.prunedRows) == (1, 7) && o.lastPruneAt == Self.snap(2, position: 0, head: 0).takenAt)
    }

    @Test func aNewStartTimeIsARestartAndTheGapIsNamed() throws {
        let later = Self.t0.addingTimeInterval(12)
        var b = ReportBuilder(target: "x")
        for i in 0..<2 { b.add(Self.snap(i, position: 0, head: 0)) }
        for i in 3..<5 { b.add(Self.snap(i, position: 0, head: 0, startedAt: later)) }
        let gap = RecordingReader.Gap(target: 1, from: Self.t0.addingTimeInterval(6), to: Self.t0.addingTimeInterval(11), error: "connection refused")
        let r = b.finish(gaps: [gap])
        #expect(r.restarts.count == 1)
        let x = try #require(r.restarts.first)
        #expect(x.startedAt == later && x.previousStartedAt == Self.started && x.afterGap)
        #expect(x.lastBefore == Self.snap(1, position: 0, head: 0).takenAt && x.firstAfter == Self.snap(3, position: 0, head: 0).takenAt)
        #expect(r.unreachable.map(\.error) == ["connection refused"] && r.unreachable.first?.seconds == 5)
    }

    @Test func appendRatePercentilesPerTenant() throws {
        // 10 events per 5 s for 8 pairs, then 100 per 5 s once: p50 2/s, max 20/s
        var heads: [Int64] = [0]
        for _ in 0..<8 { heads.append(heads.last! + 10) }
        heads.append(heads.last! + 100)
        var b = ReportBuilder(target: "x")
        for (i, h) in heads.enumerated() { b.add(Self.snap(i, position: h, head: h)) }
        let t = try #require(b.finish().tenants.first)
        #expect(t.samples == 9 && t.max == 20 && t.maxAt == Self.snap(9, position: 0, head: 0).takenAt)
        #expect(abs(t.p50 - 2) < 0.02 && abs(t.p99 - 20) < 0.2)
    }
}
