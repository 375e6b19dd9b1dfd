#!/usr/bin/env bash
# `storetop snapshot --json --sample 0` on a store that is already running (issue 23, session 14): two builds of
# storetop run alternately, ROUNDS times each, so both see the same load; prints each run's wall, user and system
# seconds (/usr/bin/time -f '%e %U %S'), the document's size and the load average, then the medians.
# Writes nothing but its output (the commented figures are in Benchmarks/results/exports.md).
#   Benchmarks/json-snapshot-bench.sh OLD_BINARY NEW_BINARY DSN [ROUNDS]   (ROUNDS default 5)
# The store is only read (one snapshot per run); use a pg_monitor DSN.
#   Benchmarks/json-snapshot-bench.sh --smoke   (scripts/bench-smoke) starts its own throwaway server on
# STORETOP_PGPORT + 2 (default 29762; scripts/lib/bench-tiny-store.sh: 40 tenants, a hundredth of their events), runs
# this script itself on it with the debug build as both binaries, 1 round, the monitor role's DSN, and writes the
# medians, the document's size and the differing lines to $STORETOP_BENCH_OUT/figures/json-snapshot.tsv (its output
# to $STORETOP_BENCH_OUT/json-snapshot.txt); exits non-zero when one is missing or not a number. Stops its server.
set -euo pipefail
if [ "${1:-}" = --smoke ]; then
    cd "$(dirname "$0")/.."
    . scripts/lib/bench-common.sh "$0" --smoke
    . scripts/lib/bench-tiny-store.sh
    st=$(bench_bin storetop debug)
    bench_tiny_store $((${STORETOP_PGPORT:-29760} + 2))
    lines=$BENCH_OUT/json-snapshot.txt
    "$0" "$st" "$st" "$STORETOP_TEST_MONITOR_DSN" 1 | tee "$lines"
    bench_figures json-snapshot exports.md
    med() { awk -v w="$1" -v k="$2" '$1 == "median" && $2 == w { for (i = 3; i < NF; i++) if ($i == k) print $(i + 1) }' "$lines"; }
    for which in old new; do
        for k in wall user sys; do
            fig "smoke: snapshot --json --sample 0, $which binary, $k median" "$(med "$which" "$k")" s
        done
        fig "smoke: snapshot --json --sample 0, $which binary, document size" \
            "$(awk -v w="$which" '$1 == "1" && $2 == w { print $6 }' "$lines")" bytes
    done
    fig "smoke: snapshot --json --sample 0, lines differing in the last round's documents" \
        "$(sed -n "s/^lines differing in the last round's documents: //p" "$lines")" lines
    bench_finish
    exit
fi
[ $# -ge 3 ] || { echo "usage: $0 OLD_BINARY NEW_BINARY DSN [ROUNDS]" >&2; exit 2; }
old=$1; new=$2; dsn=$3; rounds=${4:-5}
export LC_ALL=C.UTF-8
# Passed by name (--dsn env:VAR), so that the password is not on the command line.
export JSON_SNAPSHOT_BENCH_DSN=$dsn
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
median() { sort -g | awk '{a[NR]=$1} END {if (NR%2) printf "%.2f", a[(NR+1)/2]; else printf "%.2f", (a[NR/2]+a[NR/2+1])/2}'; }
printf '%-5s %-4s %7s %7s %7s %10s  %s\n' round bin wall user sys bytes loadavg
for r in $(seq 1 "$rounds"); do
    for which in old new; do
        bin=$old; [ "$which" = new ] && bin=$new
        load=$(cut -d' ' -f1-3 /proc/loadavg)
        /usr/bin/time -f '%e %U %S' -o "$tmp/time" "$bin" snapshot --json --sample 0 --dsn env:JSON_SNAPSHOT_BENCH_DSN > "$tmp/$which.json"
        read -r wall user sys < "$tmp/time"
        bytes=$(wc -c < "$tmp/$which.json")
        echo "$wall $user $sys" >> "$tmp/$which.all"
        printf '%-5s %-4s %7s %7s %7s %10s  %s\n' "$r" "$which" "$wall" "$user" "$sys" "$bytes" "$load"
    done
done
for which in old new; do
    printf 'median %-4s wall %s user %s sys %s\n' "$which" "$(cut -d' ' -f1 "$tmp/$which.all" | median)" \
        "$(cut -d' ' -f2 "$tmp/$which.all" | median)" "$(cut -d' ' -f3 "$tmp/$which.all" | median)"
done
# The two documents of the last round differ only where the store moved in between (taken_at at least).
echo "lines differing in the last round's documents: $(diff "$tmp/old.json" "$tmp/new.json" | grep -c '^[<>]' || true)"
