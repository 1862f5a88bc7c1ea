"""Serve archived WARC responses over local HTTP (offline snapshot, CI, tests).

The pipeline's HTTP client in replay mode connects to this server but sends the
original ``Host`` header, the original path+query as request target, and the
full original URL in ``X-Akhbar-Original-Url``. Anything not archived is a 404,
which is exactly what a missing page looks like live (the pipeline then falls
back to the feed's own text).
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from collections.abc import Iterable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from akhbar.fetch.archive import (
    ArchivedResponse,
    body_etag,
    canonical_url,
    http_date,
    iter_responses,
)

log = logging.getLogger(__name__)

ORIGINAL_URL_HEADER = "X-Akhbar-Original-Url"
#: Stored headers the server recomputes itself.
_SKIP = frozenset(
    {"content-length", "transfer-encoding", "content-encoding", "connection", "keep-alive"}
)


def load_responses(
    snapshot: Path | str | Iterable[Path | str],
) -> dict[str, ArchivedResponse]:
    """Canonical URL → latest archived response (ties: the later record wins)."""
    table: dict[str, ArchivedResponse] = {}
    for resp in iter_responses(snapshot):
        key = canonical_url(resp.url)
        old = table.get(key)
        if old is None or resp.fetched_at >= old.fetched_at:
            table[key] = resp
    return table


def _not_modified(resp_etag: str, last_modified: str, headers: object) -> bool:
    inm = headers.get("If-None-Match")  # type: ignore[attr-defined]
    if inm is not None:
        tags = [t.strip() for t in inm.split(",")]
        bare = resp_etag.removeprefix("W/")
        return any(t == "*" or t.removeprefix("W/") == bare for t in tags)
    ims = headers.get("If-Modified-Since")  # type: ignore[attr-defined]
    if ims:
        try:
            since = parsedate_to_datetime(ims)
            modified = parsedate_to_datetime(last_modified)
        except (TypeError, ValueError, IndexError):
            return False
        if since.tzinfo is None:
            since = since.replace(tzinfo=UTC)
        return modified <= since
    return False


def _utf8(text: str) -> str:
    """http.server decodes the request line and headers as latin-1; undo that for
    clients that send raw UTF-8 (an IRI) instead of percent-encoding it."""
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


class _Handler(BaseHTTPRequestHandler):
    server: _ReplayHTTPServer
    protocol_version = "HTTP/1.1"
    server_version = "AkhbarReplay/0.1"

    def log_message(self, format: str, *args: object) -> None:
        log.debug("replay %s - " + format, self.address_string(), *args)

    def _candidates(self) -> list[str]:
        original = self.headers.get(ORIGINAL_URL_HEADER)
        if original:
            return [_utf8(original.strip())]
        target = _utf8(self.path)
        if target.lower().startswith(("http://", "https://")):
            return [target]
        host = self.headers.get("Host")
        if host:
            return [f"https://{host}{target}", f"http://{host}{target}"]
        return []

    def _resolve(self) -> tuple[str, ArchivedResponse | None]:
        cands = self._candidates()
        for url in cands:
            resp = self.server.table.get(canonical_url(url))
            if resp is not None:
                return url, resp
        return (cands[0] if cands else self.path), None

    def _send_plain(self, status: int, text: str, head: bool) -> None:
        body = text.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _serve(self, head: bool) -> None:
        url, resp = self._resolve()
        if resp is None:
            self.server.record(url, 404)
            self._send_plain(404, f"not in snapshot: {url}\n", head)
            return
        etag = resp.header("ETag") or body_etag(resp.body)
        last_modified = resp.header("Last-Modified") or http_date(resp.fetched_at)
        if 200 <= resp.status < 300 and _not_modified(etag, last_modified, self.headers):
            self.server.record(url, 304)
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", last_modified)
            self.end_headers()
            return
        self.server.record(url, resp.status)
        try:
            phrase = HTTPStatus(resp.status).phrase
        except ValueError:
            phrase = ""
        self.send_response(resp.status, phrase)
        for name, value in resp.headers:
            if name.lower() not in _SKIP and name.lower() not in {"etag", "last-modified"}:
                self.send_header(name, value)
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", last_modified)
        self.send_header("Content-Length", str(len(resp.body)))
        self.end_headers()
        if not head and resp.status not in (204, 304):
            self.wfile.write(resp.body)

    def do_GET(self) -> None:
        self._serve(head=False)

    def do_HEAD(self) -> None:
        self._serve(head=True)


class _ReplayHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, addr: tuple[str, int], table: dict[str, ArchivedResponse]) -> None:
        super().__init__(addr, _Handler)
        self.table = table
        self.served: list[tuple[str, int]] = []
        self._lock = threading.Lock()

    def record(self, url: str, status: int) -> None:
        with self._lock:
            self.served.append((url, status))

    def handle_error(self, request: object, client_address: object) -> None:
        # Client hang-ups are normal under test; never spam stderr.
        log.debug("replay: error while serving %s", client_address, exc_info=True)


class ReplayServer:
    """In-memory replay of every response in ``snapshot`` (files or directories)."""

    def __init__(
        self,
        snapshot: Path | str | Iterable[Path | str],
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.table = load_responses(snapshot)
        self._httpd = _ReplayHTTPServer((host, port), self.table)
        self._thread: threading.Thread | None = None

    @property
    def host(self) -> str:
        return str(self._httpd.server_address[0])

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def requests_served(self) -> list[tuple[str, int]]:
        """``(url, status)`` per request, in arrival order."""
        with self._httpd._lock:
            return list(self._httpd.served)

    def urls(self) -> set[str]:
        return {r.url for r in self.table.values()}

    def start(self) -> ReplayServer:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._httpd.serve_forever,
                kwargs={"poll_interval": 0.1},
                name="akhbar-replay",
                daemon=True,
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._httpd.server_close()

    def __enter__(self) -> ReplayServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def run_replay(
    snapshot: Path,
    host: str = "127.0.0.1",
    port: int = 8765,
    ready_file: Path | None = None,
) -> None:
    """Serve ``snapshot`` until SIGINT/SIGTERM; write the bound port to ``ready_file``."""
    stop = threading.Event()
    server = ReplayServer(snapshot, host=host, port=port).start()

    def _on_signal(signum: int, frame: object) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, _on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        if ready_file is not None:
            ready = Path(ready_file)
            tmp = ready.with_name(ready.name + ".tmp")
            tmp.write_text(f"{server.port}\n", encoding="utf-8")
            os.replace(tmp, ready)
        log.info(
            "replay: %d responses on %s (started %s)",
            len(server.table),
            server.base_url,
            datetime.now(UTC).isoformat(timespec="seconds"),
        )
        while not stop.wait(0.5):
            pass
    finally:
        server.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if ready_file is not None:
            Path(ready_file).unlink(missing_ok=True)
