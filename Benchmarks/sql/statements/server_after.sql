-- metrics.server after issue 23 (ServerPanel.statement(withSize: false); BenchStatementsTests keeps it equal), for Benchmarks/server-statements-bench.sh
WITH w AS (SELECT CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END AS current),
                 r AS (SELECT s.pid, a.application_name, a.client_addr, s.state, s.sent_lsn, s.write_lsn, s.flush_lsn, s.replay_lsn,
                     s.write_lag, s.flush_lag, s.replay_lag, s.sync_state
                FROM pg_stat_get_wal_senders() s CROSS JOIN LATERAL pg_stat_get_activity(s.pid) a
               ORDER BY a.application_name, s.pid LIMIT 32)
            SELECT version() AS version, pg_postmaster_start_time() AS started_at,
                   current_setting('max_connections')::int AS max_connections,
                   (SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()) AS transactions,
                   NULL::bigint AS database_bytes,
                   current_database() AS database, pg_is_in_recovery() AS is_standby, now() AS now,
                   (SELECT coalesce(json_agg(json_build_object('name', application_name, 'address', client_addr::text,
                       'state', state, 'replay_lag', extract(epoch FROM replay_lag))), '[]')
                      FROM r) AS replicas,
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
