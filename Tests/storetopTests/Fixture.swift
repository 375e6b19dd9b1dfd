import Foundation

@testable import StoreMetrics
@testable import StoreTopUI

/// A fixed model for screen tests: two snapshots five seconds apart of a small shop with three tenants.
enum Fixture {
    static let t0 = Date(timeIntervalSince1970: 1_795_000_000)

    static func snapshot(_ k: Int) -> Snapshot {
        let at = t0.addingTimeInterval(Double(k) * 5)
        var s = Snapshot(takenAt: at)
        s.server = .init(
            version: "PostgreSQL 15.18", startedAt: t0.addingTimeInterval(-7200), connections: 42, maxConnections: 200,
            transactions: 100_000 + Int64(k) * 2500, databaseBytes: 734_003_200, database: "shop", isStandby: false, replicas: [], now: at)
        func b(
            _ pid: Int32, _ app: String, _ state: String, xact: Double? = nil, q: Double? = nil, wait: String? = nil, blocked: [Int32] = [],
            query: String
        ) -> Snapshot.Backend {
            .init(
                pid: pid, applicationName: app, user: "app", state: state, waitEventType: wait, waitEvent: wait == nil ? nil : "transactionid",
                queryStart: q.map { at.addingTimeInterval(-$0) }, transactionStart: xact.map { at.addingTimeInterval(-$0) },
                stateChange: at.addingTimeInterval(-(xact ?? q ?? 1)), xminAge: xact.map { Int64($0) * 10 }, blockedBy: blocked, query: query)
        }
        let backends = [
            b(101, "st:orders/events/acme", "active", xact: 0.2, q: 0.2, query: "SELECT stream FROM storeaccess.append($1, $2, $3, $4)"),
            b(102, "st:orders/events/acme", "idle", query: "SELECT stream FROM storeaccess.append($1, $2, $3, $4)"),
            b(103, "st:billing/accounts/acme", "idle in transaction", xact: 95, query: "UPDATE accounts SET balance = balance - 1 WHERE id = 1"),
            b(
                104, "st:billing/accounts/acme", "active", xact: 12, q: 12, wait: "Lock", blocked: [103],
                query: "UPDATE accounts SET balance = balance + 1 WHERE id = 1"),
            b(105, "st:orders/consumer/globex", "active", q: 30, query: "SELECT position FROM storeaccess.read_all($1, $2, $3, $4)"),
            b(106, "psql", "idle", query: "select 1"),
            b(107, "st:reports/adhoc/initech", "idle in transaction", xact: 400, query: "SELECT count(*) FROM storeaccess.events"),
        ]
        s.sessions = Collector.group(
            backends, blockers: [.init(log: "events", pid: 107, registeredAfter: 5000, applicationName: nil, state: nil, transactionSeconds: nil)],
            now: at)
        s.pools = [
            .init(
                host: "web-1", pid: 4242, startedAt: t0, applicationName: "st:orders/events/acme", service: "orders", store: "events", tenant: "acme",
                intervalMilliseconds: 5000, reportAgeSeconds: 2, size: 8, idle: 1, inUse: 7, waiting: 3, maxSize: 8, peakInUse: 8,
                acquisitionsTotal: 90_000, timeoutsTotal: 12, connectionErrorsTotal: 0, acquireMeanMilliseconds: 0.4, acquireP99Milliseconds: 140,
                stale: false),
            .init(
                host: "web-2", pid: 777, startedAt: t0, applicationName: "st:orders/events/globex", service: "orders", store: "events",
                tenant: "globex",
                intervalMilliseconds: 5000, reportAgeSeconds: 3, size: 2, idle: 2, inUse: 0, waiting: 0, maxSize: 10, peakInUse: 4,
                acquisitionsTotal: 4_000, timeoutsTotal: 0, connectionErrorsTotal: 0, acquireMeanMilliseconds: 0.1, acquireP99Milliseconds: 0.9,
                stale: false),
            .init(
                host: "batch-7", pid: 31337, startedAt: t0, applicationName: "st:nightly/kv", service: "nightly", store: "kv", tenant: "",
                intervalMilliseconds: 5000, reportAgeSeconds: 310, size: 1, idle: 1, inUse: 0, waiting: 0, maxSize: 4, peakInUse: 2,
                acquisitionsTotal: 80, timeoutsTotal: 0, connectionErrorsTotal: 2, acquireMeanMilliseconds: 1, acquireP99Milliseconds: 3, stale: true),
        ]
        let ev = Int64(k) * 250
        s.streams = .init(
            headPosition: 9000 + ev, safePosition: 5000, lastWriteAt: at.addingTimeInterval(-0.1),
            tenants: [
                .init(
                    tenant: "acme", headPosition: 9000 + ev, events: 6000 + Int64(k) * 200, streams: 400, lastWriteAt: at.addingTimeInterval(-0.1),
                    waitingEvents: 40),
                .init(
                    tenant: "globex", headPosition: 8990 + ev, events: 2500 + Int64(k) * 50, streams: 120, lastWriteAt: at.addingTimeInterval(-0.3)),
                .init(tenant: "initech", headPosition: 4000, events: 500, streams: 30, lastWriteAt: at.addingTimeInterval(-3600)),
            ],
            mostActive: [
                .init(tenant: "acme", stream: "order-17", version: 12, headPosition: 9000 + ev, updatedAt: at.addingTimeInterval(-0.1)),
                .init(tenant: "globex", stream: "order-3", version: 4, headPosition: 8990 + ev, updatedAt: at.addingTimeInterval(-0.3)),
            ])
        func cur(
            _ t: String, _ n: String, _ src: String, pos: Int64, head: Int64, own: Int64? = nil, lagS: Double, conn: Bool, moved: Double?,
            kind: String? = nil, held: Bool = false
        ) -> Snapshot.Cursor {
            var c = Snapshot.Cursor(
                tenant: t, name: n, source: src, kind: kind, position: pos, head: head, lagEvents: own ?? max(0, head - pos), lagSeconds: lagS,
                ownerApplication: "st:\(n)/consumer/\(t)", ownerHost: "web-1", ownerPid: 4242, ownerBackendPid: 105, ownerConnected: conn,
                heartbeatAt: at.addingTimeInterval(conn ? -1 : -900), movedAt: moved.map { at.addingTimeInterval(-$0) })
            c.lagPositions = max(0, head - pos)
            c.waitingAboveSafe = held
            c.createdAt = t0.addingTimeInterval(-86_400 * 30)
            // what it handled since the previous reading: its position moved by 100 per reading, a tenth of them its own
            c.handledSincePrevious = k > 0 && moved.map { $0 < 60 } == true ? 10 : (k > 0 ? 0 : nil)
            return c
        }
        var billing = cur(
            "acme", "billing", "events", pos: 7000 + Int64(k) * 100, head: 9000 + ev, own: 743, lagS: 42, conn: true, moved: 0.5, held: true)
        billing.filter = #"{"types":["InvoiceIssued","PaymentReceived"]}"#
        // schema 9: billing parks the invoices it cannot issue (policy park after 5 attempts)
        (billing.onFailure, billing.maxAttempts, billing.parked, billing.parkedReplaying) = ("park", 5, 2, 1)
        var legacy = cur("initech", "legacy-sync", "events", pos: 120, head: 4000, own: 100_000, lagS: 86_400, conn: false, moved: 86_400)
        legacy.lagCapped = true
        legacy.ownerBackendPid = nil
        s.cursors = [
            cur("acme", "projector", "events", pos: 9000 + ev, head: 9000 + ev, lagS: 0, conn: true, moved: 0.1, held: true),
            billing,
            cur("globex", "mailer", "events", pos: 3000, head: 8990 + ev, own: 550, lagS: 300, conn: true, moved: 1260),
            legacy,
            cur("acme", "search-indexer", "outbox", pos: 500, head: 1500 + Int64(k) * 40, lagS: 75, conn: true, moved: 1, kind: "items"),
        ]
        s.outboxes = [
            .init(
                tenant: "acme", kind: "items", rows: 1000 + Int64(k) * 40, headID: 1500 + Int64(k) * 40, appendedTotal: 1500 + Int64(k) * 40,
                oldestAt: at.addingTimeInterval(-5400), oldestID: 501, slowestWatcher: "search-indexer", slowestWatcherPosition: 500,
                watchers: 1, safeToPruneEstimate: 0),
            .init(
                tenant: "globex", kind: "items", rows: 20, headID: 1490, appendedTotal: 300, oldestAt: at.addingTimeInterval(-30), oldestID: 1470,
                slowestWatcher: nil, slowestWatcherPosition: nil, watchers: 0, safeToPruneEstimate: 20),
        ]
        s.bookmarks = [
            .init(tenant: "initech", key: "sync:crm", updatedAt: at.addingTimeInterval(-93_600)),
            .init(tenant: "acme", key: "sync:erp", updatedAt: at.addingTimeInterval(-2)),
        ]
        s.tenants = ["acme", "globex", "initech"]
        s.parked = [
            .init(
                tenant: "acme", consumer: "billing", position: 6120, stream: "invoice-77", type: "InvoiceIssued",
                error: "invalid_argument: no template for currency XAU", attempts: 5, firstFailedAt: at.addingTimeInterval(-3700),
                lastFailedAt: at.addingTimeInterval(-3600), parkedAt: at.addingTimeInterval(-3600), replayRequested: false),
            .init(
                tenant: "acme", consumer: "billing", position: 6544, stream: "invoice-91", type: "PaymentReceived",
                error: "timeout calling ledger", attempts: 5, firstFailedAt: at.addingTimeInterval(-700), lastFailedAt: at.addingTimeInterval(-600),
                parkedAt: at.addingTimeInterval(-600), replayRequested: true),
        ]
        s.errors = []
        return s
    }

    static func model() -> Model {
        var h = History(rules: LagRules(window: 3, stallAfter: 10))
        var d = h.add(snapshot(0))
        d = h.add(snapshot(1))
        d = h.add(snapshot(2))
        var m = Model()
        m.snapshot = snapshot(2)
        m.derived = d
        m.connection = .connected
        m.receivedAt = snapshot(2).takenAt
        m.server = "db-1:5432"
        return m
    }
}
