#!/usr/bin/env bash
# The idle-stream check of issue 11 (docs/benchmarks/llm-performance.md): STREAMS (10,000)
# concurrent streamed /v1/chat/completions held open and idle through the service, which is
# pinned to CPU 0 with OPENAI_BASE_URL at bench/idle/hold-upstream.mjs (it answers every stream
# with headers and the role chunk, then holds it). Reports the service's RSS and peak RSS while
# all streams are held, its threads and file descriptors, then releases the upstream and counts
# streams that ended with [DONE]. Exit 1 if any stream failed or peak RSS >= 1 GiB.
#
#   bench/idle-streams.sh                 # 10,000 streams
#   STREAMS=2000 SKIP_BUILD=1 bench/idle-streams.sh
#
# Needs node, taskset, and a file-descriptor limit of 2 x STREAMS + 200 per process (raised here
# when the hard limit allows it: the service holds two sockets per stream, each node process one).
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
STREAMS=${STREAMS:-10000}
HOLD_PORT=${HOLD_PORT:-18083}
GW_PORT=${GW_PORT:-18092}
OUT=${OUT:-$BENCH_DIR/results/idle-$(date +%Y%m%d-%H%M%S)}
# The JVM sized as in deploy/kubernetes (1 GiB memory limit, heap at 75 % of it). With the JVM's
# defaults on this 23 GiB machine the heap may grow to ~6 GiB before a collection, and RSS then
# measures garbage the collector has not been asked to free, not what the streams hold.
SERVICE_JVM_OPTS=${SERVICE_JVM_OPTS:--XX:MaxRAM=1g -XX:MaxRAMPercentage=75}
JAR=$ROOT/bootstrap/target/llm-client-service.jar
source "$BENCH_DIR/java-home.sh"
log() { printf '[idle-streams %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
mkdir -p "$OUT"

# Per process: the service holds two sockets per stream (client and upstream), each node process one.
need=$((STREAMS * 2 + 200))
if (( $(ulimit -n) < need )); then
    { ulimit -n "$need" 2>/dev/null || { ulimit -Hn "$need" 2>/dev/null && ulimit -n "$need" 2>/dev/null; }; } || {
        log "need 'ulimit -n $need' (have $(ulimit -n), hard $(ulimit -Hn)); run as root or lower STREAMS"; exit 2; }
fi
if [[ ${SKIP_BUILD:-0} != 1 || ! -f $JAR ]]; then
    log "building the service jar (package, no tests)"
    (cd "$ROOT" && ./mvnw -q -B -pl bootstrap -am package -DskipTests -Djacoco.skip=true -Dspotbugs.skip=true)
fi

PIDS=()
cleanup() { local p; for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
pin() { if command -v taskset >/dev/null && (( $(nproc) >= 2 )); then taskset -c "$1" "${@:2}"; else "${@:2}"; fi; }

pin 1 node "$BENCH_DIR/idle/hold-upstream.mjs" "$HOLD_PORT" 600 2>"$OUT/upstream.log" &
PIDS+=($!)
# A plain command, not the pin function, in the background: $! is then the service itself
# (taskset execs env, env execs java), whose memory is read below.
pin0=(); command -v taskset >/dev/null && (( $(nproc) >= 2 )) && pin0=(taskset -c 0)
"${pin0[@]}" env SERVER_PORT="$GW_PORT" SERVER_HOST=127.0.0.1 OPENAI_API_KEY=sk-bench-test-key \
    OPENAI_BASE_URL="http://127.0.0.1:$HOLD_PORT/v1" ANTHROPIC_API_KEY= GOOGLE_API_KEY= \
    ALLOWED_MODELS=gpt-4.1-mini LLM_DEFAULT_MODEL=gpt-4.1-mini LLM_MAX_RETRIES=0 LLM_LOG_LEVEL=WARN \
    LLM_MAX_CONCURRENT_REQUESTS=$((STREAMS * 2)) LLM_REQUEST_TIMEOUT=600 \
    "$JAVA" $SERVICE_JVM_OPTS -jar "$JAR" >"$OUT/service.log" 2>&1 &
GW=$!
PIDS+=($GW)
for ((i = 0; i < 200; i++)); do curl -s -o /dev/null "http://127.0.0.1:$GW_PORT/health" && break; sleep 0.1; done
kill -0 "$GW" 2>/dev/null || { log "the service did not start: $(tail -3 "$OUT/service.log")"; exit 1; }
rss_before=$(awk '/^VmRSS/{print $2}' "/proc/$GW/status")
log "service up (pid $GW, RSS $((rss_before / 1024)) MiB); opening $STREAMS streams"

coproc CLIENTS { pin 1 node "$BENCH_DIR/idle/idle-clients.mjs" "http://127.0.0.1:$GW_PORT/v1/chat/completions" "$STREAMS" 300; }
PIDS+=($CLIENTS_PID)
read -r -t 300 opened <&"${CLIENTS[0]}" || { log "the clients did not report within 300 s"; exit 1; }
sleep ${HOLD_IDLE_SECONDS:-5}   # held idle for a while: nothing moves, memory settles
rss=$(awk '/^VmRSS/{print $2}' "/proc/$GW/status")
hwm=$(awk '/^VmHWM/{print $2}' "/proc/$GW/status")
threads=$(awk '/^Threads/{print $2}' "/proc/$GW/status")
fds=$(ls "/proc/$GW/fd" | wc -l)
upstream=$(curl -s "http://127.0.0.1:$HOLD_PORT/stats")
log "held: clients $opened, upstream $upstream, service RSS $((rss / 1024)) MiB (peak $((hwm / 1024)) MiB), $threads threads, $fds fds"
curl -s -X POST "http://127.0.0.1:$HOLD_PORT/release" >/dev/null
echo go >&"${CLIENTS[1]}"
read -r -t 300 result <&"${CLIENTS[0]}" || { log "the clients did not finish within 300 s"; exit 1; }
hwm_end=$(awk '/^VmHWM/{print $2}' "/proc/$GW/status")
log "released: $result"
{
    echo "# Idle streams $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo
    echo "- streams requested: $STREAMS; open and idle at once (clients): $opened; upstream: $upstream"
    echo "- service while held: RSS $((rss / 1024)) MiB, peak RSS $((hwm / 1024)) MiB, $threads threads, $fds file descriptors (RSS before: $((rss_before / 1024)) MiB)"
    echo "- after release: $result; peak RSS over the whole run $((hwm_end / 1024)) MiB"
    echo "- java: $("$JAVA" -version 2>&1 | head -1); JVM options: ${SERVICE_JVM_OPTS:-none}; service pinned to CPU 0"
} | tee "$OUT/report.md"
failed=$(sed -n 's/.*"failed":\([0-9]*\).*/\1/p' <<<"$result")
completed=$(sed -n 's/.*"completed":\([0-9]*\).*/\1/p' <<<"$result")
[[ ${completed:-0} == "$STREAMS" && ${failed:-1} == 0 && $hwm_end -lt $((1024 * 1024)) ]]
