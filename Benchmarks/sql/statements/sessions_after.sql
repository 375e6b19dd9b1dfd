-- metrics.sessions after issue 23 (SessionsPanel.statement(all: false); BenchStatementsTests keeps it equal), for Benchmarks/server-statements-bench.sh
WITH a AS MATERIALIZED (
       SELECT s.pid, s.datid, s.usesysid, s.application_name, s.state, s.wait_event_type, s.wait_event, s.query_start,
              s.xact_start, s.state_change, s.backend_xmin, left(s.query, 300) AS query, s.client_addr, s.client_port,
              s.backend_start, s.query_id
         FROM pg_stat_get_activity(NULL) s WHERE s.backend_type = 'client backend')
SELECT t.cluster_backends, t.sees_all, b.*
  FROM (SELECT (SELECT count(*) FROM a) AS cluster_backends,
               pg_has_role(current_user, 'pg_monitor', 'USAGE')
               OR (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS sees_all) t
  LEFT JOIN LATERAL (
       SELECT a.pid, coalesce(a.application_name, '') AS application_name,
              nullif(pg_get_userbyid(a.usesysid), 'unknown (OID=' || a.usesysid || ')') AS usename,
              coalesce(a.state, 'unknown') AS state, a.wait_event_type, a.wait_event, a.query_start, a.xact_start,
              a.state_change, age(a.backend_xmin) AS xmin_age,
              CASE WHEN a.wait_event_type = 'Lock' THEN pg_blocking_pids(a.pid)::text END AS blocked_by,
              a.query,
              CASE WHEN a.datid = (SELECT d.oid FROM pg_database d WHERE d.datname = current_database()) THEN current_database()
                   ELSE (SELECT d.datname FROM pg_database d WHERE d.oid = a.datid) END AS datname,
              host(a.client_addr) AS client_addr, nullif(a.client_port, -1) AS client_port, a.backend_start,
              w.wait_start, a.query_id
         FROM a
         LEFT JOIN (SELECT l.pid, min(l.waitstart) AS wait_start FROM pg_locks l
                     WHERE NOT l.granted AND EXISTS (SELECT FROM a WHERE a.wait_event_type = 'Lock')
                     GROUP BY l.pid) w ON w.pid = a.pid
        WHERE a.pid <> pg_backend_pid() AND a.datid = (SELECT d.oid FROM pg_database d WHERE d.datname = current_database())
        ORDER BY a.xact_start NULLS LAST LIMIT 2000) b ON true

