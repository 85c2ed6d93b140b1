#!/usr/bin/env bash
# Side-by-side latency overhead of LLM gateways over loopback.
# Starts the mock upstream (nginx+njs, :18081), the nginx proxy floor (:18082) and
# Portkey (:8787), runs the same POST through each at fixed concurrencies with wrk,
# then a streaming TTFB probe, prints tables and stops exactly the PIDs it started.
#
#   bench/run.sh                                   # direct, nginx, portkey
#   GATEWAY_URL=http://127.0.0.1:8080/v1/chat/completions bench/run.sh   # + your gateway
#
# Knobs (env): TARGETS CONNECTIONS DURATION WARMUP REPEATS STREAM WRK_THREADS PIN
#   GATEWAY_URL GATEWAY_HEADERS (newline-separated 'Name: value') GATEWAY_SLOW_URL
#   GATEWAY_PID (to report its CPU time per request) OUT (results folder)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DEFAULT_TARGETS="direct nginx portkey"
[[ -n ${GATEWAY_URL:-} ]] && DEFAULT_TARGETS+=" gateway"
TARGETS=${TARGETS:-$DEFAULT_TARGETS}
CONNECTIONS=${CONNECTIONS:-1 32 256}
DURATION=${DURATION:-15}
WARMUP=${WARMUP:-5}
REPEATS=${REPEATS:-2}
STREAM=${STREAM:-1}
TTFB_SEQ=${TTFB_SEQ:-50}
TTFB_CONC=${TTFB_CONC:-16}
TTFB_PER=${TTFB_PER:-10}
# Repository addition: the paced upstream's concurrent phase on its own count (a paced stream takes 0.7 s).
TTFB_PACED_PER=${TTFB_PACED_PER:-$TTFB_PER}
WRK_TIMEOUT=${WRK_TIMEOUT:-10s}
if [[ $PIN == 1 ]]; then WRK_THREADS=${WRK_THREADS:-1}; else WRK_THREADS=${WRK_THREADS:-2}; fi
OUT=${OUT:-$BENCH_DIR/results/$(date +%Y%m%d-%H%M%S)}
RUN_DIR=$OUT/run
mkdir -p "$OUT"

# Hard caps so a typo cannot start an endless loop.
(( DURATION <= 120 && WARMUP <= 60 && REPEATS <= 10 )) || die "DURATION<=120, WARMUP<=60, REPEATS<=10 please"
for t in $TARGETS; do
    case $t in direct|nginx|portkey) ;; gateway) [[ -n ${GATEWAY_URL:-} ]] || die "target 'gateway' needs GATEWAY_URL" ;;
        *) die "unknown target '$t' (direct nginx portkey gateway)" ;; esac
done

bench_ensure_deps
bench_make_run_dir
trap bench_cleanup EXIT
trap 'exit 130' INT TERM

BODY=$OUT/body.json
BODY_STREAM=$OUT/body-stream.json
printf '%s' '{"model":"gpt-4.1-mini","messages":[{"role":"user","content":"Hello!"}]}' >"$BODY"
printf '%s' '{"model":"gpt-4.1-mini","messages":[{"role":"user","content":"Hello!"}],"stream":true}' >"$BODY_STREAM"

start_mock
[[ " $TARGETS " == *" nginx "* ]] && start_proxy
[[ " $TARGETS " == *" portkey "* ]] && start_portkey
PID_MOCK=$(<"$RUN_DIR/mock.pid")

target_url() { # target_url NAME [slow]
    local slow=${2:-}
    case $1 in
        direct) echo "http://127.0.0.1:$MOCK_PORT${slow:+/slow}/v1/chat/completions" ;;
        nginx) echo "http://127.0.0.1:$PROXY_PORT${slow:+/slow}/v1/chat/completions" ;;
        portkey) echo "http://127.0.0.1:$PORTKEY_PORT/v1/chat/completions" ;;
        gateway) if [[ -n $slow ]]; then echo "${GATEWAY_SLOW_URL:-}"; else echo "$GATEWAY_URL"; fi ;;
    esac
}
target_headers() { # newline-separated headers
    case $1 in
        portkey) portkey_headers "${2:+/slow}/v1" ;;
        gateway) printf '%s\n' "${GATEWAY_HEADERS:-}" | sed '/^[[:space:]]*$/d' ;;
    esac
}
target_pid() {
    case $1 in
        direct) echo "$PID_MOCK" ;;
        nginx) cat "$RUN_DIR/proxy.pid" ;;
        portkey) cat "$RUN_DIR/portkey.pid" ;;
        gateway) echo "${GATEWAY_PID:-}" ;;
    esac
}
header_args() { # header_args NAME [slow] -> fills HDR_ARGS for curl/wrk (-H 'x: y')
    HDR_ARGS=()
    local h
    while IFS= read -r h; do [[ -n $h ]] && HDR_ARGS+=(-H "$h"); done < <(target_headers "$@")
}

smoke() { # one plain and one streamed request must look like the fixtures
    local t=$1 url; url=$(target_url "$t"); header_args "$t"
    local plain stream
    plain=$(curl -s --max-time 10 -X POST -H 'Content-Type: application/json' "${HDR_ARGS[@]}" --data-binary @"$BODY" "$url" || true)
    stream=$(curl -s -N --max-time 10 -X POST -H 'Content-Type: application/json' "${HDR_ARGS[@]}" --data-binary @"$BODY_STREAM" "$url" || true)
    if [[ $plain != *'"chat.completion"'* || $plain != *'Hello! How can I assist you today?'* ]]; then
        log "SMOKE FAIL $t (non-stream): ${plain:0:300}"; return 1
    fi
    if [[ $stream != *'data: [DONE]'* ]]; then
        log "SMOKE WARN $t (stream): ${stream:0:300}"; echo "$t stream-smoke-failed" >>"$OUT/notes.txt"
    fi
    log "smoke ok: $t"
}

ACTIVE=()
for t in $TARGETS; do
    if smoke "$t"; then ACTIVE+=("$t"); else echo "$t smoke-failed (skipped)" >>"$OUT/notes.txt"; fi
done
(( ${#ACTIVE[@]} )) || die "no target passed the smoke test"

TSV=$OUT/results.tsv
printf 'repeat\tconns\ttarget\trps\tp50_us\tp90_us\tp99_us\tp999_us\tmax_us\terrors\trequests\ttarget_cpu_us_per_req\tmock_cpu_us_per_req\n' >"$TSV"
TICK_US=$((1000000 / $(getconf CLK_TCK)))

run_wrk() { # run_wrk TARGET CONNS SECONDS LOGFILE
    local t=$1 c=$2 secs=$3 logf=$4 url threads
    url=$(target_url "$t"); header_args "$t"
    threads=$WRK_THREADS; (( threads > c )) && threads=$c
    pin_prefix "$LOADGEN_CPUS"
    "${PIN_PREFIX[@]}" timeout $((secs + 30)) wrk -t"$threads" -c"$c" -d"${secs}s" --timeout "$WRK_TIMEOUT" \
        "${HDR_ARGS[@]}" -s "$BENCH_DIR/wrk/post.lua" "$url" -- "$BODY" >"$logf" 2>&1
}

for ((r = 1; r <= REPEATS; r++)); do
    for c in $CONNECTIONS; do
        for t in "${ACTIVE[@]}"; do
            tag="r$r-c$c-$t"
            log "warm-up $tag (${WARMUP}s)"
            run_wrk "$t" "$c" "$WARMUP" "$OUT/wrk-$tag-warmup.txt" || true
            tpid=$(target_pid "$t")
            cpu0=$(cpu_ticks "$tpid"); m0=$(cpu_ticks "$PID_MOCK")
            log "measure $tag (${DURATION}s)"
            run_wrk "$t" "$c" "$DURATION" "$OUT/wrk-$tag.txt" || log "wrk exited non-zero for $tag"
            cpu1=$(cpu_ticks "$tpid"); m1=$(cpu_ticks "$PID_MOCK")
            line=$(grep '^BENCH ' "$OUT/wrk-$tag.txt" || true)
            if [[ -z $line ]]; then log "no result line for $tag: $(tail -3 "$OUT/wrk-$tag.txt")"; continue; fi
            declare -A v=()
            for kv in ${line#BENCH }; do v[${kv%%=*}]=${kv#*=}; done
            errs=$(( v[err_connect] + v[err_read] + v[err_write] + v[err_timeout] + v[err_status] ))
            req=${v[requests]}
            tcpu=NA; mcpu=NA
            if [[ -n $tpid && $req -gt 0 ]]; then tcpu=$(( (cpu1 - cpu0) * TICK_US / req )); fi
            if [[ $req -gt 0 ]]; then mcpu=$(( (m1 - m0) * TICK_US / req )); fi
            printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$r" "$c" "$t" "${v[rps]}" "${v[p50_us]}" \
                "${v[p90_us]}" "${v[p99_us]}" "${v[p999_us]}" "${v[max_us]}" "$errs" "$req" "$tcpu" "$mcpu" >>"$TSV"
            log "$tag rps=${v[rps]} p50=${v[p50_us]}us p99=${v[p99_us]}us errors=$errs"
            unset v
        done
    done
done

TTFB=$OUT/ttfb.txt
: >"$TTFB"
if [[ $STREAM == 1 ]]; then
    for t in "${ACTIVE[@]}"; do
        for slow in "" slow; do
            url=$(target_url "$t" "$slow")
            [[ -z $url ]] && continue
            hargs=()
            while IFS= read -r h; do [[ -n $h ]] && hargs+=(--header "$h"); done < <(target_headers "$t" "$slow")
            label="$t${slow:+-paced${CHUNK_DELAY_MS}ms}"
            per=$TTFB_PER; [[ -n $slow ]] && per=$TTFB_PACED_PER
            log "streaming probe $label"
            pin_prefix "$LOADGEN_CPUS"
            "${PIN_PREFIX[@]}" timeout 150 node "$BENCH_DIR/ttfb.mjs" "$url" "${hargs[@]}" --label "$label" \
                --seq "$TTFB_SEQ" --conc "$TTFB_CONC" --per "$per" --max-seconds 120 >>"$TTFB" 2>&1 \
                || log "ttfb probe failed for $label"
        done
    done
fi

# Repository addition (bench/run-gateway.sh): more probes while the mock is still up.
if [[ -n ${BENCH_AFTER_HOOK:-} ]]; then
    OUT=$OUT MOCK_PORT=$MOCK_PORT LOADGEN_CPUS=$LOADGEN_CPUS "$BENCH_AFTER_HOOK" || log "after-hook failed"
fi

{
    echo "# Run $(date -Is)"
    echo
    echo "host: $(nproc) cores, $(free -g | awk '/^Mem:/{print $2}') GiB; pinning PIN=$PIN (gateway cpus $GATEWAY_CPUS, wrk+mock cpus $LOADGEN_CPUS/$MOCK_CPUS)"
    echo "wrk -t$WRK_THREADS, ${WARMUP}s warm-up + ${DURATION}s measured per cell, repeats $REPEATS, connections: $CONNECTIONS"
    [[ -s $OUT/notes.txt ]] && { echo; echo "notes:"; sed 's/^/- /' "$OUT/notes.txt"; }
    echo
    node "$BENCH_DIR/report.mjs" "$TSV" "$TTFB"
} | tee "$OUT/report.md"
log "results in $OUT"
