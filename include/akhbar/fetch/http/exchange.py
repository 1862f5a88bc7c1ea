"""One HTTP exchange on one connection, bounded by a wall-clock deadline.

A watchdog timer shuts the socket down at the deadline, so a server trickling
one byte a second (headers or body) cannot hold a worker. Socket operations
also have an idle timeout (``timeout_s``).
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
from dataclasses import dataclass

from urllib3.connection import HTTPConnection, HTTPSConnection

from akhbar.fetch.http.body import (
    Decoder,
    Kind,
    content_encodings,
    content_type_allowed,
    media_type,
    read_body,
)
from akhbar.fetch.http.hop import Hop, Refused

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
ACCEPT: dict[str, str] = {
    "feed": "application/rss+xml, application/atom+xml, application/xml;q=0.9, "
    "text/xml;q=0.9, */*;q=0.1",
    "page": "text/html, application/xhtml+xml;q=0.9, */*;q=0.1",
    "robots": "text/plain, */*;q=0.1",
}


@dataclass(frozen=True)
class Route:
    """Where the connection goes (the replay server in replay mode) and the path asked."""

    scheme: str
    host: str
    port: int
    path: str
    address: str  # the checked address connected to; Host and TLS use ``host``


def request_headers(
    kind: Kind, host_header: str, user_agent: str, etag: str | None, last_modified: str | None
) -> dict[str, str]:
    headers = {
        "Host": host_header,
        "User-Agent": user_agent,
        "Accept-Encoding": "gzip, deflate",
        "Accept": ACCEPT[kind],
        "Accept-Language": "ar, en;q=0.5",
        "Connection": "close",
    }
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return headers


class Watchdog:
    """Shuts the connection's socket down once ``deadline_s`` have passed since creation."""

    def __init__(self, deadline_s: float) -> None:
        self.deadline_s = deadline_s
        self.fired = threading.Event()
        self._start = time.monotonic()
        self._sock: socket.socket | None = None
        self._timer: threading.Timer | None = None

    def arm(self, sock: socket.socket | None) -> None:
        if sock is not None:
            # A dup of the fd: shutdown() on it stops reads on the shared socket
            # from the watchdog thread without touching the SSL object.
            self._sock = socket.socket(fileno=os.dup(sock.fileno()))
        remaining = self.deadline_s - (time.monotonic() - self._start)
        self._timer = threading.Timer(max(0.0, remaining), self._kill)
        self._timer.daemon = True
        self._timer.start()

    def _kill(self) -> None:
        self.fired.set()
        if self._sock is not None:
            with contextlib.suppress(OSError):
                self._sock.shutdown(socket.SHUT_RDWR)

    def expired(self) -> bool:
        """Past the deadline (checked between reads); marks the watchdog fired."""
        if time.monotonic() - self._start > self.deadline_s:
            self.fired.set()
            return True
        return False

    def cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()

    def close(self) -> None:
        if self._sock is not None:
            with contextlib.suppress(OSError):
                self._sock.close()


def _connection(route: Route, timeout_s: float) -> HTTPConnection:
    if route.scheme == "https":
        return HTTPSConnection(
            route.address, route.port, timeout=timeout_s, server_hostname=route.host,
            assert_hostname=route.host,
        )  # fmt: skip
    return HTTPConnection(route.address, route.port, timeout=timeout_s)


def _merged_headers(resp: object) -> dict[str, str]:
    """Response headers with lower-cased names; repeated ones joined with ``, ``."""
    merged: dict[str, str] = {}
    for name, value in resp.headers.items():  # type: ignore[attr-defined]
        key = name.lower()
        merged[key] = f"{merged[key]}, {value}" if key in merged else value
    return merged


def _refused_before_body(hop: Hop, kind: Kind, cap: int) -> bool:
    """Whether the head alone ends the exchange (redirect, 304, wrong type, too long)."""
    if hop.status in REDIRECT_STATUSES or hop.status == 304:
        return True
    media, _ = media_type(hop.headers.get("content-type"))
    if hop.status == 200 and not content_type_allowed(kind, media):
        hop.refuse("bad_content_type", f"{media} not accepted for {kind}")
        return True
    length = hop.headers.get("content-length", "").strip()
    if length.isdigit() and int(length) > cap:
        hop.refuse("too_large", f"Content-Length {length} > cap {cap}")
        return True
    return False


def _failed(hop: Hop, exc: Exception, watchdog: Watchdog) -> None:
    """Record why the exchange broke off."""
    late = f"response not complete within {watchdog.deadline_s:.1f}s"
    if isinstance(exc, Refused):
        hop.refuse(exc.code, exc.detail)
    elif isinstance(exc, TimeoutError):
        hop.refuse("deadline" if watchdog.fired.is_set() else "timeout", str(exc) or "timed out")
    elif watchdog.fired.is_set():  # the watchdog shut the socket down mid-read
        hop.refuse("deadline", late)
    else:  # connection reset, protocol errors, TLS errors, ...
        hop.refuse("connection_error", f"{type(exc).__name__}: {exc}")


def exchange(
    route: Route, headers: dict[str, str], kind: Kind, cap: int, timeout_s: float,
    deadline_s: float,
) -> Hop:  # fmt: skip
    """GET ``route.path``: status, headers and the decoded body up to ``cap`` bytes."""
    hop = Hop()
    conn = _connection(route, timeout_s)
    watchdog = Watchdog(deadline_s)
    try:
        conn.connect()
        watchdog.arm(conn.sock)
        conn.request("GET", route.path, headers=headers, preload_content=False,
                     decode_content=False)  # fmt: skip
        resp = conn.getresponse()
        hop.status, hop.headers = resp.status, _merged_headers(resp)
        hop.reason = str(resp.reason or "")
        if _refused_before_body(hop, kind, cap):
            return hop
        encodings = content_encodings(hop.headers)
        decoder = Decoder(encodings) if encodings else None
        body, too_large = read_body(resp, decoder, cap, watchdog)
        if too_large:
            hop.refuse("too_large", f"decoded body exceeds cap {cap} bytes")
        if watchdog.fired.is_set():
            hop.refuse("deadline", f"response not complete within {deadline_s:.1f}s")
        hop.body = body
    except Exception as exc:
        _failed(hop, exc, watchdog)
    finally:
        watchdog.cancel()
        with contextlib.suppress(Exception):
            conn.close()
        watchdog.close()
    if hop.error == "connection_error" and hop.status is not None:
        hop.detail = f"after status {hop.status}: {hop.detail}"
    return hop
