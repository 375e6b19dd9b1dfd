#!/usr/bin/env bash
# Recording figures (Benchmarks/results/recording.md, replay.md): bytes per snapshot and per hour of `storetop
# record` on the demo's workload, the seek time at random points of a 24 h recording at 1 s (86,400 snapshots
# copied from the recorded ones with shifted times), and the replay's jump, step and draw times on it. Needs a debug build (swift build --product storetop) and sqlite3.
# It prints its figures and writes them to $STORETOP_BENCH_OUT/recording-run.md (default Benchmarks/results; the
# commented results are recording.md and replay.md) and figures/recording.tsv.
#   Benchmarks/recording-bench.sh [SECONDS_TO_RECORD (20)] [SEEKS (20)] [--smoke]
# --smoke: 4 s recorded, 2 seeks, a 2-minute recording (120 snapshots) instead of 24 h, one replay-bench run of 3 jumps; exits non-zero
# when a figure is missing or not a number. The demo's server takes its port from STORETOP_PGPORT (scripts/pg).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/bench-common.sh "$0" "$@"
export LC_ALL=C.UTF-8 SWIFT_BACKTRACE=enable=no
bin=$PWD/$(bench_bin storetop debug)
pos=()
for a in "$@"; do [ "$a" = --smoke ] || pos+=("$a"); done
secs=${pos[0]:-20} seeks=${pos[1]:-20} span=86400 replays=3 jumps=20 settle=5
[ "$BENCH_SMOKE" = 1 ] && { secs=4; seeks=2; span=120; replays=1; jumps=3; settle=1; }
label=$(if [ "$span" -ge 3600 ]; then echo "$((span / 3600)) h"; else echo "$((span / 60)) min"; fi)
work=$(mktemp -d)
"$bin" demo --no-tui >"$work/demo.out" 2>"$work/demo.err" &
demo=$!
cleanup() { kill -INT "$demo" 2>/dev/null || true; wait "$demo" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
for _ in $(seq 300); do grep -q "snapshot '" "$work/demo.out" 2>/dev/null && break; sleep 1; done
dsn=$(sed -n "s/.* snapshot '\(.*\)'$/\1/p" "$work/demo.out" | head -1)
[ -n "$dsn" ] || { echo "the demo did not start: $(cat "$work/demo.err")" >&2; exit 1; }
sleep "$settle"  # let the workload fill the store
rec=$work/demo.sqlite
REC_DSN=$dsn "$bin" record --dsn env:REC_DSN --output "$rec" --interval 1 --duration "${secs}s" 2>"$work/rec.err"
tail -1 "$work/rec.err"
sqlite3 "$rec" "SELECT 'snapshots: ' || count(*) || ', JSON bytes per snapshot: avg ' || CAST(avg(bytes) AS INT)
  || ', max ' || max(bytes) || '; stored (compressed) avg ' || CAST(avg(length(body)) AS INT) FROM snapshots"
file_bytes=$(stat -c %s "$rec")
n=$(sqlite3 "$rec" "SELECT count(*) FROM snapshots")
per=$((file_bytes / n))
echo "file: $file_bytes bytes for $n snapshots = $per bytes per snapshot on disk"
echo "per hour: $((per * 3600 / 1000000)) MB at 1 s, $((per * 360 / 1000000)) MB at 10 s"
json_avg=$(sqlite3 "$rec" "SELECT CAST(avg(bytes) AS INT) FROM snapshots")
# 24 h at 1 s: the recorded snapshots copied round-robin with shifted times (each body's takenAt set to its row's
# time, recompressed as storetop stores it)
big=$work/day.sqlite
cp "$rec" "$big"
start=$(date +%s.%N)
sqlite3 "$big" "
  CREATE TEMP TABLE src AS SELECT row_number() OVER (ORDER BY taken_at) - 1 AS k, body, bytes FROM snapshots;
  DELETE FROM snapshots;
  WITH RECURSIVE i(x) AS (SELECT 0 UNION ALL SELECT x + 1 FROM i WHERE x < $((span - 1)))
  INSERT INTO snapshots (target_id, taken_at, body, bytes)
    SELECT 1, 1800000000 + x, sqlar_compress(CAST(j AS BLOB)), length(j) FROM (
      SELECT x, json_set(sqlar_uncompress(body, bytes), '$.takenAt', 1800000000 + x) AS j
      FROM i JOIN src ON src.k = x % (SELECT count(*) FROM src));"
echo "$label recording: $(sqlite3 "$big" "SELECT count(*) FROM snapshots") snapshots, $(($(stat -c %s "$big") / 1000000)) MB, built in $(echo "$(date +%s.%N) - $start" | bc) s"
# the seek alone (sqlite3's timer), then the whole command (process start, decode, derive, render)
printf '.timer on\nSELECT length(sqlar_uncompress(body, bytes)) FROM snapshots WHERE target_id = 1 AND taken_at <= 1800043210.5 ORDER BY taken_at DESC LIMIT 1;\n' |
  sqlite3 "$big" | sed 's/^/sqlite3 seek: /'
mean_ms() {  # mean_ms FILE FIRST_SECOND SPAN: `snapshot --from-recording --at` at random points of FILE
  local total=0 at iso t0
  for _ in $(seq "$seeks"); do
    at=$(($2 + RANDOM * $3 / 32768))
    iso=$(date -u -d @"$at" +%Y-%m-%dT%H:%M:%SZ)
    t0=$(date +%s%N)
    "$bin" snapshot --from-recording "$1" --at "$iso" --json >/dev/null
    total=$((total + $(date +%s%N) - t0))
  done
  echo $((total / seeks / 1000000))
}
first=$(sqlite3 "$rec" "SELECT CAST(min(taken_at) AS INT) + 1 FROM snapshots")
echo "snapshot --from-recording --at, random points, $seeks runs each (whole command: process start, seek, decode, derive, JSON):"
seek_big=$(mean_ms "$big" 1800000000 "$span"); seek_small=$(mean_ms "$rec" "$first" $((n > 2 ? n - 2 : 1)))
echo "  $label recording ($span snapshots): mean $seek_big ms"
echo "  the $n-snapshot recording:          mean $seek_small ms"
# the replay's keys through the TimeMachine (a jump: seek, warm-up window, derive; a step; a frame drawn), 3 runs
for _ in $(seq "$replays"); do "$bin" replay-bench "$big" --jumps "$jumps" --steps 4; done > "$work/replay.json"
sed "s/^/replay-bench $label: /" "$work/replay.json"
median() { sort -g | awk '{a[NR]=$1} END {if (NR == 0) print "n/a"; else if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
jump=$(jq -r '.jump_ms.median // "n/a"' "$work/replay.json" | median)
step=$(jq -r '.step_ms.median // "n/a"' "$work/replay.json" | median)
draw=$(jq -r '.draw_ms.median // "n/a"' "$work/replay.json" | median)
{
    echo "# Recordings: size, seek and replay (generated by Benchmarks/recording-bench.sh)"
    echo
    echo "Command: \`$BENCH_CMD\` ($(date -u '+%Y-%m-%d %H:%M UTC'), debug build, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the end): the demo's workload recorded for $secs s at 1 s ($n snapshots), then copied round-robin into a $label recording at 1 s ($span snapshots)."
    echo
    echo "| | |"
    echo "| --- | ---: |"
    echo "| JSON per snapshot (avg) | $json_avg bytes |"
    echo "| on disk per snapshot | $per bytes |"
    echo "| per hour at 1 s / 10 s | $((per * 3600 / 1000000)) MB / $((per * 360 / 1000000)) MB |"
    echo "| \`snapshot --from-recording --at\`, $label recording, mean of $seeks (whole command) | $seek_big ms |"
    echo "| the same on the $n-snapshot recording | $seek_small ms |"
    echo "| replay jump / step / draw, medians ($replays × \`replay-bench --jumps $jumps --steps 4\`) | $jump / $step / $draw ms |"
} > "$BENCH_OUT/recording-run.md"
bench_figures recording recording-run.md
fig "demo recording: JSON per snapshot (avg)" "$json_avg" bytes
fig "demo recording: on disk per snapshot" "$per" bytes "JSON per snapshot" "$json_avg" "$(awk -v a="$per" -v b="$json_avg" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print "n/a" }')"
fig "demo recording: per hour at 1 s" "$(awk -v p="$per" 'BEGIN { printf "%.1f", p * 3600 / 1e6 }')" MB
fig "snapshot --from-recording --at, $label recording at 1 s (mean, whole command)" "$seek_big" ms
fig "replay jump, $label recording (median of runs' medians, wall)" "$jump" ms "" "" "" "< 100 ms"
fig "replay step (median)" "$step" ms
fig "replay draw 160×45 (median)" "$draw" ms
bench_finish
