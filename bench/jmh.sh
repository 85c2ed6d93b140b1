#!/usr/bin/env bash
# JMH micro-benchmarks of the per-request work the service adds (issue 11), with allocation per op.
#   bench/jmh.sh                      # all benchmarks, short runs: -f1 -wi 3 -i 5 -prof gc
#   bench/jmh.sh StreamBenchmark -i 10  # any JMH arguments (a benchmark regexp first)
# Builds the `benchmarks` module with -Pbench (never part of the default build), then runs JMH
# from its class path. Pinned to CPU 0 when taskset exists (JMH_CPUS to change).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
source "$ROOT/bench/java-home.sh"
./mvnw -q -B -Pbench -pl benchmarks -am package -DskipTests -Djacoco.skip=true -Dspotbugs.skip=true
CP=benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)
ARGS=("$@")
(( ${#ARGS[@]} )) || ARGS=(-f1 -wi 3 -w 1s -i 5 -r 1s -prof gc)
PIN=()
if command -v taskset >/dev/null && [[ ${JMH_CPUS:-0} != none ]]; then PIN=(taskset -c "${JMH_CPUS:-0}"); fi
exec "${PIN[@]}" "$JAVA" -cp "$CP" org.openjdk.jmh.Main "${ARGS[@]}"
