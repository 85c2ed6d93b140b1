#!/usr/bin/env python3
"""Checks and report of bench/soak.sh: reads its results folder, writes report.md there, prints the
summary, exits 1 when a check fails.

Checks (margins from the environment):
  no hang      no python-lane request took longer than HANG_SECONDS or was left unfinished, wrk saw
               no timeout (its --timeout is HANG_SECONDS) and no latency above it
  active       llm_active_requests (summed) is 0 in the final sample
  descriptors  final descriptors <= start + FD_MARGIN (8), not counting the kept-alive connections
               to the upstream (the service keeps up to 256 by design; they are listed); and no
               client connection left open
  threads      final threads <= start + THREAD_MARGIN (8)
  rss          mean RSS of the last three load samples <= mean of the middle three x (1 + RSS_MARGIN_PCT/100)
               (reported with the heap the collector has committed, from the GC log, and the rest)
  live heap    the heap still referenced after a full GC (jcmd GC.class_histogram, without the
               collector's filler arrays) at the end <= before the load + LIVE_MARGIN_MIB (16)
  audit        audit lines == governance violations sent == violations refused, same trace ids
"""
import csv
import json
import os
import re
import sys
from collections import Counter


def env_num(name, default):
    return float(os.environ.get(name, default))


def read(path, default=""):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return default


def main(out):
    fd_margin = int(env_num("FD_MARGIN", 8))
    thread_margin = int(env_num("THREAD_MARGIN", 8))
    rss_margin = env_num("RSS_MARGIN_PCT", 10)
    with open(os.path.join(out, "samples.csv")) as f:
        samples = [dict(r) for r in csv.DictReader(f)]
    for s in samples:
        for k in ("elapsed_s", "rss_kib", "threads", "fds", "active_requests", "client_conns",
                  "upstream_conns", "requests_total"):
            try:
                s[k] = int(float(s[k]))
            except (ValueError, TypeError):
                s[k] = None
    params = dict(kv.split("=", 1) for line in read(os.path.join(out, "params.txt")).splitlines()
                  for kv in ([line] if line.startswith(("java=", "machine=")) else line.split()) if "=" in kv)
    summary = json.loads(read(os.path.join(out, "summary.json"), "{}") or "{}")
    wrk_line = next((l for l in read(os.path.join(out, "wrk.txt")).splitlines() if l.startswith("SOAKWRK")), "")
    wrk = {k: float(v) for k, v in re.findall(r"(\w+)=([-\d.]+)", wrk_line)}
    audit_lines = [l for l in read(os.path.join(out, "governance-audit.jsonl")).splitlines() if l.strip()]
    audited = Counter()
    for line in audit_lines:
        try:
            audited[json.loads(line).get("trace_id")] += 1
        except ValueError:
            audited["<unparseable>"] += 1
    confirmed = Counter(l for l in read(os.path.join(out, "violations.txt")).splitlines() if l)
    upstream = json.loads(read(os.path.join(out, "upstream-stats.json"), "{}") or "{}")
    metrics = read(os.path.join(out, "metrics.txt"))
    health = read(os.path.join(out, "health.json"))

    def metric_sum(name, label_filter=""):
        total = 0.0
        for m in re.finditer(rf"^{name}\{{([^}}]*)\}} ([-\d.eE+]+)$", metrics, re.M):
            if label_filter in m.group(1):
                total += float(m.group(2))
        return total

    errors_by_type = Counter()
    for m in re.finditer(r'^llm_errors_total\{([^}]*)\} ([-\d.eE+]+)$', metrics, re.M):
        t = re.search(r'error_type="([^"]*)"', m.group(1))
        errors_by_type[t.group(1) if t else "?"] += int(float(m.group(2)))
    retries = Counter()
    for m in re.finditer(r'^llm_retries_total\{([^}]*)\} ([-\d.eE+]+)$', metrics, re.M):
        t = re.search(r'reason="([^"]*)"', m.group(1))
        retries[t.group(1) if t else "?"] += int(float(m.group(2)))

    start, final = samples[0], samples[-1]
    load = [s for s in samples if s["phase"] == "load"]
    mid = len(load) // 2
    middle3, last3 = load[max(0, mid - 1): mid + 2], load[-3:]
    mean = lambda rows: sum(r["rss_kib"] for r in rows) / max(1, len(rows))
    rss_mid, rss_last = mean(middle3), mean(last3)

    # Heap after each GC (from the GC log), for the RSS explanation: the mean per third of the load.
    jvm_offset = float(params.get("jvm_started_before_t0_s", 0))
    gcs = []
    for m in re.finditer(r"^\[([\d.]+)s\].*?(Pause \w+|Pause Full).*? (\d+)M->(\d+)M\((\d+)M\)", read(os.path.join(out, "gc.log")), re.M):
        gcs.append((float(m.group(1)) - jvm_offset, m.group(2), int(m.group(3)), int(m.group(4)), int(m.group(5))))
    full_gcs = sum(1 for g in gcs if "Full" in g[1])
    collector = re.search(r"Using (\w+)", read(os.path.join(out, "gc.log")))
    params["collector"] = collector.group(1) if collector else "?"
    for smp in samples:  # the heap as the last collection before the sample left it
        before = [g for g in gcs if g[0] <= smp["elapsed_s"]]
        smp["heap_after_gc"], smp["heap_committed"] = (before[-1][3], before[-1][4]) if before else (None, None)
    heap_mean = lambda rows: sum(r["heap_committed"] or 0 for r in rows) / max(1, len(rows))
    heap_mid, heap_last = heap_mean(middle3), heap_mean(last3)
    nonheap_mid, nonheap_last = rss_mid / 1024 - heap_mid, rss_last / 1024 - heap_last
    load_start = float(params.get("load_start_s", load[0]["elapsed_s"] - 10 if load else 0))
    load_end = load[-1]["elapsed_s"] if load else 0
    third = (load_end - load_start) / 3 if load else 1
    full_in_load = sum(1 for g in gcs if "Full" in g[1] and load_start <= g[0] <= load_end)
    heap_thirds = []
    for i in range(3):
        lo, hi = load_start + i * third, load_start + (i + 1) * third
        after = [g[3] for g in gcs if lo <= g[0] < hi]
        committed = [g[4] for g in gcs if lo <= g[0] < hi]
        heap_thirds.append((len(after), sum(after) / len(after) if after else None, max(committed) if committed else None))

    def histogram(name):
        classes, total = {}, None
        for line in read(os.path.join(out, name)).splitlines():
            m = re.match(r"\s*\d+:\s+(\d+)\s+(\d+)\s+(\S+)", line)
            if m:
                classes[m.group(3)] = int(m.group(2))
            m = re.match(r"Total\s+(\d+)\s+(\d+)", line)
            if m:
                total = int(m.group(2))
        # Filler arrays are dead space the collector left in place (Serial's full GC leaves up to
        # MarkSweepDeadRatio, 5 %, of the old generation uncompacted), not objects anyone holds.
        fillers = sum(v for k, v in classes.items() if "FillerElement" in k)
        classes = {k: v for k, v in classes.items() if "FillerElement" not in k}
        return classes, (total - fillers if total is not None else None)
    (histo_start, live_start), (histo_final, live_final) = histogram("histogram-start.txt"), histogram("histogram-final.txt")
    growth = sorted(((histo_final.get(k, 0) - histo_start.get(k, 0), k) for k in set(histo_start) | set(histo_final)), reverse=True)[:8]
    hangs = summary.get("hangs", 1)
    wrk_timeouts = int(wrk.get("err_timeout", 1))
    wrk_max = wrk.get("max_ms", 0)
    hang_limit = float(params.get("hang_seconds", 90))
    gov_sent = summary.get("governance_sent", -1)
    lost = confirmed - audited
    extra = audited - confirmed
    fds_net = final["fds"] - final["upstream_conns"] - final["client_conns"]
    checks = [
        ("no hang", hangs == 0 and wrk_timeouts == 0 and wrk_max < hang_limit * 1000 and bool(wrk_line),
         f"python lanes: {hangs} requests over {hang_limit:.0f} s or unfinished "
         f"(slowest by lane: {', '.join(f'{k} {v:.1f} s' for k, v in sorted(summary.get('slowest_seconds_by_lane', {}).items()))}); "
         f"wrk: {wrk_timeouts} timeouts, max latency {wrk_max / 1000:.1f} s"),
        ("active requests back to 0", final["active_requests"] == 0,
         f"final llm_active_requests = {final['active_requests']} (highest sampled during the run: "
         f"{max(s['active_requests'] or 0 for s in samples)})"),
        ("descriptors back near start", fds_net <= start["fds"] + fd_margin and final["client_conns"] == 0,
         f"start {start['fds']}, final {final['fds']} = {final['upstream_conns']} kept-alive upstream connections "
         f"+ {final['client_conns']} client connections + {fds_net} others (limit start + {fd_margin}); "
         f"highest sampled {max(s['fds'] for s in samples)}"),
        ("threads back near start", final["threads"] <= start["threads"] + thread_margin,
         f"start {start['threads']}, final {final['threads']} (limit start + {thread_margin}); "
         f"highest sampled {max(s['threads'] for s in samples)}"),
        ("RSS not trending up", bool(load) and rss_last <= rss_mid * (1 + rss_margin / 100),
         f"mean of the middle three load samples {rss_mid / 1024:.0f} MiB, of the last three {rss_last / 1024:.0f} MiB "
         f"({(rss_last / rss_mid - 1) * 100 if rss_mid else 0:+.1f} %, limit +{rss_margin:.0f} %); of which committed heap "
         f"{heap_mid:.0f} -> {heap_last:.0f} MiB, the rest (RSS minus committed heap) {nonheap_mid:.0f} -> {nonheap_last:.0f} MiB"),
        ("one audit line per violation", len(audit_lines) == gov_sent == sum(confirmed.values()) and not lost and not extra,
         f"violations sent {gov_sent}, refused as such {sum(confirmed.values())}, audit lines {len(audit_lines)}, "
         f"lost {sum(lost.values())}, unexpected {sum(extra.values())}; "
         f"llm_governance_violations_total {metric_sum('llm_governance_violations_total'):.0f}"),
    ]
    live_margin = env_num("LIVE_MARGIN_MIB", 16)
    checks.append(("live heap not growing", bool(live_start and live_final) and live_final <= live_start + live_margin * 1048576,
                   f"after a full GC: {(live_start or 0) / 1048576:.1f} MiB before the load, {(live_final or 0) / 1048576:.1f} MiB "
                   f"at the end (limit start + {live_margin:.0f} MiB)"))
    ok = all(c[1] for c in checks)

    def fd_kinds(name):
        kinds = Counter()
        for line in read(os.path.join(out, name)).splitlines():
            n, _, kind = line.strip().partition(" ")
            if n.isdigit():
                kinds[kind] += int(n)
        return kinds
    fds_start, fds_final = fd_kinds("fds-start.txt"), fd_kinds("fds-final.txt")
    fd_changes = {k: fds_final[k] - fds_start[k] for k in set(fds_start) | set(fds_final) if fds_final[k] != fds_start[k]}
    successes = metric_sum("llm_requests_total", 'status="success"')

    lines = [f"# Soak run {os.path.basename(out.rstrip('/'))}", ""]
    lines += [f"- {k}: {v}" for k, v in params.items()]
    lines += ["", "## Checks", "", "| check | outcome | figures |", "|---|---|---|"]
    lines += [f"| {name} | {'PASS' if passed else 'FAIL'} | {detail} |" for name, passed, detail in checks]
    lines += ["", "## Requests", "", "| lane | outcome | count |", "|---|---|---|"]
    for lane, outcomes in sorted(summary.get("by_lane_outcome", {}).items()):
        for outcome, n in sorted(outcomes.items(), key=lambda kv: -kv[1]):
            lines.append(f"| {lane} | {outcome} | {n} |")
    for k, v in sorted(wrk.items()):
        if k.startswith(("rpc_", "v1_")):
            lines.append(f"| wrk (complete) | {k} | {int(v)} |")
    lines += ["", f"wrk: {wrk_line[len('SOAKWRK '):]}", "",
              f"Python lanes: {summary.get('requests')} requests; stopped starting new ones at "
              f"{summary.get('stopped_after_s')} s, last one ended {summary.get('joined_after_s')} s later.", "",
              f"Upstream mock served: {json.dumps(upstream, sort_keys=True)}", "",
              f"Service errors by type (llm_errors_total): {dict(sorted(errors_by_type.items()))}; "
              f"retries by reason: {dict(sorted(retries.items()))}; "
              f"llm_requests_total {metric_sum('llm_requests_total'):.0f} "
              f"(success {successes:.0f}); "
              f"audit write errors {metric_sum('llm_audit_write_errors_total'):.0f}", "",
              f"Descriptor kinds that differ between start and end (final minus start): {dict(sorted(fd_changes.items()))}", "",
              (f"Live heap after a full GC (jcmd GC.class_histogram, filler arrays left out): {live_start / 1048576:.1f} MiB before the load, "
               f"{live_final / 1048576:.1f} MiB at the end; classes that grew most (bytes): "
               + ", ".join(f"{k} {d:+,}" for d, k in growth) if live_start and live_final else "Live heap: no histogram"), "",
              f"Health at the end: {health.strip()[:400]}", "",
              f"GC: {len(gcs)} pauses, {full_gcs} full ({full_in_load} during the load, the others at start-up and for the histograms); heap after GC by third of the load "
              "(collections, mean MiB after, largest committed MiB): "
              + "; ".join(f"{n}, {a:.0f}, {c}" if a is not None else f"{n}, -, -" for n, a, c in heap_thirds), "",
              "## Samples", "",
              "| t (s) | phase | RSS MiB | threads | fds | active | client conns | upstream conns | requests | heap after last GC / committed MiB | load avg |",
              "|---|---|---|---|---|---|---|---|---|---|---|"]
    for s in samples:
        lines.append(f"| {s['elapsed_s']} | {s['phase']} | {(s['rss_kib'] or 0) / 1024:.0f} | {s['threads']} | {s['fds']} | "
                     f"{s['active_requests']} | {s['client_conns']} | {s['upstream_conns']} | {s['requests_total']} | "
                     f"{s['heap_after_gc']} / {s['heap_committed']} | {s.get('loadavg1') or ''} |")
    lines += ["", f"**{'PASS' if ok else 'FAIL'}**", ""]
    with open(os.path.join(out, "report.md"), "w") as f:
        f.write("\n".join(lines))
    for name, passed, detail in checks:
        print(f"{'PASS' if passed else 'FAIL'}  {name}: {detail}")
    print("soak:", "PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
