#!/usr/bin/env bash
# Measures the dashboard's refresh thread on a seeded store (scripts/bench-scale --seed-only/--keep) for two or
# more storetop binaries side by side, alternating them so both see the same machine load: the refresh period at
# `--interval 1`, CPU ms per refresh and (with --perf) a `perf record -g` profile of each.
#   Benchmarks/refresh-period.sh DIR [--seconds S] [--warmup W] [--rounds N] [--sessions N] [--perf OUT] NAME=BINARY...
#     DIR           the seeded store's directory (its env file gives the monitor role's DSN); only read from
#     --seconds S   the steady window measured per run (20)
#     --warmup W    seconds from the dashboard's start before the window (25: its first full pass is left out)
#     --rounds N    runs per binary, alternating (2)
#     --sessions N  idle sessions held open during the runs (pgbench -f Benchmarks/sql/idle_session.sql, 2000), as
#                   scripts/bench-scale holds them; 0 for none
#     --perf OUT    then one more window per binary under `perf record -g` (OUT/NAME.perf.data), with
#                   OUT/NAME.report.txt (`perf report --children`, demangled); its line is NAME+perf
# Refreshes are counted as scripts/bench-scale counts them, as calls of the Sessions panel's statement by the
# monitor role (pg_stat_statements), here as a difference of two reads rather than after a reset (the store is
# shared: nothing is reset or written). Other storetop connections during a window would inflate the count: each
# window prints how many monitor sessions it saw besides the dashboard's ("others"), which must be 0.
# Writes one line per run to stdout: NAME period_s cpu_ms_per_refresh refreshes others load1 load5 load15.
#   Benchmarks/refresh-period.sh --smoke   (scripts/bench-smoke) starts its own throwaway server with
# pg_stat_statements on STORETOP_PGPORT + 4 (default 29764; scripts/lib/bench-tiny-store.sh: 40 tenants, a
# hundredth of their events), runs this script itself on it with the debug build as both binaries
# (old= and new=.build/debug/storetop), 1 round, 3 s warm-up, 3 s windows, 10 idle sessions; then, when perf is
# installed, a run of new alone with --rounds 0 --sessions 0 --perf $STORETOP_BENCH_OUT/refresh-perf and
# Benchmarks/perf-shares.py over its profile (perf script | swift demangle); writes
# every line's figures (period, CPU per refresh, refreshes, other sessions; perf's samples and the refresh thread's
# share) to $STORETOP_BENCH_OUT/figures/refresh-period.tsv (its output to $STORETOP_BENCH_OUT/refresh-period.txt)
# and exits non-zero when one is missing or not a number, or a window counted no refresh. Stops its server.
set -euo pipefail
cd "$(dirname "$0")/.."
export LC_ALL=C.UTF-8 SWIFT_BACKTRACE=enable=no
if [ "${1:-}" = --smoke ]; then
    . scripts/lib/bench-common.sh "$0" --smoke
    . scripts/lib/bench-tiny-store.sh
    st=$PWD/$(bench_bin storetop debug)
    bench_tiny_store $((${STORETOP_PGPORT:-29760} + 4))
    lines=$BENCH_OUT/refresh-period.txt
    "$0" "$BENCH_STORE_DIR" --seconds 3 --warmup 3 --rounds 1 --sessions 10 old="$st" new="$st" | tee "$lines"
    # the --perf window apart, for one binary (no round): a second --perf window in the same run exited 255
    perf=()
    if command -v perf >/dev/null; then
        perf=(--perf "$BENCH_OUT/refresh-perf")
        "$0" "$BENCH_STORE_DIR" --seconds 3 --warmup 3 --rounds 0 --sessions 0 "${perf[@]}" new="$st" | tee -a "$lines"
    else
        bench_skip "perf (no --perf window)"
    fi
    bench_figures refresh-period scale.md
    col() { awk -v n="$1" -v c="$2" '$1 == n { print $c; exit }' "$lines"; }
    names=(old new)
    [ ${#perf[@]} = 0 ] || names+=(new+perf)
    for n in "${names[@]}"; do
        # a window that counted no refresh prints period 0: not a figure
        r=$(col "$n" 4)
        ok() { if [ -n "$r" ] && [ "$r" != 0 ]; then echo "$1"; else echo "none (refreshes: '$r')"; fi; }
        fig "smoke: refresh period at --interval 1, $n" "$(ok "$(col "$n" 2)")" s
        fig "smoke: dashboard CPU per refresh, $n" "$(ok "$(col "$n" 3)")" ms
        fig "smoke: refreshes in the window, $n" "$r" refreshes
        fig "smoke: other monitor sessions in the window, $n" "$(col "$n" 5)" sessions "" "" "" "≤ 0 sessions"
    done
    if [ ${#perf[@]} -gt 0 ]; then
        perf script -i "$BENCH_OUT/refresh-perf/new.perf.data" -F comm,tid,ip,sym 2>/dev/null | swift demangle --simplified \
            >"$BENCH_OUT/refresh-perf/new.txt"
        Benchmarks/perf-shares.py "$BENCH_OUT/refresh-perf/new.txt" "$(col new+perf 3)" | tee "$BENCH_OUT/refresh-perf/new.shares.md"
        shares=$BENCH_OUT/refresh-perf/new.shares.md
        fig "smoke: perf samples, new+perf" "$(sed -n 's/^(\([0-9]*\) samples)$/\1/p' "$shares")" samples
        fig "smoke: perf share of the refresh thread, new+perf" \
            "$(awk -F' [|] ' '/RefreshLoop.refreshOnce/ { sub(/ %$/, "", $2); print $2 }' "$shares")" %
    fi
    bench_finish
    exit
fi
dir=$1
shift
secs=20; warmup=25; rounds=2; sessions=2000; perfout=""
bins=()
while [ $# -gt 0 ]; do
    case "$1" in
        --seconds) secs=$2; shift 2;; --warmup) warmup=$2; shift 2;; --rounds) rounds=$2; shift 2;;
        --sessions) sessions=$2; shift 2;; --perf) perfout=$2; shift 2;; *=*) bins+=("$1"); shift;; *) echo "unknown $1" >&2; exit 2;;
    esac
done
. "$dir/env"
export STORETOP_MON=$STORETOP_TEST_MONITOR_DSN
bin=$STORETOP_TEST_BINDIR
sock=strefresh-$$
runs=0
bg=()
cleanup() {
    set +e
    tmux -L "$sock" kill-server 2>/dev/null
    for p in "${bg[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
q() { "$bin/psql" -X -At -F' ' "$STORETOP_MON" -c "$1"; }
calls() { q "SELECT coalesce(sum(calls), 0) FROM pg_stat_statements WHERE userid = (SELECT oid FROM pg_roles WHERE rolname = 'monitor') AND query LIKE '%pg_blocking_pids%'"; }
others() { q "SELECT count(*) - 1 FROM pg_stat_activity WHERE application_name = 'st:storetop/monitor'"; }
cpu_ms() { awk '{print ($14 + $15) * 1000 / '"$(getconf CLK_TCK)"'}' "/proc/$1/stat"; }

if [ "$sessions" -gt 0 ]; then
    "$bin/pgbench" -n -c "$sessions" -j 2 -T 100000 -f Benchmarks/sql/idle_session.sql "$STORETOP_TEST_DSN" >/dev/null 2>&1 &
    bg+=("$!")
    for _ in $(seq 1 240); do
        [ "$(q "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'pgbench'")" -ge "$sessions" ] && break
        sleep 1
    done
    echo "# $(q "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'pgbench'") idle pgbench sessions" >&2
fi

run() { # NAME BINARY PERF(0/1)
    # a tmux server of its own per run (a new one on the socket just killed can fail to start)
    runs=$((runs + 1))
    sock=strefresh-$$-$runs
    tmux -L "$sock" -u new-session -d -x 200 -y 50 "$2 --dsn env:STORETOP_MON --interval 1"
    local pane="" pid
    for _ in $(seq 1 50); do pane=$(tmux -L "$sock" list-panes -F '#{pane_pid}' 2>/dev/null || true); [ -n "$pane" ] && break; sleep 0.1; done
    sleep 0.5
    pid=$(pgrep -n -P "$pane" || echo "$pane")
    sleep "$warmup"
    local n0 c0 n1 c1 o0 o1
    n0=$(calls); c0=$(cpu_ms "$pid"); o0=$(others)
    if [ "$3" = 1 ]; then
        perf record -g -o "$perfout/${1%+perf}.perf.data" -p "$pid" -- sleep "$secs" >/dev/null 2>&1
    else
        sleep "$secs"
    fi
    n1=$(calls); c1=$(cpu_ms "$pid"); o1=$(others)
    tmux -L "$sock" kill-server 2>/dev/null || true
    awk -v n="$1" -v s="$secs" -v r=$((n1 - n0)) -v a="$c0" -v b="$c1" -v o="$((o0 > o1 ? o0 : o1))" -v l="$(cut -d' ' -f1-3 /proc/loadavg)" \
        'BEGIN { printf "%s %.2f %.0f %d %d %s\n", n, (r > 0 ? s / r : 0), (r > 0 ? (b - a) / r : 0), r, o, l }'
}

for _ in $(seq 1 "$rounds"); do
    for b in "${bins[@]}"; do run "${b%%=*}" "${b#*=}" 0; done
done
if [ -n "$perfout" ]; then
    # one more window per binary under perf (its figures, printed as NAME+perf, carry perf's overhead)
    mkdir -p "$perfout"
    for b in "${bins[@]}"; do
        n=${b%%=*}
        run "$n+perf" "${b#*=}" 1
        perf report -i "$perfout/$n.perf.data" --children --sort symbol --stdio 2>/dev/null | swift demangle --simplified \
            > "$perfout/$n.report.txt" || true
    done
fi
