#!/usr/bin/env python3
"""A misbehaving OpenAI-compatible upstream for bench/soak.sh (loopback only, standard library).

POST .../chat/completions answers with the recorded fixtures (chat-response.json, or
chat-stream.sse paced one event every --event-delay-ms), except that on a fraction of
requests, drawn at random for every request (a retry draws again):

  500        {"error":...} with HTTP 500                       (--p500)
  429        error-429.json with `retry-after: 0`              (--p429)
  stall      waits --stall-seconds, then answers normally      (--pstall)
  long-stall waits --long-stall-seconds (past the service's LLM_REQUEST_TIMEOUT), then answers
  cut        stream: half the events, then the socket is closed without the last chunk;
             non-stream: headers and half the body, then closed  (--pcut)

A request whose last user message contains `soak:big` gets a long stream instead (no fault):
--big-events content events sent as fast as the reader takes them, then [DONE]. The soak's
clients that never read ask for it, so that the service's writes to them block.

GET /stats answers the counts of what was served, GET /health `ok`. Every connection is HTTP/1.1
kept alive; an idle one is closed after --idle-timeout seconds, as providers' load balancers do.
"""
import argparse
import json
import os
import random
import socket
import struct
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ARGS = None
FIXTURE_JSON = b""
FIXTURE_429 = b""
EVENTS = []  # SSE events of the fixture, each b"data: ...\n\n"
STATS = {}
STATS_LOCK = threading.Lock()
OPEN_CONNECTIONS = [0]


def count(key, n=1):
    with STATS_LOCK:
        STATS[key] = STATS.get(key, 0) + n


def load_fixtures(directory):
    global FIXTURE_JSON, FIXTURE_429, EVENTS
    with open(os.path.join(directory, "chat-response.json"), "rb") as f:
        FIXTURE_JSON = f.read()
    try:
        with open(os.path.join(directory, "error-429.json"), "rb") as f:
            FIXTURE_429 = f.read()
    except FileNotFoundError:  # bench/fixtures/openai has only the two answers
        FIXTURE_429 = (b'{"error":{"message":"Rate limit reached (soak)","type":"tokens","param":null,'
                       b'"code":"rate_limit_exceeded"}}')
    with open(os.path.join(directory, "chat-stream.sse"), "rb") as f:
        text = f.read().replace(b"\r\n", b"\n")
    EVENTS = [e + b"\n\n" for e in text.split(b"\n\n") if e.strip()]


def draw_fault(stream):
    r = random.random()
    for name, p in (("500", ARGS.p500), ("429", ARGS.p429), ("stall", ARGS.pstall),
                    ("long-stall", ARGS.plong_stall), ("cut", ARGS.pcut)):
        if r < p:
            return name
        r -= p
    return None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "soak-upstream"
    sys_version = ""

    def setup(self):
        super().setup()
        self.connection.settimeout(ARGS.idle_timeout)  # an idle kept-alive connection is closed
        with STATS_LOCK:
            OPEN_CONNECTIONS[0] += 1
        count("connections_opened")

    def finish(self):
        try:
            super().finish()
        finally:
            with STATS_LOCK:
                OPEN_CONNECTIONS[0] -= 1

    def log_message(self, *args):
        pass

    def do_GET(self):
        if self.path == "/stats":
            with STATS_LOCK:
                body = json.dumps(dict(STATS, open_connections=OPEN_CONNECTIONS[0]), sort_keys=True).encode()
            self.answer(200, body)
        elif self.path == "/health":
            self.answer(200, b"ok", "text/plain")
        else:
            self.answer(404, b'{"error":{"message":"not found"}}')

    def read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            out = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    self.rfile.readline()
                    return out
                out += self.rfile.read(size)
                self.rfile.readline()
        return self.rfile.read(int(self.headers.get("Content-Length", "0")))

    def do_POST(self):
        try:
            request = json.loads(self.read_body() or b"{}")
        except ValueError:
            self.answer(400, b'{"error":{"message":"bad json","type":"invalid_request_error"}}')
            return
        if not self.path.endswith("/chat/completions"):
            self.answer(404, b'{"error":{"message":"not found"}}')
            return
        stream = bool(request.get("stream"))
        messages = request.get("messages") or [{}]
        last = str(messages[-1].get("content", ""))
        if stream and "soak:big" in last:
            count("big_stream")
            self.big_stream()
            return
        fault = draw_fault(stream)
        count(("stream_" if stream else "complete_") + (fault or "ok"))
        try:
            if fault == "500":
                self.answer(500, b'{"error":{"message":"soak: injected server error","type":"server_error",'
                                 b'"param":null,"code":null}}')
                return
            if fault == "429":
                self.answer(429, FIXTURE_429, extra={"retry-after": "0"})
                return
            if fault == "stall":
                time.sleep(ARGS.stall_seconds)
            elif fault == "long-stall":
                time.sleep(ARGS.long_stall_seconds)
            if stream:
                self.stream(cut=fault == "cut")
            else:
                self.complete(cut=fault == "cut")
        except (BrokenPipeError, ConnectionResetError, socket.timeout):
            count("client_went_away")
            self.close_connection = True

    def answer(self, status, body, content_type="application/json", extra=None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def complete(self, cut):
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(FIXTURE_JSON)))
        self.end_headers()
        if cut:
            self.wfile.write(FIXTURE_JSON[: len(FIXTURE_JSON) // 2])
            self.wfile.flush()
            self.abort()
            return
        self.wfile.write(FIXTURE_JSON)

    def start_stream(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()

    def chunk(self, data):
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def stream(self, cut):
        self.start_stream()
        events = EVENTS[: len(EVENTS) // 2] if cut else EVENTS
        for i, event in enumerate(events):
            if i and ARGS.event_delay_ms:
                time.sleep(ARGS.event_delay_ms / 1000)
            self.chunk(event)
        if cut:
            self.abort()
            return
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def big_stream(self):
        template = json.loads(EVENTS[1][len(b"data: "):].strip())
        template["choices"][0]["delta"] = {"content": " soak" * 40}
        event = b"data: " + json.dumps(template, separators=(",", ":")).encode() + b"\n\n"
        try:
            self.start_stream()
            self.chunk(EVENTS[0])
            batch = event * 50
            sent = 0
            while sent < ARGS.big_events:
                self.chunk(batch)
                sent += 50
            for e in EVENTS[-3:]:
                self.chunk(e)
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
            count("big_stream_finished")
        except (BrokenPipeError, ConnectionResetError, socket.timeout):
            count("big_stream_cancelled")
            self.close_connection = True

    def abort(self):
        """Closes the socket at once, with a reset: an upstream that died mid-answer."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass


def main():
    global ARGS
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--fixtures", required=True)
    p.add_argument("--p500", type=float, default=0.03)
    p.add_argument("--p429", type=float, default=0.03)
    p.add_argument("--pstall", type=float, default=0.02)
    p.add_argument("--plong-stall", type=float, default=0.005)
    p.add_argument("--pcut", type=float, default=0.03)
    p.add_argument("--stall-seconds", type=float, default=3.0)
    p.add_argument("--long-stall-seconds", type=float, default=15.0)
    p.add_argument("--event-delay-ms", type=float, default=10.0)
    p.add_argument("--big-events", type=int, default=20000)
    p.add_argument("--idle-timeout", type=float, default=60.0)
    p.add_argument("--seed", type=int, default=None)
    ARGS = p.parse_args()
    random.seed(ARGS.seed)
    load_fixtures(ARGS.fixtures)
    ThreadingHTTPServer.daemon_threads = True
    ThreadingHTTPServer.request_queue_size = 512
    server = ThreadingHTTPServer(("127.0.0.1", ARGS.port), Handler)
    print(f"soak upstream on 127.0.0.1:{ARGS.port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
