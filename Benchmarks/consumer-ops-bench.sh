#!/usr/bin/env bash
# What operator control costs a consumer (issue 21): append-to-handler latency of a live subscription (no cursor)
# beside a durable one (which since schema 9 also reads its control row before each batch it hands on and records
# each batch under its epoch), publisher and subscriber in separate processes, rounds interleaved in one run.
#   Benchmarks/consumer-ops-bench.sh [--rounds N] [--seconds S] [--config debug|release]
set -euo pipefail
cd "$(dirname "$0")/.."
export LC_ALL=C.UTF-8
rounds=3; secs=5; config=release
while [ $# -gt 0 ]; do case "$1" in --rounds) rounds=$2; shift 2;; --seconds) secs=$2; shift 2;; --config) config=$2; shift 2;; *) echo "unknown $1"; exit 2;; esac; done
swift build -c "$config" --product storeaccess-bench >/dev/null
bench=.build/$config/storeaccess-bench
dir=$(scripts/pg start | tail -1)
tmp=$(mktemp)
trap 'scripts/pg stop "$dir" >/dev/null; rm -f "$tmp"' EXIT INT TERM
. "$dir/env"
DSN=$STORETOP_TEST_DSN
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {if (NR%2) printf "%.2f\n", a[(NR+1)/2]; else printf "%.2f\n", (a[NR/2]+a[NR/2+1])/2}'; }
run() { # run [durable-name] -> "p50 p99"
    "$bench" latency-sub --dsn "$DSN" --schema bench --count $(( 1000 * secs - 50 )) ${1:+--durable "$1"} > "$tmp" &
    local sp=$!
    for _ in $(seq 1 100); do grep -q ready "$tmp" && break; sleep 0.1; done
    "$bench" latency-pub --dsn "$DSN" --schema bench --rate 1000 --seconds "$secs" >/dev/null
    wait $sp || true
    sed -n 's/.*p50_ms=\([0-9.]*\).*p99_ms=\([0-9.]*\).*/\1 \2/p' "$tmp"
}
l50=""; l99=""; d50=""; d99=""
for r in $(seq 1 "$rounds"); do
    read -r a b <<< "$(run)"; l50="$l50 $a"; l99="$l99 $b"
    read -r a b <<< "$(run "bench-durable-$r")"; d50="$d50 $a"; d99="$d99 $b"
done
echo "| 1000 events/s for ${secs} s, ${rounds} rounds interleaved ($config build) | p50 ms | p99 ms | runs p50 / p99 |"
echo "| --- | ---: | ---: | --- |"
echo "| live subscription (no cursor) | $(echo "$l50" | median) | $(echo "$l99" | median) | $l50 / $l99 |"
echo "| durable subscription (control read + epoch-checked advance per batch) | $(echo "$d50" | median) | $(echo "$d99" | median) | $d50 / $d99 |"
