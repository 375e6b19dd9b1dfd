import Foundation
import StoreAccess
import StoreTestSupport

/// One durable consumer of the truth check's store, as a DBA would register it from psql.
struct TruthConsumer: Sendable, Hashable {
    let tenant: String
    let name: String
    /// `events` or `outbox`.
    let source: String
    /// Outbox watchers: the kind they watch.
    let kind: String?
    /// Event consumers filtered by type (`cursor_open`'s filter `[{"types": [...]}]`); nil: every event of the tenant.
    let types: [String]?
    /// Its process holds the consumer lock (`pg_try_advisory_lock`, docs/sql.md) on a connection kept open.
    let locked: Bool
    /// Where it is advanced to, as SQL over the seeded store (`@s` stands for the quoted schema).
    let positionSQL: String

    var key: String { "\(tenant)/\(name)" }
    /// The filter as `cursor_open` takes it.
    var filterJSON: String {
        if let kind { return "{\"kind\": \"\(kind)\"}" }
        guard let types else { return "[]" }
        return "[{\"types\": [" + types.map { "\"\($0)\"" }.joined(separator: ", ") + "]}]"
    }
}

/// A store seeded only through the documented SQL API (docs/sql.md) with psql-style statements, on a fresh schema
/// that StoreAccess created and migrated once: three tenants of very different rates whose positions interleave,
/// unfiltered and type-filtered consumers, outbox watchers, a consumer stuck for 20 minutes, a SQL-driven consumer
/// without a lock, an append held open (delivery held back), committed appends after it, and a session holding
/// the xmin horizon. The connections that hold things are kept open until `close()`.
final class TruthCheckStore {
    let server: TestServer
    let schema: String
    /// The schema as SQL writes it (quoted).
    let s: String
    /// The tenants, busiest first.
    static let tenants = ["big", "mid", "small"]
    /// The consumer whose times are set 20 minutes back (admin UPDATE): it must be STALLED on the first read.
    static let stuck = "mid/stuck"
    /// A SQL-driven consumer that heartbeats but takes no advisory lock: it must not be "stopped".
    static let lockless = "mid/sqlworker"
    static let consumers: [TruthConsumer] = [
        .init(
            tenant: "big", name: "ledger", source: "events", kind: nil, types: nil, locked: true,
            positionSQL: "SELECT position FROM @s.events WHERE tenant = 'big' ORDER BY position OFFSET 1499 LIMIT 1"),
        .init(
            tenant: "big", name: "refunds", source: "events", kind: nil, types: ["Refunded"], locked: true,
            positionSQL: "SELECT position FROM @s.events WHERE tenant = 'big' ORDER BY position OFFSET 599 LIMIT 1"),
        .init(
            tenant: "big", name: "follower", source: "events", kind: nil, types: nil, locked: true,
            positionSQL: "SELECT max(position) FROM @s.events WHERE tenant = 'big'"),
        .init(
            tenant: "small", name: "billing", source: "events", kind: nil, types: nil, locked: true,
            positionSQL: "SELECT position FROM @s.events WHERE tenant = 'small' ORDER BY position OFFSET 3 LIMIT 1"),
        .init(
            tenant: "small", name: "mailer", source: "events", kind: nil, types: ["Reminded"], locked: true,
            positionSQL: "SELECT position FROM @s.events WHERE tenant = 'small' ORDER BY position OFFSET 1 LIMIT 1"),
        .init(
            tenant: "small", name: "archiver", source: "events", kind: nil, types: nil, locked: true,
            positionSQL: "SELECT max(position) FROM @s.events WHERE tenant = 'small'"),
        .init(
            tenant: "small", name: "dunning", source: "events", kind: nil, types: ["Reminded"], locked: true,
            positionSQL: "SELECT max(position) FROM @s.events WHERE tenant = 'small' AND type = 'Reminded'"),
        .init(
            tenant: "mid", name: "stuck", source: "events", kind: nil, types: nil, locked: true,
            positionSQL: "SELECT position FROM @s.events WHERE tenant = 'mid' ORDER BY position OFFSET 9 LIMIT 1"),
        .init(
            tenant: "mid", name: "sqlworker", source: "events", kind: nil, types: nil, locked: false,
            positionSQL: "SELECT position FROM @s.events WHERE tenant = 'mid' ORDER BY position OFFSET 29 LIMIT 1"),
        .init(
            tenant: "mid", name: "packer", source: "events", kind: nil, types: ["Packed"], locked: true,
            positionSQL: "SELECT max(position) FROM @s.events WHERE tenant = 'mid' AND type = 'Packed'"),
        .init(
            tenant: "small", name: "shipper", source: "outbox", kind: "orders", types: nil, locked: true,
            positionSQL: "SELECT id FROM @s.outbox WHERE tenant = 'small' AND kind = 'orders' ORDER BY id OFFSET 1 LIMIT 1"),
        .init(
            tenant: "big", name: "sync", source: "outbox", kind: "orders", types: nil, locked: true,
            positionSQL: "SELECT id FROM @s.outbox WHERE tenant = 'big' AND kind = 'orders' ORDER BY id OFFSET 19 LIMIT 1"),
    ]

    /// Service-side connections: `seeder` writes (autocommit, like psql), `owner` runs the locked consumers.
    let seeder: Connection
    let owner: Connection
    /// Appended (tenant `small`) and stays open: delivery is held back behind it.
    private(set) var held: Connection?
    /// REPEATABLE READ transaction that has run a query: holds the xmin horizon.
    private(set) var horizon: Connection?
    /// The independent reader (superuser), used for the admin UPDATE and every SQL figure.
    let truth: Connection
    /// The held append's first position (delivery stops just below it).
    private(set) var heldFirstPosition: Int64 = 0

    var heldPID: Int32 { held?.backendPID ?? 0 }
    var horizonPID: Int32 { horizon?.backendPID ?? 0 }

    /// Creates the schema with StoreAccess (connect once, close), then seeds it through SQL only.
    init() throws {
        let srv = try TestServer.current(), name = TestServer.freshSchemaName("truth")
        server = srv
        schema = name
        s = "\"\(name)\""
        try srv.store(schema: name).close()
        do {
            seeder = try Connection(try ConnectionString(srv.directDSN + "?application_name=truth-psql"))
            owner = try Connection(try ConnectionString(srv.directDSN + "?application_name=truth-consumers"))
            truth = try Connection(try ConnectionString(srv.adminDSN))
        } catch {
            srv.dropSchema(name)
            throw error
        }
    }

    /// Runs one psql-style statement (`@s` is the schema) and returns its rows.
    @discardableResult
    func sql(_ text: String, on c: Connection? = nil) throws -> [Row] {
        try (c ?? seeder).query(SQL(unsafeRaw: text.replacingOccurrences(of: "@s", with: s))).rows
    }

    /// One value of a one-row statement.
    func value(_ text: String, on c: Connection? = nil) throws -> String? { try sql(text, on: c).first?[0] }

    /// Everything, in the order a real store would see it. Throws on the first statement that fails.
    func seed() throws {
        try appendRounds()
        try writeOutboxesAndBookmarks()
        // the last write before the hold is big's: a consumer standing there is exactly at the safe position
        try sql("SELECT * FROM @s.append('big', 'acct-0', -1, '[{\"type\": \"Charged\", \"payload\": {\"last\": true}}]')")
        try backdateHistory()
        try openConsumers()
        // admin seeding of time: every consumer last moved a minute ago (past the 10 s stall threshold), the stuck
        // one 20 minutes ago, created then too
        try sql("UPDATE @s.cursors SET moved_at = now() - interval '1 minute', heartbeat_at = now() - interval '1 minute'", on: truth)
        try sql(
            "UPDATE @s.cursors SET created_at = now() - interval '20 minutes', moved_at = now() - interval '20 minutes', "
                + "heartbeat_at = now() - interval '20 minutes' WHERE tenant = 'mid' AND name = 'stuck'", on: truth)
        try holdHorizon()
        try holdDelivery()
        try appendAfterTheHold()
        try sql("SELECT @s.cursor_heartbeat('mid', 'sqlworker')")
    }

    /// 12 rounds: `big` 250 single-event appends (and once a 50-event batch), `small` one event, `mid` one
    /// 3-event `append_multi`; their positions interleave.
    private func appendRounds() throws {
        for r in 1...12 {
            try appendBig(round: r, from: 1, to: 125)
            let type = r % 3 == 1 ? "Reminded" : "Invoiced"
            try sql("SELECT * FROM @s.append('small', 'invoice-\(r)', -2, '[{\"type\": \"\(type)\", \"payload\": {\"round\": \(r)}}]')")
            try appendBig(round: r, from: 126, to: 250)
            if r == 6 {
                try sql(
                    "SELECT * FROM @s.append('big', 'bulk', -1, (SELECT jsonb_agg(jsonb_build_object('type', 'Charged', "
                        + "'payload', jsonb_build_object('n', n))) FROM generate_series(1, 50) n))")
            }
            try sql(
                """
                SELECT * FROM @s.append_multi('mid', '[
                  {"stream": "parcel-\(r)", "expected": -2, "events": [{"type": "Packed", "payload": {}}, {"type": "Shipped", "payload": {}}]},
                  {"stream": "route-\(r % 4)", "expected": -1, "events": [{"type": "Routed", "payload": {"round": \(r)}}]}]')
                """)
        }
    }

    /// Admin seeding of time: the history so far was written 20 minutes ago (events and stream heads, moved back
    /// together, with the immutability triggers off for this one superuser statement), so the work the consumers
    /// have not handled has waited that long. Done before the consumers open, so what they record is of this time.
    private func backdateHistory() throws {
        try sql("SET session_replication_role = replica", on: truth)
        defer { _ = try? sql("RESET session_replication_role", on: truth) }
        try sql("UPDATE @s.events SET recorded_at = recorded_at - interval '20 minutes'", on: truth)
        try sql("UPDATE @s.streams SET updated_at = updated_at - interval '20 minutes'", on: truth)
    }

    /// `big` appends `from...to` of a round, one event per call, every fifth a `Refunded`, the rest `Charged`.
    private func appendBig(round r: Int, from: Int, to: Int) throws {
        try sql(
            """
            SELECT count(*) FROM generate_series(\(from), \(to)) i,
                   LATERAL @s.append('big', 'acct-' || (i % 7), -1, jsonb_build_array(jsonb_build_object(
                       'type', CASE WHEN i % 5 = 0 THEN 'Refunded' ELSE 'Charged' END,
                       'payload', jsonb_build_object('round', \(r), 'i', i))))
            """)
    }

    /// `big/orders` 40 rows, `small/orders` 5 rows between them (ids interleave), `small/users` 3 rows and an
    /// update; two bookmarks.
    private func writeOutboxesAndBookmarks() throws {
        for i in 1...40 {
            try sql("SELECT * FROM @s.kv_set('big', 'orders', 'o\(i)', convert_to('{\"n\": \(i)}', 'UTF8'))")
            if i % 8 == 0 { try sql("SELECT * FROM @s.kv_set('small', 'orders', 'so\(i)', convert_to('{}', 'UTF8'))") }
        }
        for k in ["alice", "bob", "carol"] { try sql("SELECT * FROM @s.kv_set('small', 'users', '\(k)', convert_to('{}', 'UTF8'))") }
        try sql("SELECT * FROM @s.kv_set('small', 'users', 'alice', convert_to('{\"v\": 2}', 'UTF8'))")
        try sql("SELECT @s.state_put('small', 'sync:ledger', '{\"lsn\": \"0/16B3748\"}')")
        try sql("SELECT @s.state_put('big', 'export:daily', '{\"day\": 3}')")
    }

    /// `cursor_open` then `cursor_advance` for each consumer; the locked ones from `owner`, which takes each
    /// consumer's lock first as docs/sql.md says, the lockless one from `seeder`.
    private func openConsumers() throws {
        for c in Self.consumers {
            let on = c.locked ? owner : seeder
            if c.locked {
                let got = try value("SELECT pg_try_advisory_lock(hashtext('\(schema).cursor'), hashtext('\(c.tenant)/\(c.name)'))", on: on)
                guard got == "t" else { throw StoreError(.server, "truth check: could not take the lock of \(c.key)") }
            }
            try sql(
                "SELECT @s.cursor_open('\(c.tenant)', '\(c.name)', '\(c.source)', '\(c.filterJSON)', 'truth-\(c.name)', 'truth-host', 4242)", on: on)
            try sql("SELECT @s.cursor_advance('\(c.tenant)', '\(c.name)', (\(c.positionSQL)))", on: on)
        }
    }

    /// A REPEATABLE READ transaction that has read something: its snapshot keeps dead rows alive.
    private func holdHorizon() throws {
        let c = try Connection(try ConnectionString(server.directDSN + "?application_name=truth-report"))
        horizon = c
        try c.query("BEGIN ISOLATION LEVEL REPEATABLE READ")
        try c.query(SQL(unsafeRaw: "SELECT count(*) FROM \(s).events"))
    }

    /// An append to `small` in a transaction left open: registered, not committed.
    private func holdDelivery() throws {
        let c = try Connection(try ConnectionString(server.directDSN + "?application_name=truth-held"))
        held = c
        try c.query("BEGIN")
        let first = try value(
            "SELECT first_position FROM @s.append('small', 'held-invoice', -2, '[{\"type\": \"Invoiced\", \"payload\": {}}]')", on: c)
        heldFirstPosition = Int64(first ?? "") ?? 0
    }

    /// Committed after the held append, so above the safe position: `big` 40, `small` 3 (one `Reminded`), `mid` 2
    /// `Shipped` (none `Packed`).
    private func appendAfterTheHold() throws {
        try appendBig(round: 13, from: 1, to: 40)
        for (i, type) in ["Invoiced", "Reminded", "Invoiced"].enumerated() {
            try sql("SELECT * FROM @s.append('small', 'late-\(i)', -2, '[{\"type\": \"\(type)\", \"payload\": {}}]')")
        }
        try sql(
            "SELECT * FROM @s.append('mid', 'parcel-late', -2, '[{\"type\": \"Shipped\", \"payload\": {}}, {\"type\": \"Shipped\", \"payload\": {}}]')"
        )
    }

    /// Closes every held connection (the open transactions roll back) and drops the schema.
    func close() {
        held?.close()
        horizon?.close()
        owner.close()
        seeder.close()
        truth.close()
        server.dropSchema(schema)
    }
}

/// Appends to `big` and `small` every 20 ms on its own connection while a two-reading snapshot runs, so the
/// snapshot's append rates have committed writes to count (all of them above the held safe position).
final class TruthCheckWriter: @unchecked Sendable {
    private let lock = NSLock()
    private var stopping = false
    private var written = 0
    private var pid: Int32 = 0
    private var failure: String?
    private let done = DispatchSemaphore(value: 0)

    /// Starts writing at once.
    init(dsn: String, schema: String) {
        Thread.detachNewThread { [self] in
            defer { done.signal() }
            do {
                let c = try Connection(try ConnectionString(dsn + "?application_name=truth-writer"))
                defer { c.close() }
                lock.lock(); pid = c.backendPID; lock.unlock()
                var i = 0
                while !isStopping {
                    let tenant = i % 3 == 0 ? "small" : "big"
                    try c.query(
                        SQL(
                            unsafeRaw:
                                "SELECT * FROM \"\(schema)\".append('\(tenant)', 'live-\(i % 5)', -1, '[{\"type\": \"Charged\", \"payload\": {}}]')"))
                    i += 1
                    lock.lock(); written = i; lock.unlock()
                    usleep(20_000)
                }
            } catch {
                lock.lock(); failure = "\(error)"; lock.unlock()
            }
        }
    }

    private var isStopping: Bool { lock.lock(); defer { lock.unlock() }; return stopping }

    private var joined = false

    /// Stops and waits for the thread (once; later calls return at once); returns the events written, the error
    /// that stopped it, if any, and its backend's pid.
    @discardableResult
    func stop() -> (written: Int, failure: String?, pid: Int32) {
        lock.lock()
        stopping = true
        let wait = !joined
        joined = true
        lock.unlock()
        if wait { _ = done.wait(timeout: .now() + 10) }
        lock.lock(); defer { lock.unlock() }
        return (written, failure, pid)
    }
}
