#!/usr/bin/env bash
# The soak and fault run of issue 18 item 10 (docs/benchmarks/soak.md): SOAK_SECONDS (600) of mixed
# traffic through the service, against an upstream that misbehaves, with the service's RSS, threads,
# file descriptors and llm_active_requests sampled every SAMPLE_SECONDS (10) into samples.csv.
#
#   bench/soak.sh                          # ten minutes
#   SOAK_SECONDS=90 SKIP_BUILD=1 bench/soak.sh
#
# What runs (all on loopback; every process started here is stopped by its PID, also on Ctrl-C):
# - bench/soak/upstream.py: an OpenAI-compatible mock (python3 ThreadingHTTPServer) answering with
#   the recorded fixtures, and on a fraction of requests 500, 429 with retry-after: 0, a stall of
#   3 s, a stall of 15 s (past LLM_REQUEST_TIMEOUT), or a connection cut mid-answer;
# - the service jar (JVM sized as in deploy/kubernetes: 1 GiB limit, heap 75 % of it), with OpenAI
#   pointed at the mock, the simulator on, LLM_MAX_RETRIES=1, LLM_RETRY_INITIAL_DELAY=0.05,
#   LLM_REQUEST_TIMEOUT=10, the audit file in a temporary directory; GC log in the results;
# - wrk (bench/soak/complete.lua): non-stream llm.complete and /v1/chat/completions, paced;
# - bench/soak/load.py: streams read to the end, streams cancelled after the first chunk, slow
#   bodies and headers, clients that never read a stream, governance violations.
# Then it waits SETTLE_SECONDS (15) after the last client finished, takes a final sample and checks
# (bench/soak/report.py): no request took longer than HANG_SECONDS (90) or never finished;
# llm_active_requests back to 0; descriptors and threads back near their start-of-run values; RSS in
# the last third not above the middle third by more than RSS_MARGIN_PCT (10); the heap still
# referenced after a full GC at the end not above the one before the load by more than LIVE_MARGIN_MIB
# (16); one audit line per governance violation, matched by trace id. Exit 1 when a check fails.
# Results in bench/results/soak-<timestamp>/ (report.md, samples.csv, requests.csv, wrk.txt, logs,
# GC log, class histograms).
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
SOAK_SECONDS=${SOAK_SECONDS:-600}
SAMPLE_SECONDS=${SAMPLE_SECONDS:-10}
SETTLE_SECONDS=${SETTLE_SECONDS:-15}
HANG_SECONDS=${HANG_SECONDS:-90}
GW_PORT=${GW_PORT:-18094}
MOCK_PORT=${MOCK_PORT:-18095}
WRK_CONNECTIONS=${WRK_CONNECTIONS:-8}
WRK_DELAY_MS=${WRK_DELAY_MS:-50}
PIN=${PIN:-1}
OUT=${OUT:-$BENCH_DIR/results/soak-$(date +%Y%m%d-%H%M%S)}
# The recorded OpenAI fixtures: shared/ beside the repository, else the two the kit copied.
FIXTURES=${FIXTURES:-$ROOT/../shared/fixtures/providers/openai}
[[ -d $FIXTURES ]] || FIXTURES=$BENCH_DIR/fixtures/openai
# The JVM sized as in deploy/kubernetes (1 GiB memory limit, -XX:MaxRAMPercentage=75: a 768 MiB heap).
# Pinned to one CPU it picks the Serial collector, as it does in a pod with a 1 GiB limit (below the
# JDK's 1792 MiB "server-class machine"); SERVICE_JVM_OPTS="... -XX:+UseG1GC" runs it with G1.
SERVICE_JVM_OPTS=${SERVICE_JVM_OPTS:--XX:MaxRAM=1g -XX:MaxRAMPercentage=75}
JAR=$ROOT/bootstrap/target/llm-client-service.jar
source "$BENCH_DIR/java-home.sh"
log() { printf '[soak %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

command -v wrk >/dev/null || {
    log "installing wrk with apt-get"
    sudo=; (( EUID == 0 )) || sudo=sudo
    $sudo apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends wrk >/dev/null
}
for tool in python3 curl ss; do command -v $tool >/dev/null || { log "$tool is required"; exit 2; }; done
[[ -f $FIXTURES/chat-stream.sse ]] || { log "fixtures not found at $FIXTURES (set FIXTURES=...)"; exit 2; }
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for port in "$GW_PORT" "$MOCK_PORT"; do port_free "$port" || { log "port $port is busy"; exit 2; }; done

if [[ ${SKIP_BUILD:-0} != 1 || ! -f $JAR ]]; then
    log "building the service jar (package, no tests)"
    (cd "$ROOT" && ./mvnw -q -B -pl bootstrap -am package -DskipTests -Djacoco.skip=true -Dspotbugs.skip=true)
fi

# Service on CPU 0, clients and mock on CPU 1 (as the load benchmark does), when there are 2 cores.
pin() { local cpus=$1; shift; PINNED=("$@"); [[ $PIN == 1 ]] && command -v taskset >/dev/null && (( $(nproc) >= 2 )) && PINNED=(taskset -c "$cpus" "$@"); return 0; }
PIDS=()
SAMPLER=
cleanup() {
    local p i
    [[ -n $SAMPLER ]] && kill "$SAMPLER" 2>/dev/null || true
    for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
    for p in "${PIDS[@]}"; do
        for ((i = 0; i < 100; i++)); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
        kill -0 "$p" 2>/dev/null && kill -KILL "$p" 2>/dev/null || true
    done
    [[ -n ${AUDIT_DIR:-} ]] && rm -rf "$AUDIT_DIR"
    return 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM

pin 1 python3 "$BENCH_DIR/soak/upstream.py" --port "$MOCK_PORT" --fixtures "$FIXTURES"
"${PINNED[@]}" >"$OUT/upstream.log" 2>&1 &
MOCK=$!
PIDS+=("$MOCK")
for ((i = 0; i < 100; i++)); do curl -s -o /dev/null "http://127.0.0.1:$MOCK_PORT/health" && break; sleep 0.1; done

AUDIT_DIR=$(mktemp -d /tmp/llm-soak-audit.XXXXXX)
AUDIT_FILE=$AUDIT_DIR/governance-audit.jsonl
pin 0 env SERVER_PORT="$GW_PORT" SERVER_HOST=127.0.0.1 \
    OPENAI_API_KEY=sk-test-canary-soak OPENAI_BASE_URL="http://127.0.0.1:$MOCK_PORT/v1" \
    ANTHROPIC_API_KEY= GOOGLE_API_KEY= \
    ALLOWED_MODELS=gpt-4.1-mini LLM_DEFAULT_MODEL=gpt-4.1-mini \
    LLM_SIMULATOR_ENABLED=true LLM_SIMULATOR_TTFT_MS=50 LLM_SIMULATOR_INTER_TOKEN_MS=10 \
    LLM_MAX_RETRIES=1 LLM_RETRY_INITIAL_DELAY=0.05 LLM_REQUEST_TIMEOUT=10 \
    LLM_AUDIT_LOG_FILE="$AUDIT_FILE" \
    "$JAVA" $SERVICE_JVM_OPTS "-Xlog:gc:file=$OUT/gc.log:uptime" -jar "$JAR"
# A plain command in the background: $! is the JVM itself (taskset and env exec it).
JVM_START=$(date +%s.%N)
"${PINNED[@]}" >"$OUT/service.log" 2>&1 &
GW=$!
PIDS+=("$GW")
for ((i = 0; i < 300; i++)); do curl -s -o /dev/null "http://127.0.0.1:$GW_PORT/health" && break; sleep 0.1; done
kill -0 "$GW" 2>/dev/null && curl -s -o /dev/null "http://127.0.0.1:$GW_PORT/health" \
    || { log "the service did not start: $(tail -3 "$OUT/service.log")"; exit 1; }
log "service up (pid $GW, port $GW_PORT), mock upstream pid $MOCK (port $MOCK_PORT); results in $OUT"

# One sample: elapsed s, phase, RSS KiB, threads, descriptors, llm_active_requests (summed over
# providers), client connections (sockets on the service's port), upstream connections (sockets to
# the mock), llm_requests_total (summed), the machine's 1-minute load average (it is shared).
T0=$(date +%s.%N)
calc() { awk "BEGIN { printf \"%.${2:-0}f\", $1 }"; }
sample() {
    local phase=$1 now rss threads fds active conns reqs metrics
    now=$(date +%s.%N)
    rss=$(awk '/^VmRSS/{print $2}' "/proc/$GW/status" 2>/dev/null || echo NA)
    threads=$(awk '/^Threads/{print $2}' "/proc/$GW/status" 2>/dev/null || echo NA)
    fds=$(ls "/proc/$GW/fd" 2>/dev/null | wc -l)
    metrics=$(curl -s --max-time 5 "http://127.0.0.1:$GW_PORT/metrics" || true)
    active=$(awk '/^llm_active_requests\{/{s += $NF} END {printf "%d", s}' <<<"$metrics")
    reqs=$(awk '/^llm_requests_total\{/{s += $NF} END {printf "%d", s}' <<<"$metrics")
    conns=$(ss -Htanp 2>/dev/null | awk -v pid="pid=$GW," -v lp=":$GW_PORT" -v up=":$MOCK_PORT" \
        'index($0, pid) && $1 != "LISTEN" { if ($4 ~ lp "$") c++; else if ($5 ~ up "$") u++ } END { print c + 0 "," u + 0 }')
    printf '%s,%s,%s,%s,%s,%s,%s,%s,%s\n' "$(calc "$now - $T0")" "$phase" "$rss" "$threads" "$fds" \
        "$active" "$conns" "$reqs" "$(cut -d' ' -f1 /proc/loadavg)" >>"$OUT/samples.csv"
}
echo "elapsed_s,phase,rss_kib,threads,fds,active_requests,client_conns,upstream_conns,requests_total,loadavg1" >"$OUT/samples.csv"
# What the descriptors are, by kind (sockets, pipes, epoll, files), at the start and at the end.
fd_kinds() { for f in /proc/"$GW"/fd/*; do readlink "$f"; done 2>/dev/null | sed 's/[0-9][0-9]*/N/g' | sort | uniq -c | sort -rn >"$1"; }
# Live heap by class after a full collection (jcmd GC.class_histogram), before the load and at the
# end: what the service holds on to. The first attach starts the JVM's Attach Listener thread, so it
# is done before the start-of-run sample and the thread counts compare like with like.
histogram() { "${JAVA_HOME:+$JAVA_HOME/bin/}jcmd" "$GW" GC.class_histogram >"$1" 2>&1 || log "jcmd failed: $(tail -1 "$1")"; }
histogram "$OUT/histogram-start.txt"
echo idle >"$OUT/phase"
sample start
fd_kinds "$OUT/fds-start.txt"
(
    # every SAMPLE_SECONDS from T0, the phase read from $OUT/phase
    n=1
    while :; do
        delay=$(calc "$T0 + $n * $SAMPLE_SECONDS - $(date +%s.%N)" 3)
        [[ $delay == -* ]] || sleep "$delay"
        sample "$(<"$OUT/phase")"
        n=$((n + 1))
    done
) &
SAMPLER=$!

echo load >"$OUT/phase"
LOAD_START=$(date +%s.%N)
log "load for ${SOAK_SECONDS}s: wrk -c$WRK_CONNECTIONS (delay ${WRK_DELAY_MS} ms) + python lanes"
pin 1 wrk -t1 -c"$WRK_CONNECTIONS" -d"${SOAK_SECONDS}s" --timeout "${HANG_SECONDS}s" \
    -s "$BENCH_DIR/soak/complete.lua" "http://127.0.0.1:$GW_PORT" -- "$WRK_DELAY_MS"
"${PINNED[@]}" >"$OUT/wrk.txt" 2>&1 &
WRK=$!
PIDS+=("$WRK")
pin 1 python3 "$BENCH_DIR/soak/load.py" --port "$GW_PORT" --seconds "$SOAK_SECONDS" --out "$OUT" \
    --hang-seconds "$HANG_SECONDS" ${LOAD_ARGS:-}
"${PINNED[@]}" >"$OUT/load.log" 2>&1 &
LOAD=$!
PIDS+=("$LOAD")
wait "$WRK" || log "wrk exited with $?"
log "wrk done: $(grep SOAKWRK "$OUT/wrk.txt" | cut -c1-200)"
echo drain >"$OUT/phase"
wait "$LOAD" || log "load.py exited with $?"
LOAD_END=$(date +%s.%N)
log "python lanes done: $(tail -1 "$OUT/load.log" | cut -c1-200)"
echo settle >"$OUT/phase"
sleep "$SETTLE_SECONDS"
kill "$SAMPLER" 2>/dev/null || true
wait "$SAMPLER" 2>/dev/null || true
SAMPLER=
sample final
fd_kinds "$OUT/fds-final.txt"
histogram "$OUT/histogram-final.txt"

curl -s "http://127.0.0.1:$GW_PORT/metrics" >"$OUT/metrics.txt" || true
curl -s "http://127.0.0.1:$GW_PORT/health" >"$OUT/health.json" || true
curl -s "http://127.0.0.1:$MOCK_PORT/stats" >"$OUT/upstream-stats.json" || true
cp "$AUDIT_FILE" "$OUT/governance-audit.jsonl"
{
    echo "soak_seconds=$SOAK_SECONDS sample_seconds=$SAMPLE_SECONDS settle_seconds=$SETTLE_SECONDS hang_seconds=$HANG_SECONDS"
    echo "load_start_s=$(calc "$LOAD_START - $T0" 1) load_end_s=$(calc "$LOAD_END - $T0" 1) jvm_started_before_t0_s=$(calc "$T0 - $JVM_START" 1) wrk_connections=$WRK_CONNECTIONS wrk_delay_ms=$WRK_DELAY_MS pin=$PIN"
    echo "java=$("$JAVA" -version 2>&1 | head -1) jvm_opts=$SERVICE_JVM_OPTS"
    echo "machine=$(nproc) cpus, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r), load average at the end $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "commit=$(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo NA)"
} >"$OUT/params.txt"
status=0
python3 "$BENCH_DIR/soak/report.py" "$OUT" || status=$?
log "report: $OUT/report.md"
exit "$status"
