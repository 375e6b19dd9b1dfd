import Foundation
import StoreAccess
import StoreTestSupport
import Testing

/// A tenant's figures as SQL computes them. Counts and heads use one position, the deliverable (safe) one.
struct TruthTenant: Equatable {
    var events: Int64
    var head: Int64
    var streams: Int64
    /// Latest committed write of the tenant, held back or not (epoch seconds).
    var lastWrite: Double?
}

/// A consumer's figures as SQL computes them (issue 15 §1): lag in the consumer's own unit, up to the
/// deliverable position.
struct TruthCursor: Equatable {
    var position: Int64
    /// The tenant's head (events) or the tenant and kind's head (outbox) at the deliverable position.
    var head: Int64
    /// Events of its tenant and filter (outbox rows of its tenant and kind) after its position, up to the safe position.
    var lagEvents: Int64
    /// The position gap: head − position.
    var lagPositions: Int64
    /// When its first unhandled deliverable row (of its filter) was written.
    var firstUnhandledAt: Double?
    /// When the tenant's first event after its position was written, filter or not (docs/snapshot.md's definition).
    var tenantFirstAt: Double?
    /// Committed rows of its tenant and filter above the safe position: waiting for the hold to end.
    var waitingAboveSafe: Int64
    /// A session holds its consumer lock.
    var owned: Bool
    var movedAt: Double?
    var heartbeatAt: Double?
    var createdAt: Double?
    var ownerPid: Int32?
    var ownerBackendPid: Int32?
    /// Behind the hold: nothing deliverable to handle, yet committed rows wait above the safe position.
    var heldBack: Bool { lagEvents == 0 && waitingAboveSafe > 0 }
    /// Seconds at `now` it has had work waiting without moving (the stall rule of docs/snapshot.md): since its
    /// last move (or creation), but no longer than its first unhandled row has waited.
    func stillFor(at now: Double) -> Double {
        guard let first = firstUnhandledAt, let since = movedAt ?? createdAt else { return 0 }
        return min(now - since, now - first)
    }
}

/// An outbox (tenant and kind) as SQL computes it.
struct TruthOutbox: Equatable {
    var rows: Int64
    var headID: Int64
    var appended: Int64
    var oldestID: Int64
    var oldestAt: Double
}

/// Every figure of the truth check, read by independent SQL in one REPEATABLE READ transaction of the superuser,
/// with the server's clock read first and last (the bracket a product reading taken in between must fall in).
struct TruthReading {
    var clockStart = 0.0, clockEnd = 0.0
    var safe: Int64 = 0, head: Int64 = 0, outboxSafe: Int64 = 0
    /// Latest committed write of any tenant (epoch seconds).
    var lastWrite: Double?
    var tenants: [String: TruthTenant] = [:]
    var cursors: [String: TruthCursor] = [:]
    var outboxes: [String: TruthOutbox] = [:]
    var blockers: [String] = []
    var heldTransactionStart: Double?
    var xminHolder: Int32?
    var bookmarks: [String: Double] = [:]
    var registeredTenants = 0
    var clientBackends = 0
    /// `version` (first two words), `max_connections`, database, standby, replicas; the start time (epoch).
    var server: [String] = []
    var startedAt = 0.0
    /// Commits + rollbacks of this database, and its size.
    var transactions: Int64 = 0, databaseBytes: Int64 = 0
    /// Every stream (version, head, last write) by "tenant/stream"; the 20th latest write (most_active's cut).
    var streams: [String: (version: Int64, head: Int64, updatedAt: Double)] = [:]
    var mostActiveCut = 0.0
    /// The check's own sessions by application_name: "total active idle idle-in-transaction".
    var groups: [String: String] = [:]
    var poolReports = 0

    /// Reads everything now.
    static func read(_ f: TruthCheckStore) throws -> TruthReading {
        try f.sql("BEGIN ISOLATION LEVEL REPEATABLE READ", on: f.truth)
        defer { _ = try? f.sql("COMMIT", on: f.truth) }
        var t = TruthReading()
        func one(_ q: String) throws -> String? { try f.value(q, on: f.truth) }
        t.clockStart = Double(try one("SELECT extract(epoch FROM clock_timestamp())") ?? "") ?? 0
        let heads = try f.sql(
            "SELECT @s.events_safe_position(), pg_sequence_last_value('@s.event_position'), @s.outbox_safe_position(), "
                + "(SELECT extract(epoch FROM max(recorded_at)) FROM @s.events)", on: f.truth)[0]
        t.safe = try heads.decode(0); t.head = try heads.decode(1); t.outboxSafe = try heads.decode(2)
        t.lastWrite = heads[3].flatMap(Double.init)
        try t.readTenants(f)
        for c in TruthCheckStore.consumers { t.cursors[c.key] = try readCursor(f, c, safe: c.source == "events" ? t.safe : t.outboxSafe) }
        try t.readOutboxes(f)
        try t.readSessions(f)
        try t.readServer(f)
        for r in try f.sql("SELECT tenant || '/' || key, extract(epoch FROM updated_at) FROM @s.state", on: f.truth) {
            t.bookmarks[r[0] ?? ""] = r[1].flatMap(Double.init)
        }
        t.registeredTenants = Int(try one("SELECT count(*) FROM @s.tenants") ?? "") ?? -1
        t.clockEnd = Double(try one("SELECT extract(epoch FROM clock_timestamp())") ?? "") ?? 0
        return t
    }

    /// Per tenant: events, head and streams at the safe position; the latest committed write, held back or not.
    private mutating func readTenants(_ f: TruthCheckStore) throws {
        for r in try f.sql(
            "SELECT tenant, count(*), max(position), count(DISTINCT stream) FROM @s.events WHERE position <= \(safe) GROUP BY tenant", on: f.truth)
        {
            tenants[r[0] ?? ""] = TruthTenant(events: try r.decode(1), head: try r.decode(2), streams: try r.decode(3), lastWrite: nil)
        }
        for r in try f.sql("SELECT tenant, extract(epoch FROM max(recorded_at)) FROM @s.events GROUP BY tenant", on: f.truth) {
            tenants[r[0] ?? "", default: TruthTenant(events: 0, head: 0, streams: 0)].lastWrite = r[1].flatMap(Double.init)
        }
    }

    /// One consumer: its row, and its lag counted among the rows it has to handle.
    private static func readCursor(_ f: TruthCheckStore, _ c: TruthConsumer, safe: Int64) throws -> TruthCursor {
        let events = c.source == "events"
        let table = events ? "@s.events" : "@s.outbox", pos = events ? "position" : "id", at = events ? "recorded_at" : "at"
        let own =
            events ? (c.types.map { "x.type IN (" + $0.map { "'\($0)'" }.joined(separator: ", ") + ")" } ?? "true") : "x.kind = '\(c.kind ?? "")'"
        let scope = events ? "x.tenant = c.tenant" : "x.tenant = c.tenant AND x.kind = '\(c.kind ?? "")'"
        let unhandled = "\(scope) AND x.\(pos) > c.position AND x.\(pos) <= \(safe)"
        let r = try f.sql(
            """
            SELECT c.position, extract(epoch FROM c.moved_at), extract(epoch FROM c.heartbeat_at), extract(epoch FROM c.created_at),
                   c.owner_pid, c.owner_backend_pid,
                   (SELECT count(*) FROM \(table) x WHERE \(unhandled) AND \(own)),
                   (SELECT coalesce(max(x.\(pos)), 0) FROM \(table) x WHERE \(scope) AND x.\(pos) <= \(safe)),
                   (SELECT extract(epoch FROM x.\(at)) FROM \(table) x WHERE \(unhandled) AND \(own) ORDER BY x.\(pos) LIMIT 1),
                   (SELECT extract(epoch FROM x.\(at)) FROM \(table) x WHERE \(unhandled) ORDER BY x.\(pos) LIMIT 1),
                   (SELECT count(*) FROM \(table) x WHERE \(scope) AND x.\(pos) > greatest(c.position, \(safe)) AND \(own)),
                   EXISTS (SELECT 1 FROM pg_locks l WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
                              AND l.classid = ((hashtext('\(f.schema).cursor')::bigint) & 4294967295)::oid
                              AND l.objid = ((hashtext(c.tenant || '/' || c.name)::bigint) & 4294967295)::oid)
              FROM @s.cursors c WHERE c.tenant = '\(c.tenant)' AND c.name = '\(c.name)'
            """, on: f.truth)
        guard let row = r.first else { throw StoreError(.notFound, "truth check: consumer \(c.key) not in the cursors table") }
        let position: Int64 = try row.decode(0), head: Int64 = try row.decode(7)
        return TruthCursor(
            position: position, head: head, lagEvents: try row.decode(6), lagPositions: max(0, head - position),
            firstUnhandledAt: row[8].flatMap(Double.init), tenantFirstAt: row[9].flatMap(Double.init),
            waitingAboveSafe: try row.decode(10), owned: row[11] == "t", movedAt: row[1].flatMap(Double.init),
            heartbeatAt: row[2].flatMap(Double.init), createdAt: row[3].flatMap(Double.init),
            ownerPid: row[4].flatMap { Int32($0) }, ownerBackendPid: row[5].flatMap { Int32($0) })
    }

    /// Per tenant and kind: rows and head up to the outbox's safe position, every row written, the oldest row.
    private mutating func readOutboxes(_ f: TruthCheckStore) throws {
        for r in try f.sql(
            """
            SELECT tenant || '/' || kind, count(*) FILTER (WHERE id <= \(outboxSafe)), max(id) FILTER (WHERE id <= \(outboxSafe)), count(*),
                   min(id), extract(epoch FROM (array_agg(at ORDER BY id))[1])
              FROM @s.outbox GROUP BY tenant, kind
            """, on: f.truth)
        {
            outboxes[r[0] ?? ""] = TruthOutbox(
                rows: try r.decode(1), headID: try r.decode(2), appended: try r.decode(3),
                oldestID: try r.decode(4), oldestAt: Double(r[5] ?? "") ?? 0)
        }
    }

    /// Who holds delivery back (`events_blockers()`), since when, who holds the xmin horizon of this database (the
    /// snapshot's scope: other databases' snapshots do not hold its tables back), how many client backends.
    private mutating func readSessions(_ f: TruthCheckStore) throws {
        blockers = try f.sql("SELECT pid, registered_after FROM @s.events_blockers() ORDER BY 2, 1", on: f.truth).map {
            "events pid \($0[0] ?? "") after \($0[1] ?? "")"
        }
        heldTransactionStart = try f.value("SELECT extract(epoch FROM xact_start) FROM pg_stat_activity WHERE pid = \(f.heldPID)", on: f.truth)
            .flatMap(Double.init)
        xminHolder = try f.value(
            """
            SELECT pid FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() AND backend_xmin IS NOT NULL
               AND datname = current_database()
             ORDER BY age(backend_xmin) DESC, pid LIMIT 1
            """, on: f.truth
        ).flatMap { Int32($0) }
        clientBackends = Int(try f.value("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'", on: f.truth) ?? "") ?? -1
    }

    /// Server facts, the streams table, and the check's own session groups.
    private mutating func readServer(_ f: TruthCheckStore) throws {
        let r = try f.sql(
            """
            SELECT split_part(version(), ' ', 1) || ' ' || split_part(version(), ' ', 2), current_setting('max_connections'),
                   current_database(), pg_is_in_recovery()::text, (SELECT count(*) FROM pg_stat_replication)::text,
                   extract(epoch FROM pg_postmaster_start_time()),
                   (SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()),
                   pg_database_size(current_database()), (SELECT count(*) FROM @s.pool_reports)
            """, on: f.truth)[0]
        server = (0..<5).map { r[$0] ?? "" }
        startedAt = Double(r[5] ?? "") ?? 0
        transactions = try r.decode(6); databaseBytes = try r.decode(7); poolReports = try r.decode(8)
        for s in try f.sql("SELECT tenant || '/' || stream, version, head_position, extract(epoch FROM updated_at) FROM @s.streams", on: f.truth) {
            streams[s[0] ?? ""] = (try s.decode(1), try s.decode(2), Double(s[3] ?? "") ?? 0)
        }
        mostActiveCut = streams.values.map(\.updatedAt).sorted(by: >).prefix(20).last ?? 0
        for g in try f.sql(
            """
            SELECT application_name, count(*), count(*) FILTER (WHERE state = 'active'), count(*) FILTER (WHERE state = 'idle'),
                   count(*) FILTER (WHERE state LIKE 'idle in transaction%')
              FROM pg_stat_activity WHERE application_name LIKE 'truth-%' AND application_name <> 'truth-writer' GROUP BY 1
            """, on: f.truth)
        {
            groups[g[0] ?? ""] = "\(g[1] ?? "") \(g[2] ?? "") \(g[3] ?? "") \(g[4] ?? "")"
        }
    }

    /// The figures that must not move while the hold pins the safe position (everything counted up to it).
    var pinned: String {
        "safe \(safe) outbox \(outboxSafe) tenants \(tenants.mapValues { "\($0.events)/\($0.head)/\($0.streams)" }.sorted { $0.key < $1.key }) "
            + "cursors \(cursors.mapValues { "\($0.position)/\($0.lagEvents)/\($0.head)" }.sorted { $0.key < $1.key }) "
            + "outboxes \(outboxes.mapValues { "\($0.rows)/\($0.headID)" }.sorted { $0.key < $1.key }) blockers \(blockers)"
    }
}

/// `storetop snapshot --json` as parsed JSON.
struct TruthJSON {
    let root: [String: Any]

    /// Parses storetop's output; fails the test when it is not a JSON object.
    init(_ text: String) throws {
        root = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not a JSON object: \(text.prefix(200))")
    }

    func list(_ key: String) -> [[String: Any]] { root[key] as? [[String: Any]] ?? [] }
    func object(_ key: String) -> [String: Any] { root[key] as? [String: Any] ?? [:] }

    /// Rows of a list keyed by "tenant/name" (or another pair of keys).
    func rows(_ list: [[String: Any]], _ a: String = "tenant", _ b: String = "name") -> [String: [String: Any]] {
        Dictionary(list.map { ("\($0[a] ?? "")/\($0[b] ?? "")", $0) }, uniquingKeysWith: { x, _ in x })
    }

    /// An ISO 8601 date with fractional seconds (docs/snapshot.md), as epoch seconds.
    static func date(_ v: Any?) -> Double? {
        guard let s = v as? String else { return nil }
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.date(from: s)?.timeIntervalSince1970
    }

    static func int(_ v: Any?) -> Int64? { (v as? NSNumber)?.int64Value }
    static func double(_ v: Any?) -> Double? { (v as? NSNumber)?.doubleValue }
}

/// `storetop metrics --once` as samples: metric name and labels (as a sorted "k=v,…" string) → value.
struct TruthMetrics {
    private(set) var samples: [String: Double] = [:]
    private(set) var names: Set<String> = []

    /// Parses the text exposition (comment lines skipped).
    init(_ text: String) {
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let v = Double(line[line.index(after: space)...]) else { continue }
            let series = line[..<space]
            let name = String(series.prefix { $0 != "{" })
            var labels: [String] = []
            if let open = series.firstIndex(of: "{"), series.hasSuffix("}") {
                let body = series[series.index(after: open)..<series.index(before: series.endIndex)]
                labels = body.split(separator: ",").map { $0.replacingOccurrences(of: "\"", with: "") }
            }
            names.insert(name)
            samples[name + "{" + labels.sorted().joined(separator: ",") + "}"] = v
        }
    }

    /// The sample with exactly these labels.
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        samples[name + "{" + labels.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: ",") + "}"]
    }
}

/// Runs the built `storetop` as a user would.
func truthCheckRun(_ args: [String]) throws -> (status: Int32, out: String, err: String) {
    var env = ProcessInfo.processInfo.environment
    env["SWIFT_BACKTRACE"] = "enable=no"
    env["COLUMNS"] = "120"
    return try runProcess(TestServer.builtProduct("storetop"), args, environment: env, timeout: 120)
}
