#!/usr/bin/env bash
# Two builds of the service side by side (no per-caller policy, in-process state, tracing off):
# rounds alternate between the jars, each a fresh JVM pinned to GATEWAY_CPUS, pre-warmed, then wrk
# at 1 and 32 connections from LOADGEN_CPUS against the kit's mock. For "this change adds nothing
# measurable" claims: build the other commit in a worktree and give both jars.
#
#   bench/two-builds.sh OLD.jar NEW.jar            # ROUNDS=3 DURATION=10 PREWARM_SECONDS=20
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
[[ $# == 2 && -f $1 && -f $2 ]] || { echo "usage: $0 A.jar B.jar" >&2; exit 2; }
JARS=("$1" "$2")
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10}
PREWARM_SECONDS=${PREWARM_SECONDS:-20}
GW_PORT=${GW_PORT:-18090}
export RUN_DIR=${OUT:-$BENCH_DIR/results/two-builds-$(date +%Y%m%d-%H%M%S)}
source "$BENCH_DIR/java-home.sh"
source "$BENCH_DIR/lib.sh"
bench_with_mock
BODY=$RUN_DIR/body.json
write_chat_body "$BODY"

for ((round = 1; round <= ROUNDS; round++)); do
    for i in 0 1; do
        name=$([[ $i == 0 ]] && echo a || echo b)
        start_service "$name" "${JARS[$i]}"
        measure_service "$name" "$BODY"
        kill -TERM "$SERVICE_PID"; wait "$SERVICE_PID" 2>/dev/null || true
    done
done

{
    echo "a: $1"; echo "b: $2"; echo
    echo "| build | c | rps (median) | p50 µs (median) | p99 µs (median) |"
    echo "|---|---|---|---|---|"
    for name in a b; do
        for c in 1 32; do
            lines=$(grep "target=$name c=$c " "$RUN_DIR/results.txt")
            echo "| $name | $c | $(while read -r l; do field rps "$l"; done <<<"$lines" | median)" \
                "| $(while read -r l; do field p50_us "$l"; done <<<"$lines" | median)" \
                "| $(while read -r l; do field p99_us "$l"; done <<<"$lines" | median) |"
        done
    done
} | tee "$RUN_DIR/report.md"
log "results in $RUN_DIR"
