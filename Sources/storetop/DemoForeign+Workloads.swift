import Foundation
import StoreAccess
import Synchronization

/// factstr's and eventcore 2's writers and consumers: the statements each library sends, a few times a second.
extension DemoForeign {
    /// factstr: an append about every 0.6 s (one in five a batch of three) under its table lock, numbered max + 1
    /// with `occurred_at` from this process's clock; after each commit the `projector` cursor moves to the new
    /// head, as factstr moves a durable stream's cursor after delivering. `audit-export` never moves.
    func startFactstr() {
        worker("factstr-append", schema: schemas.factstr, every: 0.6) { c in
            let all = ["OrderPlaced", "OrderPaid", "OrderShipped"]
            let types = Int.random(in: 0..<5) == 0 ? all : [all.randomElement()!]
            let n = types.count, order = Int.random(in: 2000..<9000)
            let last: Int64 = try c.transaction { c in
                try c.query("LOCK TABLE events, append_batches IN EXCLUSIVE MODE")
                let first: Int64 = try c.query("SELECT COALESCE(MAX(sequence_number), 0) + 1 FROM events").rows[0].decode(0)
                for (i, type) in types.enumerated() {
                    let payload = JSONText("{\"order\":\(order),\"region\":\"\(["eu", "us", "apac"].randomElement()!)\"}")
                    try c.query(
                        SQL(
                            "INSERT INTO events (sequence_number, occurred_at, event_type, payload) VALUES (\(first + Int64(i)), \(Date()), \(type), \(payload))"
                        ))
                }
                if n > 1 {
                    try c.query(
                        SQL("INSERT INTO append_batches (first_sequence_number, last_sequence_number) VALUES (\(first), \(first + Int64(n) - 1))"))
                }
                return first + Int64(n) - 1
            }
            try c.query(
                SQL("UPDATE durable_stream_cursors SET last_processed_sequence_number = \(last) WHERE durable_stream_id = 'projector'"))
        }
    }

    /// eventcore 2: an append about every 0.7 s to one account, or (one in four) a transfer between two
    /// (`eventcoreAppend`). `balance-projector` holds its leader lock on a session of its own and
    /// polls for events after its checkpoint; `email-notifier` has no leader and never moves.
    func startEventcore() {
        let schema = schemas.eventcore
        worker("eventcore-append", schema: schema, every: 0.7) { c in
            let a = Int.random(in: 1...20), b = Int.random(in: 1...20)
            try DemoForeign.eventcoreAppend(c, streams: Set(Int.random(in: 0..<4) == 0 ? [a, b] : [a]).map { "account-\($0)" }.sorted())
        }
        let key = DemoForeign.leaderKey("balance-projector")
        hold("eventcore-leader", schema: schema) { c in
            let got: Bool = try c.query(SQL("SELECT pg_try_advisory_lock(\(key))")).rows[0].decode(0)
            if !got { throw CancellationError() }
        }
        let position = Mutex<String?>(nil)
        worker("eventcore-projector", schema: schema, every: 1) { c in
            let from =
                try position.withLock { $0 }
                ?? c.query("SELECT last_position::text FROM eventcore_subscription_versions WHERE subscription_name = 'balance-projector'")
                .rows[0].decode(0)
            let rows = try c.query(
                SQL(
                    "SELECT event_id::text, event_data, stream_id FROM eventcore_events WHERE event_type = 'BankAccountEvent' AND event_id > \(from)::uuid ORDER BY event_id LIMIT 100"
                )
            ).rows
            let to: String = try rows.last?.decode(0) ?? from
            position.withLock { $0 = to }
            guard to != from else { return }
            try c.query(
                SQL(
                    """
                    INSERT INTO eventcore_subscription_versions (subscription_name, last_position, updated_at) VALUES ('balance-projector', \(to)::uuid, NOW())
                    ON CONFLICT (subscription_name) DO UPDATE SET last_position = \(to)::uuid, updated_at = NOW()
                    """))
        }
    }

    /// One eventcore 2 append of an event to each of `streams` (sorted): the streams' advisory locks and current
    /// versions, the versions expected for the trigger, one multi-row INSERT (five binds a row, as its writer builds
    /// it) with UUIDv7 ids from this process's clock. A transfer withdraws from the first and deposits to the second.
    static func eventcoreAppend(_ c: Connection, streams: [String]) throws {
        try c.transaction { c in
            var expected: [String] = []
            for s in streams {
                try c.query(SQL("SELECT pg_advisory_xact_lock(hashtextextended(\(s), 0))"))
                let v: Int64 = try c.query(SQL("SELECT COALESCE(MAX(stream_version), 0) FROM eventcore_events WHERE stream_id = \(s)"))
                    .rows[0].decode(0)
                expected.append("\"\(s)\":\(v)")
            }
            try c.query(SQL("SELECT set_config('eventcore.expected_versions', \("{" + expected.joined(separator: ",") + "}"), true)"))
            var rows: [String] = []
            var binds: [any PostgresEncodable] = []
            for (i, s) in streams.enumerated() {
                let kind = streams.count > 1 && i == 0 ? "MoneyWithdrawn" : "MoneyDeposited"
                let n = binds.count
                rows.append("($\(n + 1)::uuid, $\(n + 2), $\(n + 3), $\(n + 4), $\(n + 5))")
                binds += [
                    DemoForeign.uuidv7(), s, "BankAccountEvent", JSONText("{\"\(kind)\":{\"amount\":\(Int.random(in: 5..<500))}}"),
                    JSONText("{}"),
                ]
            }
            try c.query(
                SQL(
                    unsafeRaw: "INSERT INTO eventcore_events (event_id, stream_id, event_type, event_data, metadata) VALUES "
                        + rows.joined(separator: ", "), binds: binds))
        }
    }

    /// A UUIDv7 from this process's clock, as eventcore 2's writers make them: 48 bits of Unix milliseconds, the
    /// version, random bits and the variant.
    static func uuidv7(_ at: Date = Date()) -> String {
        let ms = UInt64(at.timeIntervalSince1970 * 1000)
        var b = (0..<16).map { _ in UInt8.random(in: 0...255) }
        for i in 0..<6 { b[i] = UInt8(truncatingIfNeeded: ms >> (8 * UInt64(5 - i))) }
        b[6] = 0x70 | (b[6] & 0x0f)
        b[8] = 0x80 | (b[8] & 0x3f)
        let hex = b.map { String(format: "%02x", $0) }.joined()
        let parts = [hex.prefix(8), hex.dropFirst(8).prefix(4), hex.dropFirst(12).prefix(4), hex.dropFirst(16).prefix(4), hex.dropFirst(20)]
        return parts.joined(separator: "-")
    }

    /// eventcore 2's leader lock key for a subscription: FNV-1a (64 bits) of its name, taken as a signed bigint.
    static func leaderKey(_ name: String) -> Int64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in name.utf8 { h = (h ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return Int64(bitPattern: h)
    }
}
