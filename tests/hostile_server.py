"""A reusable hostile HTTP server on 127.0.0.1 for reliability tests.

Serves every file under a root directory by path (default: the shared hostile
corpus, /work/shared/corpus/hostile, falling back to tests/fixtures/hostile),
plus scripted misbehaviour under ``/_/``. Query parameters on file paths:
``?ct=<content-type>`` overrides the Content-Type, ``?ce=<content-encoding>``
sends the file as-is with that Content-Encoding (for the scrapy bomb files).

Behaviours (all bounded: nothing runs for more than ~60 s or sends > 60 MB):

======================================  ======================================
``/_/slow``                             200 text/html, body trickled 1 byte/s
``/_/slow-headers``                     header bytes trickled 1 byte/s
``/_/silent``                           accepts, sends nothing for 30 s
``/_/redirect-endless/<n>``             302 to ``<n+1>`` forever
``/_/loop-a`` / ``/_/loop-b``           302 to each other
``/_/to-metadata``                      302 to http://169.254.169.254/latest/meta-data/
``/_/to-other-port``                    302 to a 127.0.0.1 port not in allow_hosts
``/_/to-file``                          302 to file:///etc/passwd
``/_/redirect-to/<path>``               302 to ``/<path>`` on this server
``/_/flaky/<key>?fail=N``               503 for the first N (default 2) requests per key, then 200
``/_/retry-after/<key>?after=S&status=C``  C (429) with Retry-After: S once per key, then 200
``/_/status/<code>``                    that status, small HTML body
``/_/pdf`` / ``/_/image``               200 with application/pdf / image/png bodies
``/_/big`` / ``/_/big-cl``              50 MB text/html, without / with Content-Length
``/_/gzip-bomb``                        gzip of 1 GiB zeros (~1 MB), generated at start
``/_/deflate-bomb``                     zlib deflate of 1 GiB zeros
``/_/conditional``                      ETag "v1" + Last-Modified; 304 when they match
``/_/echo``                             JSON of the request line and headers
``/_/hold/<k>?s=0.2``                   sleeps, tracks ``server.max_inflight`` (concurrency)
``/_/private/...``                      disallowed by the default robots.txt
``/robots.txt``                         per ``robots`` mode: "file" (disallow /_/private/), "404", "500"
======================================  ======================================

Request counts per path are in ``server.counts`` (thread-safe).
"""

from __future__ import annotations

import contextlib
import json
import os
import struct
import threading
import time
import zlib
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

SHARED_HOSTILE = (
    Path(os.environ.get("AKHBAR_SHARED", Path(__file__).resolve().parents[2] / "shared"))
    / "corpus"
    / "hostile"
)
FIXTURE_HOSTILE = Path(__file__).parent / "fixtures" / "hostile"
BOMB_SIZE = 1 << 30  # 1 GiB of zeros before compression
BIG_SIZE = 50 * 1024 * 1024

CONTENT_TYPES = {
    ".xml": "application/xml",
    ".rss": "application/rss+xml",
    ".atom": "application/atom+xml",
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html",
    ".txt": "text/plain; charset=utf-8",
    ".json": "application/json",
    ".gz": "application/gzip",
    ".warc": "application/warc",
    ".arc": "application/octet-stream",
    ".bin": "application/octet-stream",
}
ROBOTS_TXT = b"User-agent: *\nDisallow: /_/private/\n"
PNG_1PX = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)

_BOMBS: dict[str, bytes] = {}
_BOMB_LOCK = threading.Lock()


def _bomb(kind: str) -> bytes:
    """BOMB_SIZE zeros as a gzip or zlib stream, built once per process.

    The raw deflate output for 1 MiB of zeros after a full flush is the same
    every time, so it is repeated instead of compressing 1 GiB (about 1 MB out).
    """
    with _BOMB_LOCK:
        if kind not in _BOMBS:
            block = bytes(1 << 20)
            comp = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
            unit = comp.compress(block) + comp.flush(zlib.Z_FULL_FLUSH)
            again = comp.compress(block) + comp.flush(zlib.Z_FULL_FLUSH)
            assert unit == again
            n = BOMB_SIZE >> 20
            raw = unit * n + comp.flush()
            if kind == "gzip":
                crc = 0
                for _ in range(n):
                    crc = zlib.crc32(block, crc)
                header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
                trailer = struct.pack("<II", crc, BOMB_SIZE & 0xFFFFFFFF)
                _BOMBS[kind] = header + raw + trailer
            else:
                adler = ((BOMB_SIZE % 65521) << 16) | 1
                _BOMBS[kind] = b"\x78\xda" + raw + struct.pack(">I", adler)
        return _BOMBS[kind]


def pick_root() -> Path:
    """$AKHBAR_HOSTILE_ROOT, else the shared corpus when present, else the repo copy."""
    env = os.environ.get("AKHBAR_HOSTILE_ROOT")
    if env:
        return Path(env)
    return SHARED_HOSTILE if SHARED_HOSTILE.is_dir() else FIXTURE_HOSTILE


class HostileServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, root: Path, robots: str = "file") -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.root = root.resolve()
        self.robots = robots
        self.counts: Counter[str] = Counter()
        self.lock = threading.Lock()
        self.inflight = 0
        self.max_inflight = 0
        self.other_port = 1  # replaced by the context manager with a free, unallowed port

    @property
    def port(self) -> int:
        return self.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def hit(self, key: str) -> int:
        with self.lock:
            self.counts[key] += 1
            return self.counts[key]


class _Handler(BaseHTTPRequestHandler):
    server: HostileServer
    protocol_version = "HTTP/1.0"

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    # -- helpers
    def _send(
        self,
        status: int,
        body: bytes = b"",
        ctype: str | None = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
        length: bool = True,
    ) -> None:
        self.send_response(status)
        if ctype:
            self.send_header("Content-Type", ctype)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        if length:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(OSError):
            self.wfile.write(body)

    def _redirect(self, location: str, status: int = 302) -> None:
        self._send(status, b"", headers={"Location": location})

    def _trickle(self, data: bytes, limit_s: float = 60.0) -> None:
        t0 = time.monotonic()
        for i in range(len(data)):
            if time.monotonic() - t0 > limit_s:
                return
            try:
                self.wfile.write(data[i : i + 1])
                self.wfile.flush()
            except OSError:
                return
            time.sleep(1.0)

    def _stream(self, total: int, block: bytes) -> None:
        sent = 0
        try:
            while sent < total:
                piece = block[: total - sent]
                self.wfile.write(piece)
                sent += len(piece)
        except OSError:
            return

    # -- dispatch
    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        path = unquote(parts.path)
        q = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        n = self.server.hit(path)
        if path == "/robots.txt":
            return self._robots()
        if path.startswith("/_/"):
            return self._behaviour(path[3:], q, n)
        return self._file(path, q)

    def _robots(self) -> None:
        mode = self.server.robots
        if mode == "500":
            return self._send(500, b"oops")
        if mode == "404":
            return self._send(404, b"no robots")
        return self._send(200, ROBOTS_TXT, "text/plain")

    def _file(self, path: str, q: dict[str, str]) -> None:
        target = (self.server.root / path.lstrip("/")).resolve()
        if not target.is_relative_to(self.server.root) or not target.is_file():
            return self._send(404, b"not found")
        body = target.read_bytes()
        ctype = q.get("ct") or CONTENT_TYPES.get(target.suffix.lower(), "application/octet-stream")
        headers = {"Content-Encoding": q["ce"]} if q.get("ce") else {}
        return self._send(200, body, ctype, headers)

    def _behaviour(self, name: str, q: dict[str, str], count: int) -> None:
        html = "text/html; charset=utf-8"
        if name == "slow":
            self.send_response(200)
            self.send_header("Content-Type", html)
            self.end_headers()
            return self._trickle(b"<html><body>" + b"x" * 100 + b"</body></html>")
        if name == "slow-headers":
            self.wfile.write(b"HTTP/1.0 200 OK\r\n")
            return self._trickle(b"X-Slow: " + b"y" * 100 + b"\r\n\r\n")
        if name == "silent":
            time.sleep(30)
            return None
        if name.startswith("redirect-endless/"):
            k = int(name.rsplit("/", 1)[1] or 0)
            return self._redirect(f"/_/redirect-endless/{k + 1}")
        if name == "loop-a":
            return self._redirect("/_/loop-b")
        if name == "loop-b":
            return self._redirect(f"{self.server.base_url}/_/loop-a", 301)
        if name == "to-metadata":
            return self._redirect("http://169.254.169.254/latest/meta-data/")
        if name == "to-other-port":
            return self._redirect(f"http://127.0.0.1:{self.server.other_port}/")
        if name == "to-file":
            return self._redirect("file:///etc/passwd")
        if name.startswith("redirect-to/"):
            return self._redirect("/" + name.split("/", 1)[1])
        if name.startswith("flaky/"):
            if count <= int(q.get("fail", "2")):
                return self._send(503, b"try later")
            return self._send(200, b"<html><body>recovered</body></html>", html)
        if name.startswith("retry-after/"):
            if count == 1:
                status = int(q.get("status", "429"))
                return self._send(
                    status, b"slow down", headers={"Retry-After": q.get("after", "1")}
                )
            return self._send(200, b"<html><body>after wait</body></html>", html)
        if name.startswith("status/"):
            code = int(name.split("/", 1)[1])
            return self._send(code, f"<html><body>{code}</body></html>".encode())
        if name == "pdf":
            return self._send(
                200, b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n", "application/pdf"
            )
        if name == "image":
            return self._send(200, PNG_1PX, "image/png")
        if name == "untyped-pdf":
            return self._send(200, b"%PDF-1.4\n1 0 obj<<>>endobj\n", None)
        if name in ("big", "big-cl"):
            self.send_response(200)
            self.send_header("Content-Type", html)
            if name == "big-cl":
                self.send_header("Content-Length", str(BIG_SIZE))
            self.end_headers()
            return self._stream(BIG_SIZE, b"<p>" + b"a" * 65530 + b"</p>")
        if name in ("gzip-bomb", "deflate-bomb"):
            data = _bomb("gzip" if name == "gzip-bomb" else "deflate")
            enc = "gzip" if name == "gzip-bomb" else "deflate"
            return self._send(200, data, q.get("ct", html), {"Content-Encoding": enc})
        if name == "conditional":
            etag, lm = '"v1"', "Wed, 01 Jan 2025 00:00:00 GMT"
            if self.headers.get("If-None-Match") == etag or (
                self.headers.get("If-Modified-Since") == lm
                and not self.headers.get("If-None-Match")
            ):
                return self._send(304, b"", None, {"ETag": etag}, length=False)
            body = (
                b'<?xml version="1.0"?><rss version="2.0"><channel><title>c</title></channel></rss>'
            )
            return self._send(200, body, "application/rss+xml", {"ETag": etag, "Last-Modified": lm})
        if name == "echo":
            payload = {"path": self.path, "headers": dict(self.headers.items())}
            return self._send(200, json.dumps(payload).encode(), "text/html; charset=utf-8")
        if name.startswith("hold"):
            with self.server.lock:
                self.server.inflight += 1
                self.server.max_inflight = max(self.server.max_inflight, self.server.inflight)
            time.sleep(float(q.get("s", "0.2")))
            with self.server.lock:
                self.server.inflight -= 1
            return self._send(200, b"<html><body>held</body></html>", html)
        if name.startswith("private/"):
            return self._send(200, b"<html><body>secret</body></html>", html)
        if name.startswith("ok"):
            return self._send(200, b"<html><body>ok</body></html>", html)
        return self._send(404, b"unknown behaviour")


@contextlib.contextmanager
def hostile_server(root: Path | None = None, robots: str = "file") -> Iterator[HostileServer]:
    """Run a :class:`HostileServer` in a thread; yields it (``.base_url``, ``.port``)."""
    for kind in ("gzip", "deflate"):  # generated once per process, before serving
        _bomb(kind)
    server = HostileServer(root or pick_root(), robots=robots)
    # A port that nothing allows: bind one, note it, close it.
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        server.other_port = s.getsockname()[1]
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
    )
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


if __name__ == "__main__":  # manual use: python tests/hostile_server.py
    with hostile_server() as srv:
        print(srv.base_url, flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            while True:
                time.sleep(3600)
