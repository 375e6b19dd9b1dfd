-- metrics.sessions before issue 23 (two passes over pg_stat_activity, pg_locks always read), for Benchmarks/server-statements-bench.sh
SELECT t.cluster_backends, t.sees_all, b.*
  FROM (SELECT (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend') AS cluster_backends,
               pg_has_role(current_user, 'pg_monitor', 'USAGE')
               OR (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS sees_all) t
  LEFT JOIN LATERAL (
       SELECT a.pid, coalesce(a.application_name, '') AS application_name, a.usename, coalesce(a.state, 'unknown') AS state,
              a.wait_event_type, a.wait_event, a.query_start, a.xact_start, a.state_change, age(a.backend_xmin) AS xmin_age,
              CASE WHEN a.wait_event_type = 'Lock' THEN pg_blocking_pids(a.pid)::text END AS blocked_by,
              left(a.query, 300) AS query, a.datname, host(a.client_addr) AS client_addr,
              nullif(a.client_port, -1) AS client_port, a.backend_start, w.wait_start, a.query_id
         FROM pg_stat_activity a
         LEFT JOIN (SELECT l.pid, min(l.waitstart) AS wait_start FROM pg_locks l
                     WHERE NOT l.granted GROUP BY l.pid) w ON w.pid = a.pid
        WHERE a.backend_type = 'client backend' AND a.pid <> pg_backend_pid() AND a.datname = current_database()
        ORDER BY a.xact_start NULLS LAST LIMIT 2000) b ON true
