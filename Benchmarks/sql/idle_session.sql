-- An idle session for scripts/bench-scale (pgbench -c 2000): the client sleeps 30 s on its side (the backend is
-- idle, as an application's pooled connection is), then runs one trivial statement.
\sleep 30 s
SELECT 1;
