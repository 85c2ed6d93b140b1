#!/usr/bin/env python3
"""The python lanes of bench/soak.sh's mixed traffic (standard library only, loopback only).

Each lane is a few threads that loop until --seconds have passed, one request at a time on a
connection of their own (`Connection: close`), and record every request: lane, variant, outcome,
duration. When the time is up no request is started any more; each thread ends the one it is in
(every socket read has a --read-timeout), and the threads still running --join-seconds later are
reported as unfinished.

Lanes (threads each: --LANE-threads):
  stream   streams read to the end: llm.stream and /v1 stream: true, to gpt-4.1-mini (the
           misbehaving upstream) and sim-fast (the simulator), in turn
  cancel   the same streams, the socket closed by the client after the first content chunk
           (every other one with a reset: SO_LINGER 0)
  slow     slow clients: a body trickled one byte a second from its first byte (past
           LLM_REQUEST_READ_TIMEOUT: 408 expected), a body whose last 5 bytes are trickled (it
           arrives within the deadline: an answer expected), request headers trickled one byte a
           second (the connection closed without an answer expected)
  noread   a stream asked for (a long one: `soak:big` in the prompt) on a socket with a 4 KiB
           receive buffer that is then not read for --noread-hold seconds; then read to its end.
           The service's write blocks, and it should cut the stream after its write limit
  gov      governance violations (a model not allowed: gpt-5, or one outside the catalog) on both
           surfaces, streamed and not, and inside a JSON-RPC batch; each with its own trace id
           (X-Trace-Id or params.trace_id), so that the audit file can be matched line by line

Writes into --out: requests.csv (every request), summary.json (counts and the checks' inputs),
violations.txt (trace ids of the violations the service confirmed with its refusal).
"""
import argparse
import csv
import itertools
import json
import os
import select
import socket
import struct
import threading
import time

ARGS = None
RECORDS = []
RECORDS_LOCK = threading.Lock()
VIOLATIONS = []  # trace ids confirmed by a refusal
GOV_SENT = [0]
STOP = threading.Event()
COUNTER = itertools.count()


class Closed(Exception):
    """The server closed the connection before a complete answer."""


def record(lane, variant, outcome, started):
    with RECORDS_LOCK:
        RECORDS.append((lane, variant, outcome, round(time.monotonic() - started, 3),
                        round(started - T0, 3)))


def connect(rcvbuf=None):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if rcvbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.settimeout(ARGS.read_timeout)
    s.connect(("127.0.0.1", ARGS.port))
    return s


def request_bytes(path, body, headers=None):
    h = {"Host": f"127.0.0.1:{ARGS.port}", "Content-Type": "application/json",
         "Content-Length": str(len(body)), "Connection": "close"}
    h.update(headers or {})
    head = f"POST {path} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in h.items()) + "\r\n"
    return head.encode(), body


class Response:
    """An HTTP/1.1 response read from a socket: head first, then the body piece by piece."""

    def __init__(self, sock):
        self.sock = sock
        self.buf = b""
        while b"\r\n\r\n" not in self.buf:
            self.fill()
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        self.status = int(lines[0].split()[1])
        self.headers = {}
        for line in lines[1:]:
            k, _, v = line.partition(":")
            self.headers[k.strip().lower()] = v.strip()
        self.chunked = self.headers.get("transfer-encoding", "").lower() == "chunked"
        self.length = int(self.headers["content-length"]) if "content-length" in self.headers else None

    def fill(self):
        data = self.sock.recv(65536)
        if not data:
            raise Closed()
        self.buf += data

    def pieces(self):
        """Yields the body's bytes as they come; raises Closed when it is cut short."""
        if self.chunked:
            while True:
                while b"\r\n" not in self.buf:
                    self.fill()
                line, self.buf = self.buf.split(b"\r\n", 1)
                size = int(line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    return
                while len(self.buf) < size + 2:
                    self.fill()
                yield self.buf[:size]
                self.buf = self.buf[size + 2:]
        elif self.length is not None:
            got = 0
            while got < self.length:
                if not self.buf:
                    self.fill()
                piece, self.buf = self.buf[: self.length - got], self.buf[self.length - got:]
                got += len(piece)
                yield piece
        else:
            while True:
                if self.buf:
                    piece, self.buf = self.buf, b""
                    yield piece
                try:
                    self.fill()
                except Closed:
                    return

    def body(self):
        return b"".join(self.pieces())


def rpc_outcome(body):
    try:
        doc = json.loads(body)
    except ValueError:
        return "rpc_unparseable"
    if isinstance(doc, list):
        return "rpc_batch"
    if "error" in doc:
        return f"rpc_err{-doc['error'].get('code', 0)}"
    return "rpc_ok"


def stream_body(surface, model, prompt, trace=None, include_usage=False):
    messages = [{"role": "user", "content": prompt}]
    if surface == "rpc":
        params = {"model": model, "messages": messages}
        if trace:
            params["trace_id"] = trace
        return "/jsonrpc", json.dumps({"jsonrpc": "2.0", "id": next(COUNTER), "method": "llm.stream",
                                       "params": params}).encode()
    body = {"model": model, "messages": messages, "stream": True}
    if include_usage:
        body["stream_options"] = {"include_usage": True}
    return "/v1/chat/completions", json.dumps(body).encode()


def classify_stream_end(surface, text):
    if surface == "rpc":
        if "event: done" in text:
            return "done"
        if "event: error" in text:
            i = text.find('"code":', text.find("event: error"))
            code = text[i + 7: text.find(",", i)].strip().lstrip("-") if i >= 0 else "?"
            return f"error_event{code}"
        return "truncated"
    if "data: [DONE]" in text:
        return "done"
    if 'data: {"error"' in text:
        return "error_event"
    return "truncated"


def first_chunk_seen(surface, text):
    if surface == "rpc":
        return "event: chunk" in text
    # the role chunk comes first on /v1; a content delta is a chunk with "content":"<something>"
    return '"content":"' in text.replace('"content":""', "")


def run_stream(lane, surface, model, cancel=False, reset=False, include_usage=False):
    started = time.monotonic()
    variant = f"{surface}/{model}" + ("/usage" if include_usage else "") + ("/rst" if reset else "")
    sock = None
    try:
        sock = connect()
        path, body = stream_body(surface, model, "Tell me something, soak " + lane, include_usage=include_usage)
        head, body = request_bytes(path, body, {"X-Source-Agent": f"soak-{lane}"})
        sock.sendall(head + body)
        resp = Response(sock)
        if "text/event-stream" not in resp.headers.get("content-type", ""):
            text = resp.body()
            outcome = rpc_outcome(text) if surface == "rpc" and resp.status == 200 else f"http{resp.status}"
            record(lane, variant, outcome, started)
            return
        seen = ""
        try:
            for piece in resp.pieces():
                seen += piece.decode("utf-8", "replace")
                if cancel and first_chunk_seen(surface, seen):
                    if reset:
                        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    sock.close()
                    sock = None
                    record(lane, variant, "cancelled", started)
                    return
        except Closed:
            pass
        record(lane, variant, classify_stream_end(surface, seen), started)
    except socket.timeout:
        record(lane, variant, "client_timeout", started)
    except (Closed, OSError) as e:
        record(lane, variant, f"conn_{type(e).__name__}", started)
    finally:
        if sock:
            sock.close()


def lane_stream(idx, cancel):
    lane = "cancel" if cancel else "stream"
    combos = [(s, m) for s in ("rpc", "v1") for m in ("gpt-4.1-mini", "sim-fast")]
    n = idx
    while not STOP.is_set():
        surface, model = combos[n % len(combos)]
        run_stream(lane, surface, model, cancel=cancel, reset=cancel and (n // len(combos)) % 2 == 1,
                   include_usage=not cancel and surface == "v1" and (n // len(combos)) % 2 == 1)
        n += 1
        STOP.wait(ARGS.pause)


def wait_answer(sock, seconds):
    """True when the socket has something to read (an answer, or a close) within seconds."""
    r, _, _ = select.select([sock], [], [], seconds)
    return bool(r)


def slow_request(variant):
    started = time.monotonic()
    n = next(COUNTER)
    model = "gpt-4.1-mini" if n % 2 else "sim-fast"
    surface = "rpc" if (n // 2) % 2 else "v1"
    if surface == "rpc":
        path, body = "/jsonrpc", json.dumps({"jsonrpc": "2.0", "id": 1, "method": "llm.complete", "params": {
            "model": model, "messages": [{"role": "user", "content": "A slow client of the soak"}]}}).encode()
    else:
        path, body = "/v1/chat/completions", json.dumps({"model": model, "messages": [
            {"role": "user", "content": "A slow client of the soak"}]}).encode()
    head, body = request_bytes(path, body, {"X-Source-Agent": "soak-slow"})
    if variant == "headers":
        fast, slow = b"", head + body
    elif variant == "body":
        fast, slow = head, body
    else:  # body_tail: all but the last 5 bytes at once
        fast, slow = head + body[:-5], body[-5:]
    label = f"{variant}/{surface}/{model}"
    sock = None
    try:
        sock = connect()
        sock.sendall(fast)
        answered = False
        for i in range(len(slow)):
            if wait_answer(sock, 1.0):
                answered = True
                break
            try:
                sock.sendall(slow[i:i + 1])
            except OSError:
                answered = True  # the server closed: read what it said, if anything
                break
        try:
            resp = Response(sock)
            text = resp.body()
            outcome = rpc_outcome(text) if surface == "rpc" and resp.status == 200 else f"http{resp.status}"
            if not answered and outcome not in ("rpc_ok", "http200"):
                outcome += "_after_whole_body"
        except Closed:
            outcome = "closed_no_answer"
        except ConnectionResetError:
            outcome = "reset_no_answer"
        record("slow", label, outcome, started)
    except socket.timeout:
        record("slow", label, "client_timeout", started)
    except OSError as e:
        record("slow", label, f"conn_{type(e).__name__}", started)
    finally:
        if sock:
            sock.close()


def lane_slow(idx):
    variants = ["body", "body_tail", "headers"]
    n = idx
    while not STOP.is_set():
        slow_request(variants[n % len(variants)])
        n += 1
        STOP.wait(ARGS.pause)


def noread_request(surface):
    started = time.monotonic()
    label = f"{surface}/gpt-4.1-mini"
    sock = None
    try:
        sock = connect(rcvbuf=4096)
        path, body = stream_body(surface, "gpt-4.1-mini", "soak:big, and never read")
        head, body = request_bytes(path, body, {"X-Source-Agent": "soak-noread"})
        sock.sendall(head + body)
        time.sleep(ARGS.noread_hold)
        # Now read it all: a stream the service cut ends without its end marker.
        text = b""
        try:
            resp = Response(sock)
            if "text/event-stream" not in resp.headers.get("content-type", ""):
                record("noread", label, f"http{resp.status}", started)
                return
            for piece in resp.pieces():
                text += piece[-200:]
                text = text[-400:]
            outcome = classify_stream_end(surface, text.decode("utf-8", "replace"))
            outcome = "not_cut_" + outcome if outcome == "done" else "cut_" + outcome
        except (Closed, ConnectionResetError):
            outcome = "cut_closed"
        record("noread", label, outcome, started)
    except socket.timeout:
        record("noread", label, "client_timeout", started)
    except OSError as e:
        record("noread", label, f"conn_{type(e).__name__}", started)
    finally:
        if sock:
            sock.close()


def lane_noread(idx):
    n = idx
    while not STOP.is_set():
        noread_request("rpc" if n % 2 == 0 else "v1")
        n += 1
        STOP.wait(ARGS.pause)


def gov_request(kind):
    started = time.monotonic()
    n = next(COUNTER)
    trace = f"soak-gov-{os.getpid()}-{n}"
    model = "gpt-5" if kind != "v1_other" else "soak-not-a-model"
    headers = {"X-Source-Agent": "soak-gov", "X-Trace-Id": trace}
    expected = [trace]
    if kind == "rpc_complete":
        path, body = "/jsonrpc", {"jsonrpc": "2.0", "id": n, "method": "llm.complete",
                                  "params": {"model": model, "messages": [{"role": "user", "content": "hi"}]}}
    elif kind == "rpc_stream":
        path, body = "/jsonrpc", {"jsonrpc": "2.0", "id": n, "method": "llm.stream",
                                  "params": {"model": model, "messages": [{"role": "user", "content": "hi"}]}}
    elif kind == "rpc_batch":
        t1, t2 = trace + "-a", trace + "-b"
        expected = [t1]
        path, body = "/jsonrpc", [
            {"jsonrpc": "2.0", "id": 1, "method": "llm.complete",
             "params": {"model": model, "trace_id": t1, "messages": [{"role": "user", "content": "hi"}]}},
            {"jsonrpc": "2.0", "id": 2, "method": "llm.complete",
             "params": {"model": "sim-fast", "trace_id": t2, "messages": [{"role": "user", "content": "hi"}]}}]
    else:
        path, body = "/v1/chat/completions", {"model": model, "messages": [{"role": "user", "content": "hi"}],
                                              "stream": kind == "v1_stream"}
    with RECORDS_LOCK:
        GOV_SENT[0] += len(expected)
    sock = None
    try:
        sock = connect()
        head, raw = request_bytes(path, json.dumps(body).encode(), headers)
        sock.sendall(head + raw)
        resp = Response(sock)
        text = resp.body()
        confirmed = []
        if path == "/jsonrpc" and resp.status == 200:
            doc = json.loads(text)
            entries = doc if isinstance(doc, list) else [doc]
            for entry in entries:
                if entry.get("error", {}).get("code") == -32001:
                    confirmed.append(entry["error"].get("data", {}).get("trace_id"))
        elif resp.status == 403 and b"model_not_allowed" in text:
            confirmed.append(resp.headers.get("x-trace-id"))
        with RECORDS_LOCK:
            VIOLATIONS.extend(confirmed)
        outcome = "refused" if sorted(confirmed) == sorted(expected) else f"unexpected_http{resp.status}"
        record("gov", kind, outcome, started)
    except socket.timeout:
        record("gov", kind, "client_timeout", started)
    except (Closed, OSError, ValueError) as e:
        record("gov", kind, f"conn_{type(e).__name__}", started)
    finally:
        if sock:
            sock.close()


def lane_gov(idx):
    kinds = ["rpc_complete", "rpc_stream", "v1_complete", "v1_stream", "rpc_batch", "v1_other"]
    n = idx
    while not STOP.is_set():
        gov_request(kinds[n % len(kinds)])
        n += 1
        STOP.wait(ARGS.gov_interval)


def main():
    global ARGS, T0
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--seconds", type=float, required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--stream-threads", type=int, default=4)
    p.add_argument("--cancel-threads", type=int, default=2)
    p.add_argument("--slow-threads", type=int, default=3)
    p.add_argument("--noread-threads", type=int, default=2)
    p.add_argument("--gov-threads", type=int, default=1)
    p.add_argument("--gov-interval", type=float, default=0.5)
    p.add_argument("--noread-hold", type=float, default=30.0)
    p.add_argument("--pause", type=float, default=0.05)
    p.add_argument("--read-timeout", type=float, default=100.0)
    p.add_argument("--join-seconds", type=float, default=150.0)
    p.add_argument("--hang-seconds", type=float, default=90.0)
    ARGS = p.parse_args()
    T0 = time.monotonic()
    threads = []
    for target, count, extra in ((lane_stream, ARGS.stream_threads, (False,)),
                                 (lane_stream, ARGS.cancel_threads, (True,)),
                                 (lane_slow, ARGS.slow_threads, ()), (lane_noread, ARGS.noread_threads, ()),
                                 (lane_gov, ARGS.gov_threads, ())):
        for i in range(count):
            t = threading.Thread(target=target, args=(i, *extra), daemon=True,
                                 name=f"{target.__name__}{'-cancel' if extra == (True,) else ''}-{i}")
            t.start()
            threads.append(t)
    STOP.wait(ARGS.seconds)
    STOP.set()
    stopped = time.monotonic()
    for t in threads:
        t.join(max(0.0, ARGS.join_seconds - (time.monotonic() - stopped)))
    unfinished = [t.name for t in threads if t.is_alive()]
    with RECORDS_LOCK:
        records = list(RECORDS)
        violations = list(VIOLATIONS)
        sent = GOV_SENT[0]
    os.makedirs(ARGS.out, exist_ok=True)
    with open(os.path.join(ARGS.out, "requests.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["lane", "variant", "outcome", "seconds", "started_at_s"])
        w.writerows(records)
    with open(os.path.join(ARGS.out, "violations.txt"), "w") as f:
        f.write("".join(f"{v}\n" for v in violations))
    by = {}
    slowest = {}
    for lane, variant, outcome, secs, _ in records:
        by.setdefault(lane, {}).setdefault(outcome, 0)
        by[lane][outcome] += 1
        slowest[lane] = max(slowest.get(lane, 0), secs)
    hangs = [r for r in records if r[3] > ARGS.hang_seconds or r[2] == "client_timeout"]
    summary = {"requests": len(records), "by_lane_outcome": by, "slowest_seconds_by_lane": slowest,
               "hangs": len(hangs) + len(unfinished), "hang_examples": hangs[:10],
               "unfinished_threads": unfinished, "hang_seconds": ARGS.hang_seconds,
               "governance_sent": sent, "governance_confirmed": len(violations),
               "stopped_after_s": round(stopped - T0, 1), "joined_after_s": round(time.monotonic() - stopped, 1)}
    with open(os.path.join(ARGS.out, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1, sort_keys=True)
    print(json.dumps(summary, sort_keys=True))


if __name__ == "__main__":
    main()
