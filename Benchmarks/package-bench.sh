#!/usr/bin/env bash
# The packaged binary beside the debug and release builds (Benchmarks/results/package.md): file size, code size
# (`size`), shared libraries, and the start-up time of `storetop --version` with hyperfine, warm (page cache as it
# is) and cold (before each run the binary's and its libraries' pages are dropped from the page cache with
# posix_fadvise(DONTNEED), which touches only those files, so the other work on a shared machine keeps its cache).
#   Benchmarks/package-bench.sh DEB DEBUG_BIN RELEASE_BIN [RUNS (30)]
#   Benchmarks/package-bench.sh --smoke
# DEB is scripts/package's .deb; DEBUG_BIN a `swift build` binary; RELEASE_BIN a `swift build -c release` binary
# (dynamically linked Swift runtime). Prints the tables; writes the start-up and size figures to
# $STORETOP_BENCH_OUT/figures/package.tsv (default Benchmarks/results), linked to package.md.
# Not part of `scripts/bench --all`: the .deb needs scripts/package's static release build (about 10 minutes); run
# it by hand after scripts/package.
# --smoke (scripts/bench-smoke): no release build and no scripts/package. The "packaged" binary is
# scripts/check-static's .build-static/storetop (the debug objects linked with -static-stdlib, in seconds; made
# here when missing or older than the debug build), stripped as scripts/package strips it and put alone in a
# throwaway .deb (dpkg-deb, no compression) that the benchmark unpacks as it unpacks the real one; DEBUG_BIN and
# RELEASE_BIN are both .build/debug/storetop (the reference row is the debug build, and says so); 3 runs each.
# It covers the unpacking, the size table, hyperfine's warm and cold runs, the medians and the figures (each checked
# to be a number); not scripts/package (man pages, lintian, Depends), nor the size or start-up of an optimised
# release binary: its figures say nothing about the real package.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/bench-common.sh "$0" "$@"
export LC_ALL=C.UTF-8 SWIFT_BACKTRACE=enable=no
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
command -v hyperfine >/dev/null || { echo "Benchmarks/package-bench.sh: hyperfine is needed (apt-get install hyperfine)" >&2; exit 1; }
ref_name="release build, dynamic Swift runtime" pkg_what="packaged binary"
if [ "$BENCH_SMOKE" = 1 ]; then
    [ $# = 1 ] || { echo "usage: Benchmarks/package-bench.sh --smoke" >&2; exit 2; }
    debug=$(bench_bin storetop debug) release=$debug runs=3
    if ! [ .build-static/storetop -nt "$debug" ]; then scripts/check-static >/dev/null; fi
    mkdir -p "$work/pkg/DEBIAN" "$work/pkg/usr/bin"
    install -m 0755 .build-static/storetop "$work/pkg/usr/bin/storetop"
    strip --strip-unneeded --remove-section=.comment "$work/pkg/usr/bin/storetop"
    printf 'Package: storetop\nVersion: 0.0.0~smoke\nArchitecture: amd64\nMaintainer: smoke <smoke@invalid>\nDescription: smoke\n' >"$work/pkg/DEBIAN/control"
    deb=$work/storetop-smoke.deb
    dpkg-deb --root-owner-group -Znone --build "$work/pkg" "$deb" >/dev/null
    ref_name="debug build, dynamic Swift runtime (smoke: no release build)"
    pkg_what="smoke: the check-static binary, stripped and packed"
    echo "smoke: \"release\" below is the debug binary again (no release build); \"packaged\" is the check-static binary"
else
    deb=${1:?DEB} debug=${2:?DEBUG_BIN} release=${3:?RELEASE_BIN} runs=${4:-30}
fi
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
hyperfine -N --warmup "$([ "$BENCH_SMOKE" = 1 ] && echo 1 || echo 3)" --runs "$runs" --export-json "$work/warm.json" \
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
fig "storetop --version start-up, $pkg_what, warm (median)" "$(m packaged 2)" ms "$ref_name" "$(m release 2)" "$(ratio "$(m packaged 2)" "$(m release 2)")"
fig "storetop --version start-up, $pkg_what, cold (median)" "$(m packaged 3)" ms "$ref_name" "$(m release 3)" "$(ratio "$(m packaged 3)" "$(m release 3)")"
size_mb() { awk -v s="$(stat -c %s "$1")" 'BEGIN { printf "%.1f", s / 1e6 }'; }
fig "$pkg_what file size" "$(size_mb "$packaged")" MB "${ref_name%%,*}" "$(size_mb "$release")" "$(ratio "$(size_mb "$packaged")" "$(size_mb "$release")")"
bench_finish
