import Foundation
import Testing

@testable import StoreMetrics
@testable import StoreRecording

/// Sessions, transactions, the xmin horizon and pools in the report, and its text and JSON, from made-up snapshots.
@Suite struct ReportSessionsTests {
    typealias T = ReportBuilderTests

    static func backend(_ pid: Int32, _ app: String, open: Double?, at: Date) -> Snapshot.Backend {
        Snapshot.Backend(
            pid: pid, applicationName: app, user: "u", state: "idle in transaction", waitEventType: nil, waitEvent: nil, queryStart: nil,
            transactionStart: open.map { at.addingTimeInterval(-$0) }, stateChange: nil, xminAge: nil, blockedBy: [], query: "")
    }

    static func group(_ service: String, _ total: Int) -> Snapshot.SessionGroup {
        Snapshot.SessionGroup(
            service: service, store: "events", tenant: "t", other: false, total: total, active: 0, idle: total, idleInTransaction: 0, waiting: 0)
    }

    @Test func longestTransactionsXminAndSessionPeaks() throws {
        var b = ReportBuilder(target: "x")
        var seen: [Int32: Double] = [:]
        for i in 0..<120 {
            var s = T.snap(i, position: 0, head: 0)
            // pid 100 + k opens a transaction at snapshot k and keeps it for k snapshots: the longest are the last ones
            let backends = (0..<i).filter { k in i - k <= k }.map { k in
                Self.backend(100 + Int32(k), "app\(k)", open: Double(i - k) * 5, at: s.takenAt)
            }
            for x in backends { seen[x.pid] = max(seen[x.pid] ?? 0, s.takenAt.timeIntervalSince(x.transactionStart!)) }
            var holder = Self.backend(7, "old \u{1b}[31mreport", open: 60, at: s.takenAt)
            holder.xminAge = Int64(i == 20 ? 5000 : i)
            s.sessions = Snapshot.Sessions(
                groups: [Self.group("a", i % 7), Self.group("b", 2)], backends: backends, xminHolder: holder, deliveryBlockers: [])
            b.add(s)
        }
        let r = b.finish()
        let expected = seen.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(ReportBuilder.transactionsKept)
        #expect(r.longestTransactions.map(\.pid) == expected.map(\.key))
        #expect(r.longestTransactions.map(\.seconds) == expected.map(\.value))
        #expect(r.xminHorizon?.xminAge == 5000 && r.xminHorizon?.at == T.snap(20, position: 0, head: 0).takenAt && r.xminHorizon?.pid == 7)
        #expect(r.sessions.total == 8 && r.sessions.totalAt == T.snap(6, position: 0, head: 0).takenAt)
        #expect(r.sessions.groups.map(\.total) == [6, 2])
        // the application name is data: escaped in the text, and in the JSON written without a raw escape byte
        let text = ReportText.render(r)
        #expect(!text.contains("\u{1b}") && text.contains("old \\x1b[31mreport"))
        let json = try ReportJSON.encode([r], file: "f")
        #expect(!json.contains("\u{1b}"))
        #expect(try ReportJSON.decode(json) == ReportJSON.Document(file: "f", targets: [r]))
    }

    @Test func poolSaturationAndTimeoutsAcrossAProcessRestart() throws {
        func pool(_ inUse: Int, waiting: Int, timeouts: Int64, stale: Bool = false) -> Snapshot.Pool {
            Snapshot.Pool(
                host: "h", pid: 1, startedAt: T.t0, applicationName: "st:svc/events/t", service: "svc", store: "events", tenant: "t",
                intervalMilliseconds: 1000, reportAgeSeconds: 0, size: inUse, idle: 0, inUse: inUse, waiting: waiting, maxSize: 8, peakInUse: inUse,
                acquisitionsTotal: 0, timeoutsTotal: timeouts, connectionErrorsTotal: 0, acquireMeanMilliseconds: 0, acquireP99Milliseconds: 0,
                stale: stale)
        }
        // timeouts 0 → 2 → 5, then the process restarts (counter 1): 6 in all; a stale report's figures are not counted
        let shape = [
            pool(1, waiting: 0, timeouts: 0), pool(8, waiting: 3, timeouts: 2), pool(4, waiting: 0, timeouts: 5), pool(2, waiting: 0, timeouts: 1),
            pool(8, waiting: 9, timeouts: 1, stale: true),
        ]
        var b = ReportBuilder(target: "x")
        for (i, p) in shape.enumerated() {
            var s = T.snap(i, position: 0, head: 0)
            s.pools = [p]
            b.add(s)
        }
        let p = try #require(b.finish().pools.first)
        #expect((p.maxInUse, p.maxSize, p.maxWaiting, p.timeouts) == (8, 8, 3, 6))
        #expect(p.at == T.snap(1, position: 0, head: 0).takenAt && p.waitingAt == p.at)
    }

    @Test func histogramQuantilesWithinOnePercent() {
        var h = RateHistogram()
        for v in 1...1000 { h.add(Double(v), at: T.t0) }
        #expect(abs(h.quantile(0.5) - 500) / 500 < 0.01)
        #expect(abs(h.quantile(0.99) - 990) / 990 < 0.01)
        #expect(h.max == 1000 && h.quantile(1) <= 1000)
    }
}
