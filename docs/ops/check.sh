#!/usr/bin/env bash
# Validates the operations files with the real tools: promtool (Debian package `prometheus`)
# checks and unit-tests the alert rules, amtool (`prometheus-alertmanager`) checks the
# Alertmanager routing. Installs both from Debian when they are missing and this runs as root
# (about 10 s); fails otherwise. The Grafana dashboard and the metric names used anywhere here
# are checked by the JUnit test OpsFilesTest (bootstrap), part of ./mvnw -B verify.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v promtool >/dev/null || ! command -v amtool >/dev/null; then
    if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
        echo "docs/ops/check.sh: promtool/amtool missing; install the Debian packages prometheus and prometheus-alertmanager" >&2
        exit 1
    fi
    echo "docs/ops/check.sh: installing promtool and amtool from Debian"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        prometheus prometheus-alertmanager >/dev/null
fi

promtool check rules prometheus-alerts.yml
promtool test rules prometheus-alerts.test.yml
amtool check-config alertmanager.yml
