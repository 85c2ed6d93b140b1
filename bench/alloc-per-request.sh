#!/usr/bin/env bash
# Heap allocated per non-streamed request, for each build given (alternating, ROUNDS times): the
# plain service (no policy) on GATEWAY_CPUS with -Xlog:gc, pre-warmed, then wrk at 1 and 32
# connections (lib.sh measure_service); the young collections' freed megabytes over the requests
# served (llm_requests_total). Robust to a busy machine, unlike latency: for "allocates less" claims.
#
#   bench/alloc-per-request.sh OLD.jar NEW.jar      # ROUNDS=2 PREWARM_SECONDS=10 DURATION=5
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
(( $# >= 1 )) || { echo "usage: $0 A.jar [B.jar...]  (each with its libs/ beside it)" >&2; exit 2; }
ROUNDS=${ROUNDS:-2}
PREWARM_SECONDS=${PREWARM_SECONDS:-10}
DURATION=${DURATION:-5}
GW_PORT=${GW_PORT:-18090}
export RUN_DIR=${OUT:-$BENCH_DIR/results/alloc-$(date +%Y%m%d-%H%M%S)}
source "$BENCH_DIR/java-home.sh"
source "$BENCH_DIR/lib.sh"
bench_with_mock
BODY=$RUN_DIR/body.json
write_chat_body "$BODY"

for ((round = 1; round <= ROUNDS; round++)); do
    for ((i = 1; i <= $#; i++)); do
        jar=${!i} name=build$i-round$round
        SERVICE_JAVA_OPTS=(-Xlog:gc:file="$RUN_DIR/$name-gc.log")
        start_service "$name" "$jar"
        measure_service "$name" "$BODY" >/dev/null
        requests=$(curl -s "http://127.0.0.1:$GW_PORT/metrics" | awk '/^llm_requests_total/ { s += $2 } END { print s }')
        kill -TERM "$SERVICE_PID"; wait "$SERVICE_PID" 2>/dev/null || true
        freed=$(sed -nE 's/.*Pause Young.* ([0-9]+)M->([0-9]+)M.*/\1 \2/p' "$RUN_DIR/$name-gc.log" \
            | awk '{ s += $1 - $2 } END { print s + 0 }')
        awk -v b="$i" -v r="$round" -v mb="$freed" -v n="$requests" -v jar="$jar" \
            'BEGIN { printf "build %s round %s: %.1f KB per request (%d MB over %d requests) %s\n", b, r, mb * 1024 / n, mb, n, jar }' \
            | tee -a "$RUN_DIR/report.md"
    done
done
log "results in $RUN_DIR"
