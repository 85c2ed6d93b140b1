#!/usr/bin/env bash
# Weekly, CI-able regression check of the gateway's cost (issue 11, item 6). Not part of
# `./mvnw verify`. Runs a reduced loopback benchmark (bench/run-gateway.sh: direct, nginx,
# gateway at 1 and 32 connections, three interleaved repeats of 5 s cells, no Portkey, no
# 1,000-stream check), then compares the gateway's ratios (medians over the repeats: p50 at one
# connection to nginx's hop, p99 and throughput at 32 connections to `direct`)
# with bench/weekly-baseline.env and fails (exit 1) when one regressed by more than
# ALLOWED_REGRESSION (default 1.0: the ratio doubled, or halved for throughput). Why so wide: on the 2-core VM of
# 2026-12-02 three runs of one build in ten minutes, with 3 s cells and one repeat, gave a c=32
# p99 ratio of 3.3, 66.8 and 3.2 against 1.9 in the baseline run, and a c=1 p50 ratio of 4.2,
# 2.9 and 7.8 (docs/benchmarks/llm-performance.md). It catches a regression like session 1's
# metrics lookup (5x), not noise.
#
#   bench/weekly-check.sh                  # exit 0: within the baseline; 1: regressed; 2: no result
#   ALLOWED_REGRESSION=0.5 bench/weekly-check.sh
#
# Ratios, not absolute numbers, so a slower CI machine does not fail it by itself; still, run it
# on the same kind of machine each week (2 cores, the kit's pinning) and update the baseline
# file on purpose, in a commit that says why.
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ALLOWED_REGRESSION=${ALLOWED_REGRESSION:-1.0}
source "$BENCH_DIR/weekly-baseline.env"
export OUT=${OUT:-$BENCH_DIR/results/weekly-$(date +%Y%m%d-%H%M%S)}
export CONNECTIONS="1 32" DURATION=${DURATION:-5} WARMUP=${WARMUP:-2} REPEATS=${REPEATS:-3}
export STREAM=0 STREAM_CLIENTS=0 BENCH_AFTER_HOOK=
"$BENCH_DIR/run-gateway.sh" >/dev/null

TSV=$OUT/results.tsv
[[ -s $TSV ]] || { echo "weekly-check: no results in $TSV" >&2; exit 2; }
# value TARGET CONNS COLUMN -> the median over repeats of a results.tsv column (a median, so that one
# cell with a transient stall does not decide the verdict alone)
value() {
    awk -F'\t' -v t="$1" -v c="$2" -v col="$3" 'NR == 1 { for (i = 1; i <= NF; i++) idx[$i] = i; next }
        $3 == t && $2 == c { print $(idx[col]) }' "$TSV" | sort -g |
        awk '{ v[NR] = $1 } END { if (!NR) print "NA"; else if (NR % 2) printf "%.6f", v[(NR + 1) / 2];
              else printf "%.6f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
fail=0
# check NAME MEASURED BASELINE DIRECTION(higher-is-worse|lower-is-worse)
check() {
    local name=$1 measured=$2 baseline=$3 direction=$4 verdict
    if [[ $measured == NA ]]; then echo "FAIL $name: no measurement"; fail=1; return; fi
    verdict=$(awk -v m="$measured" -v b="$baseline" -v a="$ALLOWED_REGRESSION" -v d="$direction" 'BEGIN {
        if (d == "higher-is-worse") print (m > b * (1 + a)) ? "FAIL" : "ok"; else print (m * (1 + a) < b) ? "FAIL" : "ok" }')
    printf '%-4s %-34s measured %-10s baseline %-10s (allowed %s %s%%)\n' "$verdict" "$name" "$measured" "$baseline" \
        "$([[ $direction == higher-is-worse ]] && echo +|| echo -)" \
        "$(awk -v a="$ALLOWED_REGRESSION" -v d="$direction" 'BEGIN { printf "%.0f", d == "higher-is-worse" ? a * 100 : 100 - 100 / (1 + a) }')"
    [[ $verdict == ok ]] || fail=1
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "NA" || b == "NA" || b == 0) print "NA"; else printf "%.3f", a / b }'; }
d1=$(value direct 1 p50_us); g1=$(value gateway 1 p50_us); n1=$(value nginx 1 p50_us)
d32r=$(value direct 32 rps); g32r=$(value gateway 32 rps)
d32p=$(value direct 32 p99_us); g32p=$(value gateway 32 p99_us)
errors=$(awk -F'\t' 'NR > 1 && $3 == "gateway" { e += $10 } END { print e + 0 }' "$TSV")
check "p50 ratio gateway/nginx, c=1" "$(ratio "$g1" "$n1")" "$BASELINE_P50_RATIO_C1_NGINX" higher-is-worse
check "p99 ratio gateway/direct, c=32" "$(ratio "$g32p" "$d32p")" "$BASELINE_P99_RATIO_C32" higher-is-worse
check "RPS ratio gateway/direct, c=32" "$(ratio "$g32r" "$d32r")" "$BASELINE_RPS_RATIO_C32" lower-is-worse
echo "info p50 ratios to direct at c=1: gateway $(ratio "$g1" "$d1"), nginx $(ratio "$n1" "$d1") (the machine's wake-ups, not checked)"
if (( errors > 0 )); then echo "FAIL gateway errors: $errors"; fail=1; fi
echo "results: $OUT"
exit "$fail"
