#!/usr/bin/env bash
# The monitor's server statements at scale (issue 23 target 4), before and after session 13's changes:
# metrics.sessions and metrics.server with N idle sessions on a throwaway server of this script's own, and, with
# --seeded DIR, metrics.streams (full and incremental forms) and metrics.outboxes on a seeded 10k-tenant store
# (scripts/bench-scale --keep), read-only through its pg_monitor role. The statements are the files of
# Benchmarks/sql/statements/. For each: the execution time of EXPLAIN (ANALYZE, BUFFERS, TIMING OFF), RUNS rounds
# with the statements interleaved, median and every run; and the backend's CPU time per execution (utime + stime
# of /proc/PID/stat, 10 ms ticks) over CPU_RUNS executions in one session after one warm-up execution (the server
# must run on this machine; results are discarded by psql).
#   STORETOP_PGPORT=<port> Benchmarks/server-statements-bench.sh [--runs N] [--cpu-runs N] [--sessions N]
#                                 [--query-bytes B] [--seeded DIR] [--smoke]
#     --runs N         EXPLAIN rounds (5)            --cpu-runs N   executions for the CPU figure (20)
#     --sessions N     idle sessions (2000; pgbench -f Benchmarks/sql/idle_session.sql, as scripts/bench-scale)
#     --query-bytes B  the idle sessions' last statement is B bytes long instead of `SELECT 1`
#     --seeded DIR     also the store of DIR/env (never written to)
#     --smoke          20 sessions, 1 round, 2 executions (scripts/bench-smoke); exits non-zero when a figure is
#                      missing or not a number
# Prints a markdown table on stdout; writes nothing else (the commented figures: Benchmarks/results/scale-server.md).
set -euo pipefail
cd "$(dirname "$0")/.."
export LC_ALL=C.UTF-8
runs=5; cpu_runs=20; sessions=2000; qbytes=0; seeded=""; smoke=0
while [ $# -gt 0 ]; do case "$1" in --runs) runs=$2; shift 2;; --cpu-runs) cpu_runs=$2; shift 2;;
    --sessions) sessions=$2; shift 2;; --query-bytes) qbytes=$2; shift 2;; --seeded) seeded=$2; shift 2;;
    --smoke) smoke=1; runs=1; cpu_runs=2; sessions=20; shift;;
    *) echo "unknown $1" >&2; exit 2;; esac; done
[ -n "${STORETOP_PGPORT:-}" ] || { echo "set STORETOP_PGPORT to a port of your own" >&2; exit 2; }
S=Benchmarks/sql/statements
tmp=$(mktemp -d)
pgb=""; dir=""
cleanup() {
    if [ -n "$pgb" ]; then kill "$pgb" 2>/dev/null || true; wait "$pgb" 2>/dev/null || true; fi
    if [ -n "$dir" ]; then scripts/pg stop "$dir" >/dev/null || true; fi
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# explain DSN FILE... -> per file "median|runs" in $tmp/<file>.explain
explain() {
    local dsn=$1; shift
    for _ in $(seq 1 "$runs"); do
        for f in "$@"; do
            psql "$dsn" -X -At -c "EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) $(cat "$f")" \
                | sed -n 's/^Execution Time: \([0-9.]*\) ms/\1/p' >>"$tmp/$(basename "$f").explain"
        done
    done
}
median() { sort -g | awk '{a[NR]=$1} END {if (NR == 0) print "n/a"; else if (NR%2) printf "%.2f\n", a[(NR+1)/2]; else printf "%.2f\n", (a[NR/2]+a[NR/2+1])/2}'; }
# cpu DSN FILE -> backend CPU ms per execution
cpu() {
    local dsn=$1 f=$2 out t0 t1
    out=$({ echo "SELECT pg_backend_pid() AS bpid \\gset"; echo "\\setenv BPID :bpid"; echo "\\o /dev/null"; echo "$(cat "$f");"
        echo "\\! awk '{print \"t0\", \$14+\$15}' /proc/\$BPID/stat"
        for _ in $(seq 1 "$cpu_runs"); do echo "$(cat "$f");"; done
        echo "\\! awk '{print \"t1\", \$14+\$15}' /proc/\$BPID/stat"; } | psql "$dsn" -X -q 2>&1)
    t0=$(awk '$1=="t0"{print $2}' <<<"$out"); t1=$(awk '$1=="t1"{print $2}' <<<"$out")
    awk -v a="$t0" -v b="$t1" -v n="$cpu_runs" -v k="$(getconf CLK_TCK)" 'BEGIN{printf "%.1f", (b-a)*1000/k/n}'
}
bad=0
row() { # row LABEL DSN FILE
    local f=$3 m c
    m=$(median <"$tmp/$(basename "$f").explain")
    c=$(cpu "$2" "$f")
    for v in "$m" "$c"; do
        [[ "$v" =~ ^[0-9]+(\.[0-9]+)?$ ]] || { echo "figure missing or not a number: $1 ($v)" >&2; bad=1; }
    done
    echo "| $1 | $m | $(tr '\n' ' ' <"$tmp/$(basename "$f").explain" | sed 's/ $//') | $c | $(cut -d' ' -f1-3 /proc/loadavg) |"
}

cpurow() { # cpurow LABEL DSN FILE: the CPU figure only
    local c
    c=$(cpu "$2" "$3")
    [[ "$c" =~ ^[0-9]+(\.[0-9]+)?$ ]] || { echo "figure missing or not a number: $1 ($c)" >&2; bad=1; }
    echo "| $1 | | | $c | $(cut -d' ' -f1-3 /proc/loadavg) |"
}

export STORETOP_PG_EXTRA_CONF="shared_preload_libraries = 'pg_stat_statements'
max_connections = $((sessions + 300))"
dir=$(scripts/pg start | tail -1)
. "$dir/env"
MON=$STORETOP_TEST_MONITOR_DSN
script=Benchmarks/sql/idle_session.sql
if [ "$qbytes" -gt 0 ]; then
    script=$tmp/idle_long.sql
    printf '\\sleep 30 s\nSELECT 1 /* %s */;\n' "$(head -c "$qbytes" /dev/zero | tr '\0' x)" >"$script"
fi
"$STORETOP_TEST_BINDIR/pgbench" -n -c "$sessions" -j 2 -T 100000 -f "$script" "$STORETOP_TEST_ADMIN_DSN" >"$tmp/pgb.log" 2>&1 &
pgb=$!
n=0
for _ in $(seq 1 300); do
    n=$(psql "$STORETOP_TEST_ADMIN_DSN" -X -At -c "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'")
    [ "$n" -gt "$sessions" ] && break
    sleep 1
done
# every idle session has run its statement once (pgbench sleeps 30 s first)
if [ "$qbytes" -gt 0 ]; then sleep 32; fi
echo "Server of its own: $n client backends (pgbench -c $sessions, last statement: $([ "$qbytes" -gt 0 ] && echo "$qbytes bytes of comment after SELECT 1" || echo "SELECT 1")), max_connections $((sessions + 300)), track_activity_query_size $(psql "$MON" -X -At -c 'SHOW track_activity_query_size')"
echo
echo "| statement | EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) ms, median | runs | backend CPU ms per execution ($cpu_runs) | load average |"
echo "| --- | ---: | --- | ---: | --- |"
explain "$MON" $S/sessions_before.sql $S/sessions_after.sql $S/server_before.sql $S/server_after.sql
row "metrics.sessions before" "$MON" $S/sessions_before.sql
row "metrics.sessions after" "$MON" $S/sessions_after.sql
row "metrics.server before" "$MON" $S/server_before.sql
row "metrics.server after" "$MON" $S/server_after.sql
# where the sessions statement's CPU goes: the one pass alone, and each form executed without sending its rows
echo "SELECT count(*) FROM pg_stat_get_activity(NULL)" >"$tmp/pass.sql"
for w in before after; do { echo "EXPLAIN (ANALYZE, TIMING OFF)"; cat $S/sessions_$w.sql; } >"$tmp/sessions_${w}_unsent.sql"; done
cpurow "one pass alone: SELECT count(*) FROM pg_stat_get_activity(NULL)" "$MON" "$tmp/pass.sql"
cpurow "metrics.sessions before, executed, rows not sent (EXPLAIN (ANALYZE, TIMING OFF) of it)" "$MON" "$tmp/sessions_before_unsent.sql"
cpurow "metrics.sessions after, executed, rows not sent (EXPLAIN (ANALYZE, TIMING OFF) of it)" "$MON" "$tmp/sessions_after_unsent.sql"
if [ -n "$seeded" ]; then
    SEED=$(. "$seeded/env" && echo "$STORETOP_TEST_MONITOR_DSN")
    safe=$(psql "$SEED" -X -At -c "SELECT max(position) FROM storeaccess.events")
    sed "s/@SAFE@/$safe/g" $S/streams_full.sql >"$tmp/streams_full.sql"
    sed "s/@SAFE@/$safe/g; s/@BASE@/$((safe - 1000))/g" $S/streams_incremental.sql >"$tmp/streams_incremental.sql"
    cp $S/outboxes.sql "$tmp/outboxes.sql"
    explain "$SEED" "$tmp/streams_full.sql" "$tmp/streams_incremental.sql" "$tmp/outboxes.sql"
    row "metrics.streams_full (seeded store)" "$SEED" "$tmp/streams_full.sql"
    row "metrics.streams, 1,000 events since the previous read (seeded store)" "$SEED" "$tmp/streams_incremental.sql"
    row "metrics.outboxes (seeded store)" "$SEED" "$tmp/outboxes.sql"
fi
exit "$bad"
