#!/usr/bin/env bash
# The loopback load benchmark of issue 11 in one command (docs/benchmarks/llm-performance.md):
# builds the service, starts it pinned to CPU 0 with OPENAI_BASE_URL at the kit's mock upstream
# (a second instance at the paced /slow/v1 upstream for the time-to-first-byte check), runs the
# team kit (bench/run.sh: direct, nginx, gateway [, portkey]) at 1/32/256 connections, then
# 1,000 concurrent streaming clients, and reports the service's CPU per request, peak RSS and
# every jdk.VirtualThreadPinned event JFR saw (threshold 0: any pinning at all).
#
#   bench/run-gateway.sh                               # short cells: DURATION=5 WARMUP=2 REPEATS=1
#   DURATION=15 WARMUP=5 REPEATS=2 bench/run-gateway.sh   # the kit's defaults
#   WITH_PORTKEY=1 bench/run-gateway.sh                # + Portkey from npm (npm install on first use)
#   SKIP_BUILD=1 bench/run-gateway.sh                  # reuse bootstrap/target/llm-client-service.jar
#   PROFILE=jfr bench/run-gateway.sh                   # JFR profile settings in the service (costs CPU)
#   PREWARM_STREAMS_PER=1300 bench/run-gateway.sh      # warm the stream path fully first (~20,000 streams)
#
# Stops exactly the PIDs it started, also on Ctrl-C. Results: bench/results/<timestamp>/.
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
export DURATION=${DURATION:-5} WARMUP=${WARMUP:-2} REPEATS=${REPEATS:-1}
export CONNECTIONS=${CONNECTIONS:-1 32 256}
# The streams/s cell over 1,600 plain streams (16 workers x 100), not the kit's 160: 160 streams take
# 0.1-0.2 s, so the cell measured the start of a burst, not a throughput (decision 51). The paced
# upstream keeps the kit's 10 per worker (each stream takes 0.7 s there).
export TTFB_PER=${TTFB_PER:-100} TTFB_PACED_PER=${TTFB_PACED_PER:-10}
export OUT=${OUT:-$BENCH_DIR/results/$(date +%Y%m%d-%H%M%S)}
GW_PORT=${GW_PORT:-18090}
GW_SLOW_PORT=${GW_SLOW_PORT:-18091}
GW_CPUS=${GATEWAY_CPUS:-0}
STREAM_CLIENTS=${STREAM_CLIENTS:-1000}
JAR=$ROOT/bootstrap/target/llm-client-service.jar
mkdir -p "$OUT"
source "$BENCH_DIR/java-home.sh"
log() { printf '[run-gateway %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

if [[ ${SKIP_BUILD:-0} != 1 || ! -f $JAR ]]; then
    log "building the service jar (package, no tests)"
    (cd "$ROOT" && ./mvnw -q -B -pl bootstrap -am package -DskipTests -Djacoco.skip=true -Dspotbugs.skip=true)
fi

GW_PIDS=()
stop_gateways() {
    local pid i
    for pid in "${GW_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${GW_PIDS[@]}"; do
        for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
    done
    GW_PIDS=()
}
trap stop_gateways EXIT
trap 'exit 130' INT TERM

# What JFR records in the service: by default only pinning (bench/pinning.jfc), so that the
# measured service runs without a profiler, as nginx does; PROFILE=jfr adds JFR's profile settings.
if [[ ${PROFILE:-} == jfr ]]; then
    JFR_SETTINGS="settings=profile,jdk.VirtualThreadPinned#enabled=true,jdk.VirtualThreadPinned#threshold=0ms"
else
    JFR_SETTINGS="settings=$BENCH_DIR/pinning.jfc"
fi

# start_gateway NAME PORT BASE_URL -> PID in $GW_PID; JFR records pinning (threshold 0), see above.
start_gateway() {
    local name=$1 port=$2 base=$3
    local pin=(); command -v taskset >/dev/null && (( $(nproc) >= 2 )) && pin=(taskset -c "$GW_CPUS")
    env SERVER_PORT="$port" SERVER_HOST=127.0.0.1 \
        OPENAI_API_KEY=sk-bench-test-key OPENAI_BASE_URL="$base" \
        ANTHROPIC_API_KEY= GOOGLE_API_KEY= \
        ALLOWED_MODELS=gpt-4.1-mini LLM_DEFAULT_MODEL=gpt-4.1-mini \
        LLM_MAX_RETRIES=0 LLM_LOG_LEVEL=WARN LLM_MAX_CONCURRENT_REQUESTS=4096 \
        "${pin[@]}" "$JAVA" -XX:StartFlightRecording=filename="$OUT/$name.jfr",dumponexit=true,$JFR_SETTINGS \
        -jar "$JAR" >"$OUT/$name.log" 2>&1 &
    GW_PID=$!
    GW_PIDS+=("$GW_PID")
    local i
    for ((i = 0; i < 200; i++)); do
        curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$port/health" && { log "$name up (pid $GW_PID, port $port)"; return 0; }
        kill -0 "$GW_PID" 2>/dev/null || { log "$name died: $(tail -5 "$OUT/$name.log")"; return 1; }
        sleep 0.1
    done
    log "$name did not come up: $(tail -5 "$OUT/$name.log")"; return 1
}

MOCK=http://127.0.0.1:${MOCK_PORT:-18081}
start_gateway gateway "$GW_PORT" "$MOCK/v1"
MAIN_PID=$GW_PID
start_gateway gateway-slow "$GW_SLOW_PORT" "$MOCK/slow/v1"

# A JVM compiles its hot code under load; nginx and the mock need no warm-up. With the service on
# one core its JIT competes with the requests: under c=32 load the C2 compiler still compiled ~200
# methods in each 10 s from 20 s to 40 s and settled only after ~50 s (issue 11, -XX:+PrintCompilation).
# So before the kit's cells, PREWARM_SECONDS (60) of traffic through the service, plain and streamed,
# while a throw-away mock is up (the kit starts its own afterwards). Not measured; say so when quoting.
PREWARM_SECONDS=${PREWARM_SECONDS:-60}
# Plain streams per probe worker (16 workers) in the pre-warm. The stream path needs ~20,000 streams
# before its CPU per stream settles (~3 ms for the first 1,600, ~0.3 ms after 20,000: session 9 in
# docs/benchmarks/llm-performance.md); 1300 warms it fully (~20 s more on a quiet machine).
PREWARM_STREAMS_PER=${PREWARM_STREAMS_PER:-20}
if (( PREWARM_SECONDS > 0 )); then
    log "pre-warming the service for ${PREWARM_SECONDS}s (not measured)"
    (
        source "$BENCH_DIR/lib.sh"
        bench_ensure_deps
        bench_make_run_dir
        trap bench_cleanup EXIT
        start_mock
        body=$(mktemp); write_chat_body "$body"
        pin_prefix "$LOADGEN_CPUS"
        "${PIN_PREFIX[@]}" wrk -t1 -c32 -d"$((PREWARM_SECONDS / 2))s" -s "$BENCH_DIR/wrk/post.lua" \
            "http://127.0.0.1:$GW_PORT/v1/chat/completions" -- "$body" >/dev/null 2>&1 || true
        "${PIN_PREFIX[@]}" timeout $((PREWARM_SECONDS + 30)) node "$BENCH_DIR/ttfb.mjs" \
            "http://127.0.0.1:$GW_PORT/v1/chat/completions" --seq 50 --conc 16 --per "$PREWARM_STREAMS_PER" \
            --max-seconds "$((PREWARM_SECONDS / 4 + 1 + PREWARM_STREAMS_PER / 40))" >/dev/null 2>&1 || true
        # The paced instance gets the same warm-up as the other one: the same plain requests (the
        # paced mock answers them at once), then as many streams. What runs once per request or
        # once per stream was otherwise still in C1's profiling tier when the cells ran
        # (-XX:+PrintCompilation after 8,000 paced streams: TraceIdFilter.filter, LlmService.prepare,
        # ProviderExchange.sendOnKeptConnection; with the plain requests too, still EventStream.open,
        # OpenAiStream.Chunks.opened, LlmService.stream), so the cell measured the JIT's warm-up
        # (session 16 in docs/benchmarks/llm-performance.md; session 11: 2.27 ms after 2,000 paced
        # streams, 1.73 ms after 8,000). A paced stream takes 0.7 s, so they run 200 at once:
        # PREWARM_PACED_PER per worker, by default the plain instance's stream count over 200.
        # Only when the streaming probe runs (the weekly check measures no stream: STREAM=0).
        if [[ ${STREAM:-1} != 0 ]]; then
            "${PIN_PREFIX[@]}" wrk -t1 -c32 -d"$((PREWARM_SECONDS / 2))s" -s "$BENCH_DIR/wrk/post.lua" \
                "http://127.0.0.1:$GW_SLOW_PORT/v1/chat/completions" -- "$body" >/dev/null 2>&1 || true
            paced_per=${PREWARM_PACED_PER:-$(( (16 * PREWARM_STREAMS_PER + 50 + 199) / 200 ))}
            (( paced_per < 40 )) && paced_per=40
            "${PIN_PREFIX[@]}" timeout $((paced_per * 2 + 90)) node "$BENCH_DIR/ttfb.mjs" \
                "http://127.0.0.1:$GW_SLOW_PORT/v1/chat/completions" --seq 0 --conc 200 --per "$paced_per" \
                --max-seconds "$((paced_per * 2 + 60))" >/dev/null 2>&1 || true
        fi
        rm -f "$body"
    )
fi

TARGETS="direct nginx gateway"
[[ ${WITH_PORTKEY:-0} == 1 ]] && TARGETS="direct nginx portkey gateway"
export TARGETS
export GATEWAY_URL=http://127.0.0.1:$GW_PORT/v1/chat/completions
export GATEWAY_SLOW_URL=http://127.0.0.1:$GW_SLOW_PORT/v1/chat/completions
export GATEWAY_PID=$MAIN_PID
# The kit starts the mock itself; the service needs nothing from it at boot. After the kit's cells,
# EXTRA_AFTER runs while the mock is still up: 1,000 concurrent streams through the paced upstream.
log "running the kit: TARGETS='$TARGETS' CONNECTIONS='$CONNECTIONS' DURATION=$DURATION WARMUP=$WARMUP REPEATS=$REPEATS"
export BENCH_AFTER_HOOK="$BENCH_DIR/after-hook.sh"
(( STREAM_CLIENTS > 0 )) || BENCH_AFTER_HOOK=
export STREAM_CLIENTS
"$BENCH_DIR/run.sh"

rss_kib=$(awk '/^VmHWM/{print $2}' "/proc/$MAIN_PID/status" 2>/dev/null || echo NA)
slow_rss_kib=$(awk '/^VmHWM/{print $2}' "/proc/$GW_PID/status" 2>/dev/null || echo NA)
stop_gateways
{
    echo
    echo "## Service process facts"
    echo
    echo "- gateway (pid $MAIN_PID, CPU $GW_CPUS): peak RSS (VmHWM) ${rss_kib} KiB"
    echo "- gateway-slow (paced upstream, 1,000-stream check): peak RSS ${slow_rss_kib} KiB"
    for name in gateway gateway-slow; do
        pinned=$("$JFR" print --events jdk.VirtualThreadPinned "$OUT/$name.jfr" 2>/dev/null | grep -c 'jdk.VirtualThreadPinned' || true)
        echo "- $name: jdk.VirtualThreadPinned events (threshold 0 ms): ${pinned:-NA}"
    done
    echo "- java: $("$JAVA" -version 2>&1 | head -1)"
} | tee -a "$OUT/report.md"
log "results in $OUT"
