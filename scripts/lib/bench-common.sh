# shellcheck shell=bash
# Shared by the benchmark scripts (scripts/bench*, Benchmarks/*.sh): smoke mode, where results go, the binaries,
# and the figures as data. Sourced from the repository root, with the script's own path and arguments:
#   . scripts/lib/bench-common.sh "$0" "$@"
# Sets:
#   BENCH_SMOKE   1 when the arguments include --smoke (tiny sizes, debug build, every figure checked), else 0
#   BENCH_OUT     where results go: $STORETOP_BENCH_OUT, default Benchmarks/results (created)
#   BENCH_CMD     the command as typed, repository-relative (written beside every figure)
# Functions:
#   bench_bin PRODUCT CONFIG       path of the built product; builds it first (swift build), except in smoke mode
#                                  when the debug binary is already there. Smoke mode always uses the debug build.
#   bench_figures NAME RESULTS     start $BENCH_OUT/figures/NAME.tsv (emptied), its rows linking RESULTS (a file
#                                  name in $BENCH_OUT, e.g. rls.md)
#   fig FIGURE VALUE UNIT [REFERENCE REF_VALUE RATIO TARGET]
#                                  one row of the TSV. VALUE (and REF_VALUE and RATIO when a REFERENCE is named)
#                                  must be numbers; REF_VALUE "skipped" says the reference tool was missing (no
#                                  ratio then). TARGET is "≥ 0.8", "< 250 ms", …: with a unit it applies to VALUE,
#                                  without one to RATIO (or VALUE when there is no ratio); `met` is computed.
#   bench_finish                   after the last fig: in smoke mode exits 1, naming each figure that was
#                                  missing, empty, n/a or not a number (or when no figure was written at all);
#                                  otherwise only warns.
#   bench_skip WHAT                prints that a reference was skipped (a missing tool) and returns.
# BENCH_DATE, when set, is written as every row's date instead of now (figures transcribed from an older results
# file keep the date they were measured).
# TSV columns: figure, value, unit, reference, reference value, ratio, target, met, date, command. A first line
# "# results: FILE" names the results file the rows come from; a second line names the columns.

BENCH_SMOKE=0
for _a in "${@:2}"; do [ "$_a" = --smoke ] && BENCH_SMOKE=1; done
unset _a
BENCH_CMD="${1#./} ${*:2}"
BENCH_CMD=${BENCH_CMD% }
BENCH_OUT=${STORETOP_BENCH_OUT:-Benchmarks/results}
mkdir -p "$BENCH_OUT/figures"
BENCH_TSV=""

bench_bin() { # PRODUCT CONFIG -> path
    local product=$1 conf=$2
    [ "$BENCH_SMOKE" = 1 ] && conf=debug
    local path=.build/$conf/$product
    if [ "$BENCH_SMOKE" = 1 ] && [ -x "$path" ] && [ "${STORETOP_BENCH_BUILD:-0}" != 1 ]; then
        echo "$path"
        return
    fi
    swift build -c "$conf" --product "$product" >/dev/null || {
        echo "${BENCH_CMD%% *}: swift build -c $conf --product $product failed" >&2
        return 1
    }
    echo "$path"
}

bench_skip() { echo "${BENCH_CMD%% *}: skipped: $*" >&2; }

bench_figures() { # NAME RESULTS
    BENCH_TSV=$BENCH_OUT/figures/$1.tsv
    printf '# results: %s\n' "$2" >"$BENCH_TSV"
    printf 'figure\tvalue\tunit\treference\treference value\tratio\ttarget\tmet\tdate\tcommand\n' >>"$BENCH_TSV"
    : >"$BENCH_TSV.bad"
}

_bench_num() { [[ "$1" =~ ^-?[0-9]+([.][0-9]+)?([eE][-+]?[0-9]+)?$ ]]; }

fig() { # FIGURE VALUE UNIT [REFERENCE REF_VALUE RATIO TARGET]
    local name=$1 value=${2:-} unit=${3:-} ref=${4:-} refv=${5:-} ratio=${6:-} target=${7:-} met=""
    [ -n "$BENCH_TSV" ] || { echo "fig: bench_figures was not called" >&2; return 1; }
    # one line per field: tabs and newlines in a value would break the table
    value=$(echo "$value" | tr '\t\n' '  ' | sed 's/^ *//; s/ *$//')
    _bench_num "$value" || echo "$name: value '${value}' is not a number" >>"$BENCH_TSV.bad"
    if [ -n "$ref" ]; then
        if [ "$refv" = skipped ]; then
            ratio=""
        else
            _bench_num "$refv" || echo "$name: reference value ($ref) '${refv}' is not a number" >>"$BENCH_TSV.bad"
            [ -z "$ratio" ] || _bench_num "$ratio" || echo "$name: ratio '${ratio}' is not a number" >>"$BENCH_TSV.bad"
        fi
    fi
    if [ -n "$target" ]; then
        met=$(awk -v t="$target" -v v="$value" -v r="$ratio" 'BEGIN {
            n = split(t, w, " "); op = w[1]; lim = w[2]; unit = (n > 2)
            x = (!unit && r != "") ? r : v
            if (x !~ /^-?[0-9.]+([eE][-+]?[0-9]+)?$/) { print ""; exit }
            if (op == "≥" || op == ">=") ok = (x + 0 >= lim + 0)
            else if (op == "≤" || op == "<=") ok = (x + 0 <= lim + 0)
            else if (op == "<") ok = (x + 0 < lim + 0)
            else if (op == ">") ok = (x + 0 > lim + 0)
            else { print ""; exit }
            print ok ? "yes" : "no" }')
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$value" "$unit" "$ref" "$refv" "$ratio" "$target" "$met" \
        "${BENCH_DATE:-$(date -u '+%Y-%m-%d %H:%M UTC')}" "$BENCH_CMD" >>"$BENCH_TSV"
}

bench_finish() {
    [ -n "$BENCH_TSV" ] || { echo "${BENCH_CMD%% *}: no figures written" >&2; return 1; }
    local rows; rows=$(($(wc -l <"$BENCH_TSV") - 2))
    [ "$rows" -gt 0 ] || echo "no figure at all in $BENCH_TSV" >>"$BENCH_TSV.bad"
    if [ -s "$BENCH_TSV.bad" ]; then
        sed 's/^/figure missing or not a number: /' "$BENCH_TSV.bad" >&2
        if [ "$BENCH_SMOKE" = 1 ]; then
            rm -f "$BENCH_TSV.bad"
            return 1
        fi
    fi
    rm -f "$BENCH_TSV.bad"
    echo "wrote $BENCH_TSV ($rows figures)" >&2
}
