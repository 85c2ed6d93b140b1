#!/usr/bin/env bash
# Run by bench/run.sh (BENCH_AFTER_HOOK) after its cells, while the mock is still up: STREAM_CLIENTS
# (1,000) concurrent streaming clients, each one stream through the paced upstream (34 events,
# 20 ms apart), direct and through the service; the lines go into the kit's ttfb.txt for the report.
set -euo pipefail
: "${OUT:?}" "${GATEWAY_SLOW_URL:?}"
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
n=${STREAM_CLIENTS:-1000}
pin=(); command -v taskset >/dev/null && pin=(taskset -c "${LOADGEN_CPUS:-1}")
for target in "direct-paced-c$n=http://127.0.0.1:${MOCK_PORT:-18081}/slow/v1/chat/completions" \
              "gateway-paced-c$n=$GATEWAY_SLOW_URL"; do
    label=${target%%=*}; url=${target#*=}
    printf '[after-hook] %s: %s concurrent streams\n' "$label" "$n" >&2
    "${pin[@]}" timeout 150 node "$BENCH_DIR/ttfb.mjs" "$url" --label "$label" --seq 5 --conc "$n" --per 1 \
        --max-seconds 120 >>"$OUT/ttfb.txt" 2>&1 || echo "[after-hook] probe failed for $label" >&2
done
