# Shared helpers for bench/run.sh and bench/start.sh. Source it; do not run it.
# Every process started here is recorded by PID and ended by PID in bench_cleanup.

BENCH_DIR=${BENCH_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}
# In this repository the two fixtures the mock serves are copied into bench/fixtures/openai.
if [[ -z ${FIXTURES:-} ]]; then
    for FIXTURES in "$BENCH_DIR/fixtures/openai" "$BENCH_DIR/../shared/fixtures/providers/openai"; do
        [[ -d $FIXTURES ]] && break
    done
fi
MOCK_PORT=${MOCK_PORT:-18081}
PROXY_PORT=${PROXY_PORT:-18082}
PORTKEY_PORT=${PORTKEY_PORT:-8787}
MOCK_WORKERS=${MOCK_WORKERS:-1}
PROXY_WORKERS=${PROXY_WORKERS:-1}
CHUNK_DELAY_MS=${CHUNK_DELAY_MS:-20}
PORTKEY_VERSION=${PORTKEY_VERSION:-1.15.2}
# CPU pinning (2-core machine): the system under test gets a core of its own,
# the load generator and the (cheap) mock share the other. PIN=0 turns it off.
PIN=${PIN:-1}
GATEWAY_CPUS=${GATEWAY_CPUS:-0}
LOADGEN_CPUS=${LOADGEN_CPUS:-1}
MOCK_CPUS=${MOCK_CPUS:-1}

BENCH_PIDS=()
RUN_DIR=${RUN_DIR:-}

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

pin_prefix() { # pin_prefix CPUS -> sets PIN_PREFIX=(taskset -c CPUS) or () when pinning is off
    PIN_PREFIX=()
    if [[ $PIN == 1 && -n $1 ]] && command -v taskset >/dev/null && (( $(nproc) >= 2 )); then
        PIN_PREFIX=(taskset -c "$1")
    fi
}

bench_ensure_deps() {
    local need=()
    command -v nginx >/dev/null || need+=(nginx-light)
    [[ -f /usr/lib/nginx/modules/ngx_http_js_module.so ]] || need+=(libnginx-mod-http-js)
    command -v wrk >/dev/null || need+=(wrk)
    command -v curl >/dev/null || need+=(curl)
    command -v taskset >/dev/null || need+=(util-linux)
    if (( ${#need[@]} )); then
        log "installing with apt-get: ${need[*]}"
        local sudo=; (( EUID == 0 )) || sudo=sudo  # root (CI containers) has no sudo
        $sudo apt-get update -q >/dev/null
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null \
            || die "apt-get install ${need[*]} failed"
    fi
    command -v node >/dev/null || die "node is required (for Portkey and the TTFB probe)"
    [[ -d $FIXTURES ]] || die "fixtures not found at $FIXTURES (set FIXTURES=...)"
}

bench_ensure_portkey() {
    local bin=$BENCH_DIR/peers/node_modules/@portkey-ai/gateway/build/start-server.js
    if [[ ! -f $bin ]]; then
        log "installing @portkey-ai/gateway@$PORTKEY_VERSION into $BENCH_DIR/peers"
        (cd "$BENCH_DIR/peers" && npm install --no-audit --no-fund --loglevel=error >/dev/null) \
            || die "npm install of @portkey-ai/gateway failed"
    fi
    [[ -f $bin ]] || die "Portkey entry point missing: $bin"
}

bench_make_run_dir() {
    if [[ -z $RUN_DIR ]]; then
        RUN_DIR=$(mktemp -d /tmp/llm-gw-bench.XXXXXX)
    fi
    mkdir -p "$RUN_DIR"
}

# nginx quoted-string escaping for `return 200 '...'`: \ and ' are escaped.
nginx_quote() { sed -e 's/\\/\\\\/g' -e "s/'/\\\\'/g" "$1"; }

render() { # render TEMPLATE OUT key=value...
    local tmpl=$1 out=$2; shift 2
    local content; content=$(<"$tmpl")
    local kv key val
    for kv in "$@"; do
        key=${kv%%=*}; val=${kv#*=}
        content=${content//@${key}@/$val}
    done
    printf '%s\n' "$content" >"$out"
}

wait_http() { # wait_http URL [tries] -> 0 when any HTTP answer comes back
    local url=$1 tries=${2:-100} i
    for ((i = 0; i < tries; i++)); do
        if curl -s -o /dev/null --max-time 1 "$url"; then return 0; fi
        sleep 0.1
    done
    return 1
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start_bg() { # start_bg NAME CPUS cmd... ; appends PID to BENCH_PIDS
    local name=$1 cpus=$2; shift 2
    pin_prefix "$cpus"
    # A plain simple command in the background: $! is the server's own PID
    # (taskset execs it), so cleanup can end exactly that process.
    "${PIN_PREFIX[@]}" "$@" >"$RUN_DIR/$name.out.log" 2>&1 &
    local pid=$!
    BENCH_PIDS+=("$pid")
    echo "$pid" >"$RUN_DIR/$name.pid"
    log "started $name (pid $pid, cpus ${cpus:-any}, log $RUN_DIR/$name.out.log)"
}

start_mock() {
    port_free "$MOCK_PORT" || die "port $MOCK_PORT is busy (another mock running?)"
    grep -q '\$' "$FIXTURES/chat-response.json" \
        && die "fixtures contain '\$', which nginx would read as a variable"
    render "$BENCH_DIR/upstream/mock.js.tmpl" "$RUN_DIR/mock.js" "FIXTURES=$FIXTURES"
    render "$BENCH_DIR/upstream/nginx.conf.tmpl" "$RUN_DIR/mock-nginx.conf" \
        "RUN_DIR=$RUN_DIR" "PORT=$MOCK_PORT" "WORKERS=$MOCK_WORKERS" "CHUNK_DELAY_MS=$CHUNK_DELAY_MS" \
        "JSON_INLINE=$(nginx_quote "$FIXTURES/chat-response.json")"
    nginx -t -q -c "$RUN_DIR/mock-nginx.conf" -p "$RUN_DIR" 2>>"$RUN_DIR/mock-nginx.error.log" \
        || die "mock nginx config invalid: $(tail -3 "$RUN_DIR/mock-nginx.error.log")"
    start_bg mock "$MOCK_CPUS" nginx -c "$RUN_DIR/mock-nginx.conf" -p "$RUN_DIR"
    wait_http "http://127.0.0.1:$MOCK_PORT/health" || die "mock did not come up"
}

start_proxy() {
    port_free "$PROXY_PORT" || die "port $PROXY_PORT is busy"
    render "$BENCH_DIR/proxy/nginx.conf.tmpl" "$RUN_DIR/proxy-nginx.conf" \
        "RUN_DIR=$RUN_DIR" "PORT=$PROXY_PORT" "UPSTREAM_PORT=$MOCK_PORT" "WORKERS=$PROXY_WORKERS"
    start_bg proxy "$GATEWAY_CPUS" nginx -c "$RUN_DIR/proxy-nginx.conf" -p "$RUN_DIR"
    wait_http "http://127.0.0.1:$PROXY_PORT/health" || die "nginx proxy did not come up"
}

start_portkey() {
    bench_ensure_portkey
    port_free "$PORTKEY_PORT" || die "port $PORTKEY_PORT is busy"
    # --headless: no UI routes; NODE_ENV=production: no dev log streaming.
    NODE_ENV=production start_bg portkey "$GATEWAY_CPUS" \
        node "$BENCH_DIR/peers/node_modules/@portkey-ai/gateway/build/start-server.js" \
        --port="$PORTKEY_PORT" --headless
    wait_http "http://127.0.0.1:$PORTKEY_PORT/" 150 || die "portkey did not come up: $(tail -5 "$RUN_DIR/portkey.out.log")"
}

# Headers that make Portkey call our mock as an OpenAI provider (verified in its
# source: x-portkey-custom-host overrides the provider base URL; 127.0.0.1 is in
# its default TRUSTED_CUSTOM_HOSTS list, so its SSRF guard lets it through).
portkey_headers() { # portkey_headers [base-path]
    local base=${1:-/v1}
    printf '%s\n' "x-portkey-provider: openai" \
        "x-portkey-custom-host: http://127.0.0.1:$MOCK_PORT$base" \
        "Authorization: Bearer sk-bench-not-a-real-key"
}

bench_cleanup() {
    local pid i
    for pid in "${BENCH_PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${BENCH_PIDS[@]}"; do
        for ((i = 0; i < 50; i++)); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        if kill -0 "$pid" 2>/dev/null; then
            log "pid $pid did not stop on TERM; sending KILL"
            kill -KILL "$pid" 2>/dev/null || true
        fi
    done
    (( ${#BENCH_PIDS[@]} )) && log "stopped pids: ${BENCH_PIDS[*]}"
    BENCH_PIDS=()
}

# CPU time (user+sys, in clock ticks) of a process and its direct children
# (nginx master + workers). Used to report CPU microseconds per request.
cpu_ticks() {
    local pid=$1 total=0 p f
    [[ -z $pid ]] && { echo 0; return; }
    for p in "$pid" $(ps -o pid= --ppid "$pid" 2>/dev/null); do
        f=/proc/$p/stat
        [[ -r $f ]] || continue
        # fields after the ')' : utime is 14th overall, stime 15th.
        read -r -a s < <(sed 's/^.*) //' "$f")
        total=$((total + s[11] + s[12]))
    done
    echo "$total"
}

# write_chat_body FILE: the non-streamed chat request every load script sends (the kit's body).
write_chat_body() { printf '%s' '{"model":"gpt-4.1-mini","messages":[{"role":"user","content":"Hello!"}]}' >"$1"; }

# bench_with_mock: how a script that measures builds against the kit's mock begins, RUN_DIR set:
# the run folder made, the tools installed, all it starts stopped on exit (the trap comes first,
# so a failing start leaves nothing running), then the mock up.
bench_with_mock() {
    bench_make_run_dir
    bench_ensure_deps
    trap bench_cleanup EXIT
    start_mock
}

# start_service NAME JAR [VAR=VALUE...] -> PID in SERVICE_PID: the service on GW_PORT, pinned to
# GATEWAY_CPUS, against the mock (OpenAI only, no retries, WARN logs, audit in RUN_DIR), with the
# extra environment given; JVM options from the array SERVICE_JAVA_OPTS. Waits for /health. Listed
# in BENCH_PIDS, so that bench_cleanup stops it too when a script ends before stopping it itself.
start_service() {
    local name=$1 jar=$2; shift 2
    local opts=("${SERVICE_JAVA_OPTS[@]+"${SERVICE_JAVA_OPTS[@]}"}")
    pin_prefix "$GATEWAY_CPUS"
    env SERVER_PORT="$GW_PORT" SERVER_HOST=127.0.0.1 OPENAI_API_KEY=sk-bench-test-key \
        OPENAI_BASE_URL="http://127.0.0.1:$MOCK_PORT/v1" ANTHROPIC_API_KEY= GOOGLE_API_KEY= \
        ALLOWED_MODELS=gpt-4.1-mini LLM_DEFAULT_MODEL=gpt-4.1-mini LLM_MAX_RETRIES=0 LLM_LOG_LEVEL=WARN \
        LLM_MAX_CONCURRENT_REQUESTS=4096 LLM_AUDIT_LOG_FILE="$RUN_DIR/audit-$name.jsonl" "$@" \
        "${PIN_PREFIX[@]}" "$JAVA" "${opts[@]+"${opts[@]}"}" -jar "$jar" >"$RUN_DIR/$name.log" 2>&1 &
    SERVICE_PID=$!
    BENCH_PIDS+=("$SERVICE_PID")
    wait_http "http://127.0.0.1:$GW_PORT/health" 200 || die "$name did not come up: $(tail -3 "$RUN_DIR/$name.log")"
}

# measure_service NAME BODY [wrk args...]: pre-warms the service on GW_PORT for PREWARM_SECONDS
# at 32 connections (not recorded), then wrk at 1 and 32 connections for DURATION seconds from
# LOADGEN_CPUS; appends "BENCH target=NAME c=N ..." lines to RUN_DIR/results.txt.
measure_service() {
    local name=$1 body=$2; shift 2
    local url=http://127.0.0.1:$GW_PORT/v1/chat/completions c
    pin_prefix "$LOADGEN_CPUS"
    "${PIN_PREFIX[@]}" wrk -t1 -c32 -d"${PREWARM_SECONDS}s" "$@" -s "$BENCH_DIR/wrk/post.lua" "$url" -- "$body" \
        >/dev/null 2>&1 || true
    for c in 1 32; do
        wrk_cell "$RUN_DIR/results.txt" "BENCH target=$name c=$c" "$c" "$url" "$body" "$@"
    done
}

# wrk_cell FILE LABEL CONNECTIONS URL BODY [wrk args...]: one measured cell of DURATION seconds from
# LOADGEN_CPUS; its BENCH line, prefixed by LABEL in place of "BENCH", is printed and appended to FILE.
wrk_cell() {
    local file=$1 label=$2 c=$3 url=$4 body=$5; shift 5
    pin_prefix "$LOADGEN_CPUS"
    "${PIN_PREFIX[@]}" wrk -t1 -c"$c" -d"${DURATION}s" --latency "$@" -s "$BENCH_DIR/wrk/post.lua" "$url" \
        -- "$body" | grep '^BENCH' | sed "s/^BENCH/$label/" | tee -a "$file"
}

# field NAME LINE -> the value of NAME=... in a BENCH line; median: of the numbers on stdin.
field() { tr ' ' '\n' <<<"$2" | sed -n "s/^$1=//p"; }
median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
