import Foundation
import StoreTestSupport
import Testing

@testable import StoreMetrics
@testable import StoreTopUI

/// The Sessions view's modes and the backend detail as whole screens (Tests/storetopTests/Screens): every backend,
/// the lock tree, wait events and top queries at 80×24 and 120×40; the detail from the snapshot alone, and read live
/// with its locks and an EXPLAIN plan.
@Suite struct SessionsDepthScreenTests {
    let screens = ScreenTests()

    func model() -> Model {
        var m = Fixture.model()
        let at = m.snapshot!.clock
        // the waiter started waiting 11 s ago
        if let i = m.snapshot?.sessions?.backends.firstIndex(where: { $0.pid == 104 }) {
            m.snapshot?.sessions?.backends[i].waitStart = at.addingTimeInterval(-11)
            m.snapshot?.sessions?.backends[i].clientAddress = "10.0.0.7"
            m.snapshot?.sessions?.backends[i].clientPort = 51234
        }
        m.derived?.topQueries = [
            TopQuery(
                id: 7, queryId: 7, shape: "UPDATE accounts SET balance = balance + ? WHERE id = ?",
                query: "UPDATE accounts SET balance = balance + 1 WHERE id = 1", users: ["app"], databases: ["shop"], calls: 1200,
                execMilliseconds: 5400, rows: 1200, windowSeconds: 60, groups: ["st:billing/accounts/acme"], hidden: false),
            TopQuery(
                id: 9, queryId: 9, shape: "SELECT count(*) FROM storeaccess.events", query: "SELECT count(*) FROM storeaccess.events",
                users: ["app"], databases: ["shop"], calls: 3, execMilliseconds: 950, rows: 3, windowSeconds: 60,
                groups: ["st:reports/adhoc/initech"], hidden: false),
        ]
        return m
    }

    @Test func modesAtTwoSizes() {
        let m = model()
        for mode in [SessionsMode.backends, .locks, .waits, .queries] {
            for (w, h) in [(80, 24), (120, 40)] {
                var s = UIState()
                s.view = .sessions
                s.sessionsMode = mode
                s.current.sortColumn = mode.defaultSort.column
                let name = "sessions-\(mode.rawValue)-\(w)x\(h)"
                let canvas = Screen.render(m, s, width: w, height: h, now: m.receivedAt!).canvas
                screens.check(name, canvas)
                // the header counts the one blocked backend and its wait where the width allows it (80 columns drop it first)
                if w >= 120 { #expect(canvas.text.split(separator: "\n").first?.contains("1 blocked, oldest 11s") == true, "\(name)") }
                if mode == .locks { #expect(canvas.text.contains("└ 104"), "the waiter hangs under its blocker: \(name)") }
            }
        }
    }

    /// pg_wait_sampling's profile, where the extension is installed, follows storetop's own samples, labelled.
    @Test func theWaitSamplingProfileIsLabelled() {
        var m = model()
        let at = m.snapshot!.clock
        m.snapshot?.statementStatistics = Snapshot.Statements(
            readAt: at, schema: "public", entries: [], limit: 200, allDatabases: false, seesAllTexts: true, statsReset: nil,
            waitProfile: [.init(type: "IO", event: "DataFileRead", count: 5120), .init(type: "Lock", event: "transactionid", count: 88)])
        var s = UIState()
        s.view = .sessions
        s.sessionsMode = .waits
        s.current.sortColumn = SessionsMode.waits.defaultSort.column
        let canvas = Screen.render(m, s, width: 120, height: 40, now: m.receivedAt!).canvas
        screens.check("sessions-waits-profile-120x40", canvas)
        let profile = canvas.text.split(separator: "\n").filter { $0.contains("pg_wait_sampling profile (since its reset)") }
        #expect(profile.count == 2 && profile.contains { $0.contains("DataFileRead") && $0.hasSuffix("5120") })
    }

    @Test func theDetailFromTheSnapshotAndReadLiveWithAPlan() {
        var m = model()
        var s = UIState()
        s.view = .sessions
        s.dialog = .backendDetail(pid: 104, scroll: 0)
        let fromSnapshot = Screen.render(m, s, width: 120, height: 40, now: m.receivedAt!).canvas
        screens.check("backend-detail-snapshot-120x40", fromSnapshot)
        #expect(fromSnapshot.text.contains("client      10.0.0.7:51234") && fromSnapshot.text.contains("300 characters at most"))
        let at = m.snapshot!.clock
        var i = Inspection(pid: 104)
        i.loading = false
        i.detail = BackendDetail(
            pid: 104, database: "shop", user: "app", applicationName: "st:billing/accounts/acme", clientAddress: "10.0.0.7",
            clientHostname: nil, clientPort: 51234, backendStart: at.addingTimeInterval(-3600), transactionStart: at.addingTimeInterval(-12),
            queryStart: at.addingTimeInterval(-12), stateChange: at.addingTimeInterval(-12), state: "active", waitEventType: "Lock",
            waitEvent: "transactionid", backendXid: "7301", backendXmin: "7290", xminAge: 120, holdsHorizon: false,
            query: "UPDATE accounts\n   SET balance = balance + 1\n WHERE id = 1", queryTruncated: false, trackActivityQuerySize: 4096,
            locks: [
                .init(
                    lockType: "transactionid", target: "transaction 7288", relation: nil, mode: "ShareLock", granted: false,
                    waitStart: at.addingTimeInterval(-11)),
                .init(
                    lockType: "relation", target: "table public.accounts", relation: "public.accounts", mode: "RowExclusiveLock", granted: true,
                    waitStart: nil),
                .init(
                    lockType: "tuple", target: "row (0,1) of public.accounts", relation: "public.accounts", mode: "ExclusiveLock", granted: true,
                    waitStart: nil),
            ],
            blockedBy: [103], blocks: [], readAt: at)
        i.explain = .plan([
            "Update on accounts  (cost=0.15..8.17 rows=0 width=0)",
            "  ->  Index Scan using accounts_pkey on accounts  (cost=0.15..8.17 rows=1 width=14)", "        Index Cond: (id = 1)",
        ])
        m.inspection = i
        let live = Screen.render(m, s, width: 120, height: 40, now: m.receivedAt!).canvas
        screens.check("backend-detail-live-120x40", live)
        #expect(live.text.contains("WAITING 11s  ShareLock  transaction 7288"))
        #expect(live.text.contains("blocked by  pid 103") && live.text.contains("cost=0.15..8.17"))
        screens.check("backend-detail-live-80x24", Screen.render(m, s, width: 80, height: 24, now: m.receivedAt!).canvas)
        i.explain = .refused("a data-changing statement (UPDATE): EXPLAIN plans only SELECT, VALUES, TABLE and read-only WITH")
        m.inspection = i
        s.dialog = .backendDetail(pid: 104, scroll: 30)
        screens.check("backend-detail-refused-scrolled-120x40", Screen.render(m, s, width: 120, height: 40, now: m.receivedAt!).canvas)
    }
}
