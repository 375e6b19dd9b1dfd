#!/usr/bin/env bash
# Recording size at scale (Benchmarks/results/recording.md): 1,001 tenants and 2,010 consumers seeded as
# scripts/bench-lag seeds them (Benchmarks/sql/seed_lag.sql, 1M events), under seed_lag_load.sql at 100
# transactions/s, recorded by `storetop record --interval 1` for SECONDS; prints the JSON and stored bytes per
# snapshot and per hour at 1 s and 10 s. Debug builds of storetop and storeaccess-bench.
#   Benchmarks/recording-scale.sh [SECONDS (60)]
set -euo pipefail
cd "$(dirname "$0")/.."
export LC_ALL=C.UTF-8 SWIFT_BACKTRACE=enable=no
swift build --product storetop >/dev/null
swift build --product storeaccess-bench >/dev/null
st=$PWD/.build/debug/storetop bench=$PWD/.build/debug/storeaccess-bench secs=${1:-60}
export STORETOP_PGPORT=${STORETOP_PGPORT:-55931}
dir=$(scripts/pg start)
load=""
tmp=$(mktemp -d)
cleanup() { set +e; [ -n "$load" ] && kill "$load" 2>/dev/null && wait "$load" 2>/dev/null; scripts/pg stop "$dir"; rm -rf "$tmp"; }
trap cleanup EXIT INT TERM
. "$dir/env"
bin=$STORETOP_TEST_BINDIR
start=$(date +%s)
"$bench" append --dsn "$STORETOP_TEST_DSN" --schema storeaccess --clients 1 --batch 1 --seconds 0.01 >/dev/null
"$bin/psql" -X -q -v ON_ERROR_STOP=1 -f Benchmarks/sql/seed_lag.sql "$STORETOP_TEST_DSN" >/dev/null
"$bin/psql" -X -q -v ON_ERROR_STOP=1 "$STORETOP_TEST_ADMIN_DSN" -c "VACUUM ANALYZE" >/dev/null
echo "seeded in $(($(date +%s) - start)) s: $("$bin/psql" -X -qAt "$STORETOP_TEST_ADMIN_DSN" -c "SELECT (SELECT count(DISTINCT tenant) FROM storeaccess.events) || ' tenants, ' || (SELECT count(*) FROM storeaccess.cursors) || ' consumers, ' || (SELECT count(*) FROM storeaccess.events) || ' events'")"
"$bin/pgbench" -n -c 1 -R 100 -T 100000 -f Benchmarks/sql/seed_lag_load.sql "$STORETOP_TEST_DSN" >/dev/null 2>&1 &
load=$!
rec=$tmp/scale.sqlite
"$st" record "$STORETOP_TEST_ADMIN_DSN" --output "$rec" --interval 1 --duration "${secs}s" 2>&1 | tail -1
n=$(sqlite3 "$rec" "SELECT count(*) FROM snapshots")
sqlite3 "$rec" "SELECT 'JSON per snapshot: avg ' || CAST(avg(bytes) AS INT) || ' bytes; stored (compressed) avg ' || CAST(avg(length(body)) AS INT) || ' bytes (x' || printf('%.3f', avg(length(body)) * 1.0 / avg(bytes)) || ')' FROM snapshots"
file_bytes=$(stat -c %s "$rec")
per=$((file_bytes / n))
echo "file: $file_bytes bytes for $n snapshots = $per bytes per snapshot on disk"
echo "per hour: $((per * 3600 / 1000000)) MB at 1 s, $((per * 360 / 1000000)) MB at 10 s"
