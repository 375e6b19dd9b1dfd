import Foundation
import StoreAccess

/// Replication in the server panel's one statement (no statement of its own): the standbys and slots as JSON
/// aggregates, and on a standby its receiver. `pg_current_wal_lsn()` fails during recovery, so every WAL
/// distance is measured from `current` below: this server's position on a primary, its replay position on a
/// standby (a cascading standby's standbys and slots are then measured from what it replayed).
extension ServerPanel {
    /// The statement's replication columns (`standbys`, `slots`, `receiver`).
    static let replicationColumns = """
        (SELECT coalesce(json_agg(json_build_object('application_name', application_name, 'client_address', client_addr::text,
            'state', state, 'sent_lsn', sent_lsn::text, 'write_lsn', write_lsn::text, 'flush_lsn', flush_lsn::text,
            'replay_lsn', replay_lsn::text, 'lag_bytes', pg_wal_lsn_diff(w.current, replay_lsn)::bigint,
            'write_lag', extract(epoch FROM write_lag), 'flush_lag', extract(epoch FROM flush_lag),
            'replay_lag', extract(epoch FROM replay_lag), 'sync_state', sync_state)), '[]')
           FROM r, w) AS standbys,
        (SELECT coalesce(json_agg(json_build_object('slot_name', slot_name, 'slot_type', slot_type, 'plugin', plugin,
            'database', database, 'active', active, 'retained_bytes', pg_wal_lsn_diff(w.current, restart_lsn)::bigint,
            'wal_status', wal_status, 'safe_wal_size', safe_wal_size) ORDER BY pg_wal_lsn_diff(w.current, restart_lsn) DESC NULLS LAST,
            slot_name), '[]')
           FROM (SELECT * FROM pg_replication_slots ORDER BY slot_name LIMIT 64) s, w) AS slots,
        CASE WHEN pg_is_in_recovery() THEN (
            SELECT json_build_object('receive_lsn', pg_last_wal_receive_lsn()::text, 'replay_lsn', pg_last_wal_replay_lsn()::text,
                'receive_lag_bytes', pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())::bigint,
                'replay_lag', CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
                                   ELSE extract(epoch FROM now() - pg_last_xact_replay_timestamp()) END,
                'last_replay_at', extract(epoch FROM pg_last_xact_replay_timestamp()), 'replay_paused', pg_is_wal_replay_paused(),
                'conflicts', (SELECT confl_tablespace + confl_lock + confl_snapshot + confl_bufferpin + confl_deadlock
                                FROM pg_stat_database_conflicts WHERE datname = current_database()),
                'status', (SELECT status FROM pg_stat_wal_receiver LIMIT 1),
                'sender_host', (SELECT sender_host FROM pg_stat_wal_receiver LIMIT 1))) END AS receiver
        """

    /// The standbys this server sends WAL to (at most 32, by name), as `pg_stat_replication` gives them, without its
    /// pass over every backend: `pg_stat_get_wal_senders()` for the senders, and each sender's name and address from
    /// `pg_stat_get_activity(pid)`, which builds that one backend's row only (the view builds every backend's, a
    /// cost that grows with the square of the backends). The inner join drops a sender whose backend is gone, as the
    /// view's does. A relation the statement names `r`, read by `replicas` and `standbys`.
    static let senders = """
        r AS (SELECT s.pid, a.application_name, a.client_addr, s.state, s.sent_lsn, s.write_lsn, s.flush_lsn, s.replay_lsn,
                     s.write_lag, s.flush_lag, s.replay_lag, s.sync_state
                FROM pg_stat_get_wal_senders() s CROSS JOIN LATERAL pg_stat_get_activity(s.pid) a
               ORDER BY a.application_name, s.pid LIMIT 32)
        """

    /// The position WAL distances are measured from (a one-row relation joined by the aggregates above).
    static let currentPosition = """
        w AS (SELECT CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END AS current)
        """

    private struct StandbyRow: Decodable {
        let application_name: String?, client_address: String?, state: String?, sent_lsn: String?, write_lsn: String?
        let flush_lsn: String?, replay_lsn: String?, lag_bytes: Int64?, write_lag: Double?, flush_lag: Double?, replay_lag: Double?
        let sync_state: String?
    }

    private struct SlotRow: Decodable {
        let slot_name: String, slot_type: String, plugin: String?, database: String?, active: Bool, retained_bytes: Int64?
        let wal_status: String?, safe_wal_size: Int64?
    }

    private struct ReceiverRow: Decodable {
        let receive_lsn: String?, replay_lsn: String?, receive_lag_bytes: Int64?, replay_lag: Double?, last_replay_at: Double?
        let replay_paused: Bool, conflicts: Int64?, status: String?, sender_host: String?
    }

    /// The replication panel from the statement's row.
    static func replication(_ r: Row) throws -> Snapshot.Replication {
        let standbys = try JSONText(postgresText: try r.decode("standbys")).decode([StandbyRow].self).map {
            Snapshot.Standby(
                applicationName: $0.application_name ?? "", clientAddress: $0.client_address, state: $0.state ?? "", sentLSN: $0.sent_lsn,
                writeLSN: $0.write_lsn, flushLSN: $0.flush_lsn, replayLSN: $0.replay_lsn, lagBytes: $0.lag_bytes, writeLagSeconds: $0.write_lag,
                flushLagSeconds: $0.flush_lag, replayLagSeconds: $0.replay_lag, syncState: $0.sync_state)
        }
        let slots = try JSONText(postgresText: try r.decode("slots")).decode([SlotRow].self).map {
            Snapshot.Slot(
                slotName: $0.slot_name, slotType: $0.slot_type, plugin: $0.plugin, database: $0.database, active: $0.active,
                retainedBytes: $0.retained_bytes, walStatus: $0.wal_status, safeWalSize: $0.safe_wal_size)
        }
        var receiver: Snapshot.Receiver?
        if let text: String = try r.decodeOptional("receiver") {
            let x = try JSONText(postgresText: text).decode(ReceiverRow.self)
            receiver = Snapshot.Receiver(
                receiveLSN: x.receive_lsn, replayLSN: x.replay_lsn, receiveLagBytes: x.receive_lag_bytes, replayLagSeconds: x.replay_lag,
                lastReplayAt: x.last_replay_at.map { Date(timeIntervalSince1970: $0) }, replayPaused: x.replay_paused, conflicts: x.conflicts ?? 0,
                status: x.status, senderHost: x.sender_host)
        }
        var out = Snapshot.Replication(standbys: standbys, slots: slots, receiver: receiver)
        out.warnings = ReplicationRules.standard.warnings(out)
        return out
    }
}
