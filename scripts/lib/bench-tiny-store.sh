# shellcheck shell=bash
# A tiny seeded store for a benchmark's --smoke (Benchmarks/json-snapshot-bench.sh, Benchmarks/refresh-period.sh):
# a throwaway PostgreSQL from `scripts/pg start` with pg_stat_statements preloaded (track = all) and created, the
# storeaccess schema (storeaccess-bench migrates it), Benchmarks/sql/seed_10k.sql -v tenants=40 -v shrink=100 (as
# scripts/bench-keys --smoke and scripts/bench-scale --smoke seed) and SELECT on it granted to the monitor role.
# Sourced from the repository root after scripts/lib/bench-common.sh:
#   . scripts/lib/bench-tiny-store.sh
#   bench_tiny_store PORT            start and seed it on PORT (scripts/pg takes the next free pair when taken),
#                                    source its env file (STORETOP_TEST_*), and set BENCH_STORE_DIR, its directory.
#                                    An EXIT trap (INT and TERM exit through it) stops the server, even on failure.
# Writes nothing outside the server's directory (scripts/pg's temporary directory, removed when it stops).

BENCH_STORE_DIR=""

bench_tiny_store() { # PORT
    export STORETOP_PGPORT=$1
    export STORETOP_PG_EXTRA_CONF="shared_preload_libraries = 'pg_stat_statements'
pg_stat_statements.track = all"
    trap '[ -z "$BENCH_STORE_DIR" ] || scripts/pg stop "$BENCH_STORE_DIR"' EXIT
    trap 'exit 143' INT TERM
    BENCH_STORE_DIR=$(scripts/pg start | tail -1)
    # shellcheck disable=SC1091
    . "$BENCH_STORE_DIR/env"
    echo "== a tiny seeded store (seed_10k.sql -v tenants=40 -v shrink=100) on port $STORETOP_PGPORT" >&2
    local bench
    bench=$(bench_bin storeaccess-bench debug)
    "$bench" append --dsn "$STORETOP_TEST_DSN" --schema storeaccess --clients 1 --batch 1 --seconds 0.01 >/dev/null
    _tiny_psql() { "$STORETOP_TEST_BINDIR/psql" -X -q -v ON_ERROR_STOP=1 "$@"; }
    _tiny_psql "$STORETOP_TEST_ADMIN_DSN" -c "SET client_min_messages = warning" -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" \
        -c "GRANT USAGE ON SCHEMA storeaccess TO monitor; GRANT SELECT ON ALL TABLES IN SCHEMA storeaccess TO monitor; GRANT SELECT ON ALL SEQUENCES IN SCHEMA storeaccess TO monitor;" >/dev/null
    local step
    for step in events consumers outboxes; do
        _tiny_psql -v part=0 -v parts=1 -v step=$step -v tenants=40 -v shrink=100 -f Benchmarks/sql/seed_10k.sql "$STORETOP_TEST_DSN" >/dev/null
    done
    _tiny_psql "$STORETOP_TEST_ADMIN_DSN" -c "VACUUM ANALYZE" >/dev/null
}
