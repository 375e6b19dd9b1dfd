import Foundation
import StoreAccess

/// The server panel: version, start time, settings, this database's counters, replication, and the database
/// size at most every `sizeEvery` (it walks the database's directory, about 1 ms on a large store). Connections
/// in use come from the sessions statement (one pass over pg_stat_activity, not two).
enum ServerPanel: Panel {
    static let name = "server"
    /// How often the database size is read.
    static let sizeEvery: Duration = .seconds(10)

    /// The database size as last read.
    struct Carry: Sendable {
        let at: ContinuousClock.Instant
        let bytes: Int64
    }

    static func statements(_ schema: Identifier) -> [SQL] { [statement(withSize: true), statement(withSize: false)] }

    /// One row of server facts; `database_bytes` is NULL unless `withSize`.
    static func statement(withSize: Bool) -> SQL {
        SQL(
            """
            WITH \(unsafeRaw: currentPosition),
                 \(unsafeRaw: senders)
            SELECT version() AS version, pg_postmaster_start_time() AS started_at,
                   current_setting('max_connections')::int AS max_connections,
                   (SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()) AS transactions,
                   \(unsafeRaw: withSize ? "pg_database_size(current_database())" : "NULL::bigint") AS database_bytes,
                   current_database() AS database, pg_is_in_recovery() AS is_standby, now() AS now,
                   (SELECT coalesce(json_agg(json_build_object('name', application_name, 'address', client_addr::text,
                       'state', state, 'replay_lag', extract(epoch FROM replay_lag))), '[]')
                      FROM r) AS replicas,
                   \(unsafeRaw: replicationColumns)
            """
        ).named("metrics.server")
    }

    /// Reads the panel (the server, and replication as it sees it); the size comes from `carry` while it is younger
    /// than `sizeEvery`.
    static func read(_ c: Connection, carry: inout Carry?) throws -> (Snapshot.Server, Snapshot.Replication) {
        let cached = carry.flatMap { ContinuousClock.now - $0.at < sizeEvery ? $0.bytes : nil }
        let r = try c.query(statement(withSize: cached == nil)).first!
        var bytes: Int64 = cached ?? 0
        if cached == nil {
            bytes = try r.decode("database_bytes")
            carry = Carry(at: .now, bytes: bytes)
        }
        return (try decode(r, bytes: bytes), try replication(r))
    }

    /// The server from its row (`connections` is filled in from the sessions panel).
    static func decode(_ r: Row, bytes: Int64) throws -> Snapshot.Server {
        struct Rep: Decodable { let name: String?; let address: String?; let state: String?; let replay_lag: Double? }
        let reps = try JSONText(postgresText: try r.decode("replicas")).decode([Rep].self)
        return Snapshot.Server(
            version: String((try r.decode("version", as: String.self)).split(separator: " ").prefix(2).joined(separator: " ")),
            startedAt: try r.decode("started_at"), connections: 0, maxConnections: try r.decode("max_connections"),
            transactions: try r.decodeOptional("transactions") ?? 0, databaseBytes: bytes, database: try r.decode("database"),
            isStandby: try r.decode("is_standby"),
            replicas: reps.map { .init(name: $0.name ?? "", address: $0.address, state: $0.state ?? "", replayLagSeconds: $0.replay_lag) },
            now: try r.decode("now"))
    }
}
