#!/usr/bin/env bash
# The packaged binary beside the debug and release builds (Benchmarks/results/package.md): file size, code size
# (`size`), shared libraries, and the start-up time of `storetop --version` with hyperfine, warm (page cache as it
# is) and cold (before each run the binary's and its libraries' pages are dropped from the page cache with
# posix_fadvise(DONTNEED), which touches only those files, so the other work on a shared machine keeps its cache).
#   Benchmarks/package-bench.sh DEB DEBUG_BIN RELEASE_BIN [RUNS (30)]
# DEB is scripts/package's .deb; DEBUG_BIN a `swift build` binary; RELEASE_BIN a `swift build -c release` binary
# (dynamically linked Swift runtime). Prints the tables; writes the start-up and size figures to
# $STORETOP_BENCH_OUT/figures/package.tsv (default Benchmarks/results), linked to package.md.
# Not part of scripts/bench-smoke or `scripts/bench --all`: the .deb needs scripts/package's static build (about
# 10 minutes), so there is no quick smoke of it; run it by hand after scripts/package.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/bench-common.sh "$0" "$@"
export LC_ALL=C.UTF-8 SWIFT_BACKTRACE=enable=no
deb=${1:?DEB} debug=${2:?DEBUG_BIN} release=${3:?RELEASE_BIN} runs=${4:-30}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dpkg-deb -x "$deb" "$work/root"
packaged="$work/root/usr/bin/storetop"
echo "| build | file | code (size: text) | Swift libraries loaded from the toolchain | libraries |"
echo "| --- | --- | --- | --- | --- |"
for b in "debug:$debug" "release:$release" "packaged:$packaged"; do
    name=${b%%:*} bin=${b#*:}
    file_mb=$(awk -v s="$(stat -c %s "$bin")" 'BEGIN { printf "%.1f MB", s / 1e6 }')
    text_mb=$(size "$bin" | awk 'NR == 2 { printf "%.1f MB", $1 / 1e6 }')
    swift_libs=$(ldd "$bin" | grep -c '/opt/swift\|libswift\|libFoundation' || true)
    echo "| $name | $file_mb | $text_mb | $swift_libs | $(ldd "$bin" | wc -l) |"
done
echo
# the files whose pages a cold run drops: the binary and every library ldd resolves for it
cat >"$work/drop.py" <<'PY'
import os, sys
for p in open(sys.argv[1]).read().split():
    fd = os.open(p, os.O_RDONLY)
    os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    os.close(fd)
PY
drop() {
    { ldd "$1" | awk '/=> \// { print $3 }'; echo "$1"; } >"$work/$2.files"
    echo "python3 $work/drop.py $work/$2.files"
}
# medians from every run (hyperfine's own summary gives the mean)
hyperfine -N --warmup 3 --runs "$runs" --export-json "$work/warm.json" \
    -n debug "$debug --version" -n release "$release --version" -n packaged "$packaged --version" >/dev/null
hyperfine -N --runs "$runs" --export-json "$work/cold.json" \
    --prepare "$(drop "$debug" debug)" -n debug "$debug --version" \
    --prepare "$(drop "$release" release)" -n release "$release --version" \
    --prepare "$(drop "$packaged" packaged)" -n packaged "$packaged --version" >/dev/null
echo "start-up of \`storetop --version\`, $runs runs each (ms):"
echo
echo "| build | warm median | warm min–max | cold median | cold min–max |"
echo "| --- | --- | --- | --- | --- |"
python3 - "$work/warm.json" "$work/cold.json" "$work/medians" <<'EOF'
import json, statistics, sys
warm, cold = (json.load(open(p))["results"] for p in sys.argv[1:3])
with open(sys.argv[3], "w") as medians:
    for w, c in zip(warm, cold):
        ms = lambda r, f: f"{f(r['times']) * 1000:.1f}"
        print(f"| {w['command']} | {ms(w, statistics.median)} | {ms(w, min)}–{ms(w, max)} | {ms(c, statistics.median)} | {ms(c, min)}–{ms(c, max)} |")
        medians.write(f"{w['command']} {ms(w, statistics.median)} {ms(c, statistics.median)}\n")
EOF
bench_figures package package.md
m() { awk -v n="$1" -v k="$2" '$1 == n { print $k }' "$work/medians"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a ~ /^-?[0-9.]+$/ && b ~ /^-?[0-9.]+$/ && b > 0) printf "%.2f", a / b; else print "n/a" }'; }
fig "storetop --version start-up, packaged binary, warm (median)" "$(m packaged 2)" ms "release build, dynamic Swift runtime" "$(m release 2)" "$(ratio "$(m packaged 2)" "$(m release 2)")"
fig "storetop --version start-up, packaged binary, cold (median)" "$(m packaged 3)" ms "release build, dynamic Swift runtime" "$(m release 3)" "$(ratio "$(m packaged 3)" "$(m release 3)")"
size_mb() { awk -v s="$(stat -c %s "$1")" 'BEGIN { printf "%.1f", s / 1e6 }'; }
fig "packaged binary file size" "$(size_mb "$packaged")" MB "release build" "$(size_mb "$release")" "$(ratio "$(size_mb "$packaged")" "$(size_mb "$release")")"
bench_finish
