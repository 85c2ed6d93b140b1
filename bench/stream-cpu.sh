#!/usr/bin/env bash
# CPU per stream of two builds side by side, user and system time apart (issue 24): rounds alternate
# between the jars, each a fresh JVM pinned to GATEWAY_CPUS, its stream path warmed with
# WARM_PER x 16 plain streams (1300: ~20,800, decision 42), then CELLS cells of 16 concurrent
# streams x PER on the kit's mock (all 34 events at once). Reads utime and stime of the service
# from /proc/<pid>/stat around each cell: a third of a stream's CPU is the kernel's (socket reads
# and writes), which a JFR profile does not show. Medians per build at the end.
#
#   bench/stream-cpu.sh OLD.jar NEW.jar      # ROUNDS=2 CELLS=3 PER=300 WARM_PER=1300
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
[[ $# == 2 && -f $1 && -f $2 ]] || { echo "usage: $0 A.jar B.jar" >&2; exit 2; }
JARS=("$1" "$2")
ROUNDS=${ROUNDS:-2}
CELLS=${CELLS:-3}
PER=${PER:-300}
WARM_PER=${WARM_PER:-1300}
GW_PORT=${GW_PORT:-18090}
export RUN_DIR=${OUT:-$BENCH_DIR/results/stream-cpu-$(date +%Y%m%d-%H%M%S)}
source "$BENCH_DIR/java-home.sh"
source "$BENCH_DIR/lib.sh"
bench_with_mock
URL=http://127.0.0.1:$GW_PORT/v1/chat/completions
RESULTS=$RUN_DIR/results.tsv
printf 'build\tround\tcell\tstreams\tuser_us\tsystem_us\tstreams_per_s\n' >"$RESULTS"

# utime and stime (clock ticks) of one process: fields 14 and 15 of /proc/<pid>/stat.
times_of() { sed 's/^.*) //' "/proc/$1/stat" | awk '{ print $12, $13 }'; }
TICK_US=$((1000000 / $(getconf CLK_TCK)))

for ((round = 1; round <= ROUNDS; round++)); do
    for i in 0 1; do
        name=$([[ $i == 0 ]] && echo a || echo b)
        SERVICE_JAVA_OPTS=()
        start_service "$name" "${JARS[$i]}"
        pin_prefix "$LOADGEN_CPUS"
        "${PIN_PREFIX[@]}" node "$BENCH_DIR/ttfb.mjs" "$URL" --seq 50 --conc 16 --per "$WARM_PER" \
            --max-seconds 180 >/dev/null 2>&1 || true
        for ((cell = 1; cell <= CELLS; cell++)); do
            read -r u0 s0 < <(times_of "$SERVICE_PID")
            line=$("${PIN_PREFIX[@]}" node "$BENCH_DIR/ttfb.mjs" "$URL" --seq 0 --conc 16 --per "$PER" \
                --max-seconds 120 2>&1 | grep 'phase=concurrent16' || true)
            read -r u1 s1 < <(times_of "$SERVICE_PID")
            n=$(field n "$line"); rps=$(field rps "$line")
            [[ -n $n && $n -gt 0 ]] || { log "cell without streams: $line"; continue; }
            printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$round" "$cell" "$n" \
                $(((u1 - u0) * TICK_US / n)) $(((s1 - s0) * TICK_US / n)) "$rps" | tee -a "$RESULTS"
        done
        kill -TERM "$SERVICE_PID"; wait "$SERVICE_PID" 2>/dev/null || true
    done
done

{
    echo "a: $1"; echo "b: $2"; echo
    echo "| build | cells | user µs/stream (median) | system µs/stream (median) | streams/s (median) |"
    echo "|---|---|---|---|---|"
    for name in a b; do
        col() { awk -F'\t' -v b="$name" -v c="$1" 'NR > 1 && $1 == b { print $c }' "$RESULTS" | median; }
        cells=$(awk -F'\t' -v b="$name" 'NR > 1 && $1 == b' "$RESULTS" | wc -l)
        echo "| $name | $cells | $(col 5) | $(col 6) | $(col 7) |"
    done
} | tee "$RUN_DIR/report.md"
log "results in $RUN_DIR"
