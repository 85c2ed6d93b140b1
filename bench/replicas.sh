#!/usr/bin/env bash
# Three replicas, one set of limits (issue 21, items 6 and 7): three service JVMs behind an nginx
# round-robin balancer, against the kit's mock upstream, once sharing their state through one
# redis-server on loopback (LLM_STATE_URL) and once each with its own in-process state, in
# alternating rounds. Per round and state:
#   (a) OFFERED (600) requests in OFFER_SECONDS (10 s), evenly paced, through the balancer with a
#       key of rpm 100: how many are admitted (shared: 100-102 expected; in process: about 3 x 100)
#       and how many refused with HTTP 429 rate_limit_exceeded (-32007);
#   (b) wrk through the balancer at 32 connections (throughput) and at 1 (p50) with a key whose
#       limits are far above the load (nothing refused: what is measured is the checking and the
#       counting, on Redis or in process: two calls to Redis per request, admit and settle).
# Then medians over the rounds and the ratios shared / in process.
#
#   bench/replicas.sh                        # ROUNDS=2 DURATION=10 PREWARM_SECONDS=20
#   SKIP_BUILD=1 ROUNDS=3 bench/replicas.sh
#   MODES=inprocess ROUNDS=1 bench/replicas.sh  # one state only (the ratios then read n/a)
#   LLM_STATE_TIMEOUT=0.2 bench/replicas.sh      # service settings exported here reach the replicas
#
# CPUs (2-core machine): the three JVMs and Redis share GATEWAY_CPUS (0), the system under test;
# the balancer, the mock and the load generators share LOADGEN_CPUS (1). PIN=0 turns pinning off.
# Results: bench/results/replicas-<timestamp>/ (report.md, results.txt, logs). Needs redis-server
# (apt-get install redis-server), nginx, wrk, node; installs nginx and wrk like the kit when missing.
# shellcheck source-path=SCRIPTDIR
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
ROUNDS=${ROUNDS:-2}
DURATION=${DURATION:-10}
PREWARM_SECONDS=${PREWARM_SECONDS:-20}
OFFERED=${OFFERED:-600}
OFFER_SECONDS=${OFFER_SECONDS:-10}
RPM=${RPM:-100}
read -r -a REPLICA_PORTS <<<"${REPLICA_PORTS:-18091 18092 18093}"
# Which states to run, in this order each round; MODES=inprocess runs without Redis's part.
read -r -a MODES <<<"${MODES:-shared inprocess}"
read -r -a JAVA_ARGS <<<"${JAVA_OPTS:--Xmx1g -XX:+UseG1GC}"
BALANCER_PORT=${BALANCER_PORT:-18095}
JAR=$ROOT/bootstrap/target/llm-client-service.jar
export RUN_DIR=${OUT:-$BENCH_DIR/results/replicas-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$RUN_DIR"
source "$BENCH_DIR/java-home.sh"
source "$BENCH_DIR/lib.sh"
bench_ensure_deps
if ! command -v redis-server >/dev/null || ! command -v redis-cli >/dev/null; then
    die "redis-server and redis-cli are needed: apt-get install redis-server"
fi
# Every process started here is in BENCH_PIDS and ended by PID on exit, however the script ends.
trap bench_cleanup EXIT
trap 'exit 130' INT TERM

if [[ ${SKIP_BUILD:-0} != 1 || ! -f $JAR ]]; then
    log "building the service jar (package, no tests)"
    (cd "$ROOT" && ./mvnw -q -B -pl bootstrap -am package -DskipTests -Djacoco.skip=true -Dspotbugs.skip=true)
fi
for port in "${REPLICA_PORTS[@]}" "$BALANCER_PORT"; do
    port_free "$port" || die "port $port is busy"
done
start_mock

# ---- Redis: a free loopback port, a password, append-only as in deploy/kubernetes/redis.yaml ----
REDIS_PORT=${REDIS_PORT:-16379}
while ! port_free "$REDIS_PORT"; do REDIS_PORT=$((REDIS_PORT + 1)); done
REDIS_PASSWORD=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
mkdir -p "$RUN_DIR/redis"
(umask 077 && cat >"$RUN_DIR/redis/redis.conf" <<CONF
bind 127.0.0.1
port $REDIS_PORT
dir $RUN_DIR/redis
appendonly ${REDIS_APPENDONLY:-yes}
appendfsync everysec
save ""
maxmemory 256mb
maxmemory-policy noeviction
requirepass $REDIS_PASSWORD
CONF
)
start_bg redis "$GATEWAY_CPUS" redis-server "$RUN_DIR/redis/redis.conf"
export REDISCLI_AUTH=$REDIS_PASSWORD
redis() { redis-cli -h 127.0.0.1 -p "$REDIS_PORT" "$@"; }
for ((i = 0; i < 50; i++)); do [[ $(redis ping 2>/dev/null) == PONG ]] && break; sleep 0.1; done
[[ $(redis ping 2>/dev/null) == PONG ]] || die "redis did not come up: $(tail -3 "$RUN_DIR/redis.out.log")"
log "redis $(redis-server --version | sed 's/.*v=\([^ ]*\).*/\1/') on 127.0.0.1:$REDIS_PORT"

# ---- The policy: a key with rpm 100, and a key (and team) with limits far above the load ----
LIMITED_KEY=llmk_test-canary-bench-replicas-limited
FREE_KEY=llmk_test-canary-bench-replicas-unlimited
digest() { printf '%s' "$1" | sha256sum | cut -d' ' -f1; }
cat >"$RUN_DIR/policy.yaml" <<YAML
llm:
  prices:
    gpt-4.1-mini: {input: 0.40, output: 1.60, cached-input: 0.10}
  teams:
    - id: research
      rpm: 100000000
      tpm: 2000000000
      budget: {usd: 1000000, period: monthly}
  keys:
    - id: limited
      sha256: "$(digest "$LIMITED_KEY")"
      rpm: $RPM
    - id: planner-prod
      sha256: "$(digest "$FREE_KEY")"
      team: research
      source-agent: planner
      rpm: 100000000
      tpm: 2000000000
      max-parallel: 100000
      budget: {usd: 1000000, period: daily}
YAML
BODY=$RUN_DIR/body.json
write_chat_body "$BODY"

# ---- The balancer: nginx round-robin over the three replicas, keep-alive, no buffering ----
{
    echo "worker_processes 1;"
    echo "pid $RUN_DIR/balancer.pid;"
    echo "error_log $RUN_DIR/balancer.error.log warn;"
    echo "daemon off;"
    echo "events { worker_connections 8192; }"
    echo "http {"
    echo "    access_log off;"
    for t in client_body proxy fastcgi uwsgi scgi; do echo "    ${t}_temp_path $RUN_DIR/balancer-$t;"; done
    echo "    keepalive_requests 1000000;"
    echo "    upstream replicas {"
    for port in "${REPLICA_PORTS[@]}"; do echo "        server 127.0.0.1:$port;"; done
    echo "        keepalive 256;"
    echo "        keepalive_requests 1000000;"
    echo "    }"
    echo "    server {"
    echo "        listen 127.0.0.1:$BALANCER_PORT backlog=4096;"
    echo "        location / {"
    echo "            proxy_pass http://replicas;"
    echo "            proxy_http_version 1.1;"
    echo "            proxy_set_header Connection \"\";"
    echo "            proxy_buffering off;"
    echo "            proxy_request_buffering off;"
    # A refusal is an answer, not a failed replica: never retry a request on another one.
    echo "            proxy_next_upstream off;"
    echo "        }"
    echo "    }"
    echo "}"
} >"$RUN_DIR/balancer.conf"
nginx -t -q -c "$RUN_DIR/balancer.conf" -p "$RUN_DIR" 2>>"$RUN_DIR/balancer.error.log" \
    || die "balancer config invalid: $(tail -3 "$RUN_DIR/balancer.error.log")"
start_bg balancer "$LOADGEN_CPUS" nginx -c "$RUN_DIR/balancer.conf" -p "$RUN_DIR"
BALANCER=http://127.0.0.1:$BALANCER_PORT

# ---- The paced client of (a): OFFERED requests evenly over OFFER_SECONDS, statuses counted ----
cat >"$RUN_DIR/offer.mjs" <<'JS'
// node offer.mjs URL KEY BODYFILE COUNT SECONDS -> one OFFER line
import { readFileSync } from 'node:fs';
const [url, key, bodyFile, count, seconds] = process.argv.slice(2);
const body = readFileSync(bodyFile, 'utf8');
const n = Number(count), gapMs = Number(seconds) * 1000 / n;
const counts = { admitted: 0, refused_429: 0, rate_limit_exceeded: 0, other: 0 };
const other = {};
const started = performance.now();
const one = async () => {
  try {
    const res = await fetch(url, { method: 'POST', body,
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${key}` } });
    const text = await res.text();
    if (res.status === 200) counts.admitted++;
    else if (res.status === 429) {
      counts.refused_429++;
      try { if (JSON.parse(text).error?.code === 'rate_limit_exceeded') counts.rate_limit_exceeded++; } catch {}
    } else { counts.other++; other[res.status] = (other[res.status] ?? 0) + 1; }
  } catch (e) { counts.other++; other[e.cause?.code ?? e.name] = (other[e.cause?.code ?? e.name] ?? 0) + 1; }
};
const pending = [];
for (let i = 0; i < n; i++) {
  const due = started + i * gapMs;
  const wait = due - performance.now();
  if (wait > 0) await new Promise(r => setTimeout(r, wait));
  pending.push(one());
}
const sentIn = (performance.now() - started) / 1000;
await Promise.all(pending);
const detail = Object.entries(other).map(([k, v]) => `${k}:${v}`).join(',') || '-';
console.log(`OFFER sent=${n} sent_in_s=${sentIn.toFixed(2)} admitted=${counts.admitted} ` +
  `refused_429=${counts.refused_429} rate_limit_exceeded=${counts.rate_limit_exceeded} ` +
  `other=${counts.other} other_detail=${detail}`);
JS

# ---- One round of one state: three fresh JVMs, (a), pre-warm, (b) ----
REPLICA_PIDS=()
start_replicas() { # start_replicas NAME [ENV=VALUE...]
    local name=$1 i port; shift
    REPLICA_PIDS=()
    for i in "${!REPLICA_PORTS[@]}"; do
        port=${REPLICA_PORTS[$i]}
        start_bg "$name-$round-r$i" "$GATEWAY_CPUS" env SERVER_PORT="$port" SERVER_HOST=127.0.0.1 \
            OPENAI_API_KEY=sk-bench-test-key OPENAI_BASE_URL="http://127.0.0.1:$MOCK_PORT/v1" \
            ANTHROPIC_API_KEY= GOOGLE_API_KEY= ALLOWED_MODELS=gpt-4.1-mini LLM_DEFAULT_MODEL=gpt-4.1-mini \
            LLM_MAX_RETRIES=0 LLM_LOG_LEVEL=WARN LLM_MAX_CONCURRENT_REQUESTS=4096 \
            LLM_CONFIG_FILE="$RUN_DIR/policy.yaml" LLM_AUDIT_LOG_FILE="$RUN_DIR/audit-$name-$round-r$i.jsonl" \
            "$@" "$JAVA" "${JAVA_ARGS[@]}" -jar "$JAR"
        REPLICA_PIDS+=("${BENCH_PIDS[-1]}")
    done
    for port in "${REPLICA_PORTS[@]}"; do
        wait_http "http://127.0.0.1:$port/health" 300 \
            || die "replica on $port did not come up: $(tail -3 "$RUN_DIR/$name-$round-r0.out.log")"
    done
}

stop_replicas() {
    local pid i keep=()
    for pid in "${REPLICA_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${REPLICA_PIDS[@]}"; do
        for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
    done
    for pid in "${BENCH_PIDS[@]}"; do [[ " ${REPLICA_PIDS[*]} " == *" $pid "* ]] || keep+=("$pid"); done
    BENCH_PIDS=("${keep[@]}")
    REPLICA_PIDS=()
}

run_round() { # run_round NAME(shared|inprocess)
    local name=$1 env=()
    if [[ $name == shared ]]; then
        # A fresh Redis per round: no window or spend left over from the previous one.
        redis flushall >/dev/null
        env=(LLM_STATE_URL="redis://:$REDIS_PASSWORD@127.0.0.1:$REDIS_PORT/0")
    fi
    start_replicas "$name" "${env[@]}"
    if [[ $name == shared ]]; then
        # A build that ignores LLM_STATE_URL would be measured as in-process: refuse to report it.
        local health
        health=$(curl -s "http://127.0.0.1:${REPLICA_PORTS[0]}/health")
        if [[ $health != *'"name":"state"'* || $health == *'LLM_STATE_URL is not set'* ]]; then
            die "/health shows no shared state: this build does not read LLM_STATE_URL ($health)"
        fi
    fi
    pin_prefix "$LOADGEN_CPUS"
    local url=$BALANCER/v1/chat/completions
    "${PIN_PREFIX[@]}" node "$RUN_DIR/offer.mjs" "$url" "$LIMITED_KEY" "$BODY" "$OFFERED" "$OFFER_SECONDS" \
        | sed "s/^OFFER/OFFER target=$name round=$round/" | tee -a "$RUN_DIR/results.txt"
    "${PIN_PREFIX[@]}" wrk -t1 -c32 -d"${PREWARM_SECONDS}s" -H "Authorization: Bearer $FREE_KEY" \
        -s "$BENCH_DIR/wrk/post.lua" "$url" -- "$BODY" >/dev/null 2>&1 || true
    local c before after
    [[ $name == shared ]] && before=$(evalsha_calls)
    for c in 32 1; do
        "${PIN_PREFIX[@]}" wrk -t1 -c"$c" -d"${DURATION}s" --latency -H "Authorization: Bearer $FREE_KEY" \
            -s "$BENCH_DIR/wrk/post.lua" "$url" -- "$BODY" | grep '^BENCH' \
            | sed "s/^BENCH/BENCH target=$name round=$round c=$c/" | tee -a "$RUN_DIR/results.txt"
    done
    if [[ $name == shared ]]; then
        # A replica that fell back to its own memory (state errors, fail-open) admits on its own:
        # say so beside the counts.
        local port errors=0 fallback=0
        for port in "${REPLICA_PORTS[@]}"; do
            errors=$((errors + $(state_series "$port" llm_state_errors_total)))
            fallback=$((fallback + $(state_series "$port" llm_state_fallback_active)))
        done
        echo "STATE round=$round errors=$errors replicas_in_fallback=$fallback" | tee -a "$RUN_DIR/results.txt"
        after=$(evalsha_calls)
        local requests
        requests=$(grep "target=shared round=$round c=" "$RUN_DIR/results.txt" | grep -o 'requests=[0-9]*' \
            | cut -d= -f2 | awk '{ s += $1 } END { print s }')
        echo "REDIS round=$round evalsha=$((after - before)) requests=$requests" | tee -a "$RUN_DIR/results.txt"
    fi
    stop_replicas
}

# state_series PORT NAME -> the sum of a series' samples on one replica (0 when absent)
state_series() {
    curl -s "http://127.0.0.1:$1/metrics" | awk -v n="$2" '$1 == n || index($1, n "{") == 1 { s += $NF } END { printf "%d", s }'
}

# Scripts run on Redis so far (INFO commandstats: cmdstat_evalsha:calls=N,...).
evalsha_calls() { redis info commandstats | tr -d '\r' | sed -n 's/^cmdstat_evalsha:calls=\([0-9]*\),.*/\1/p' | grep . || echo 0; }

for ((round = 1; round <= ROUNDS; round++)); do
    for mode in "${MODES[@]}"; do
        run_round "$mode"
    done
done

# ---- Report: medians over the rounds, ratios shared / in process ----
# field NAME LINE -> the value of NAME=... in a result line
field() { tr ' ' '\n' <<<"$2" | sed -n "s/^$1=//p"; }
median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
values() { # values PATTERN FIELD -> one value per matching line
    { grep "$1" "$RUN_DIR/results.txt" || true; } | while read -r l; do field "$2" "$l"; done
}
{
    echo "## Three replicas behind nginx round-robin, key with rpm $RPM offered $OFFERED requests in ${OFFER_SECONDS} s"
    echo
    echo "| state | round | admitted (200) | refused 429 | of which rate_limit_exceeded | other |"
    echo "|---|---|---|---|---|---|"
    { grep '^OFFER' "$RUN_DIR/results.txt" || true; } | while read -r l; do
        echo "| $(field target "$l") | $(field round "$l") | $(field admitted "$l") | $(field refused_429 "$l") |" \
            "$(field rate_limit_exceeded "$l") | $(field other "$l") $(field other_detail "$l") |"
    done
    echo
    echo "## Throughput and latency through the balancer (medians of $ROUNDS rounds, ${DURATION} s each)"
    echo
    echo "| state | c | rps | p50 µs | p99 µs | non-2xx |"
    echo "|---|---|---|---|---|---|"
    for target in shared inprocess; do
        for c in 32 1; do
            echo "| $target | $c | $(values "BENCH target=$target .* c=$c " rps | median) |" \
                "$(values "BENCH target=$target .* c=$c " p50_us | median) |" \
                "$(values "BENCH target=$target .* c=$c " p99_us | median) |" \
                "$(values "BENCH target=$target .* c=$c " err_status | awk '{ s += $1 } END { print s + 0 }') |"
        done
    done
    rps_s=$(values "BENCH target=shared .* c=32 " rps | median)
    rps_i=$(values "BENCH target=inprocess .* c=32 " rps | median)
    p50_s=$(values "BENCH target=shared .* c=1 " p50_us | median)
    p50_i=$(values "BENCH target=inprocess .* c=1 " p50_us | median)
    echo
    awk -v rs="$rps_s" -v ri="$rps_i" -v ps="$p50_s" -v pi="$p50_i" 'BEGIN {
        if (rs + 0 == 0 || ri + 0 == 0 || ps + 0 == 0 || pi + 0 == 0) { print "- ratios: n/a (both states are needed)"; exit }
        printf "- throughput at 32 connections, shared / in process: %.2f (bar: at least 0.80)\n", rs / ri
        printf "- p50 at 1 connection, shared - in process: %+d µs (bar: within 150 µs); ratio %.2f\n", ps - pi, ps / pi
    }'
    { grep '^STATE' "$RUN_DIR/results.txt" || true; } | while read -r l; do
        echo "- shared state, round $(field round "$l"): $(field errors "$l") failed calls to Redis" \
            "(llm_state_errors_total), $(field replicas_in_fallback "$l") replicas in fail-open fallback at the end"
    done
    { grep '^REDIS' "$RUN_DIR/results.txt" || true; } | while read -r l; do
        awk -v e="$(field evalsha "$l")" -v r="$(field requests "$l")" -v n="$(field round "$l")" \
            'BEGIN { if (r > 0) printf "- Redis scripts per request, round %s: %.2f (%d EVALSHA for %d requests)\n", n, e / r, e, r }'
    done
    echo "- redis keys after the run: $(redis dbsize)"
} | tee "$RUN_DIR/report.md"
log "results in $RUN_DIR"
