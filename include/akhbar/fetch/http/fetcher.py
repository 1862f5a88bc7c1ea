"""The Fetcher: polite GETs with redirects, retries, robots.txt and an archive.

:meth:`Fetcher.get` never raises for network or content problems; it returns a
:class:`FetchResult` with a machine-readable ``error``. The steps of one GET:
:mod:`akhbar.fetch.http.addresses` (where a request may go), :mod:`akhbar.fetch.http.exchange`
(one bounded HTTP exchange), :mod:`akhbar.fetch.http.body` (content checks, capped
decompression). Replay mode (``settings.replay_url``): every hop goes to the
replay server with ``Host`` and ``X-Akhbar-Original-Url``; results keep real URLs.
"""

from __future__ import annotations

import contextlib
import email.utils
import logging
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal
from urllib.parse import urljoin

from akhbar.config import Settings
from akhbar.fetch.http.addresses import (
    DEFAULT_PORTS,
    ascii_uri,
    check_original,
    netloc_key,
    resolve_checked,
    split_url,
)
from akhbar.fetch.http.body import Kind, looks_binary, media_type
from akhbar.fetch.http.exchange import REDIRECT_STATUSES, Route, exchange, request_headers
from akhbar.fetch.http.hop import Hop, Refused

if TYPE_CHECKING:
    from akhbar.fetch.archive import WarcArchive

log = logging.getLogger("akhbar.fetch.http")

MAX_REDIRECTS = 5
RETRY_AFTER_CAP_S = 30.0
ROBOTS_MAX_BYTES = 512_000
ROBOTS_CRAWL_DELAY_CAP_S = 10.0
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass
class FetchResult:
    """Outcome of one :meth:`Fetcher.get` (after redirects and retries)."""

    url: str
    final_url: str
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)  # lower-cased names
    body: bytes = b""
    content_type: str | None = None
    charset: str | None = None
    elapsed_ms: int = 0
    error: str | None = None
    detail: str | None = None
    not_modified: bool = False
    redirects: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status == 200 and self.error is None


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - time.time())


@dataclass(frozen=True)
class _Request:
    """One hop's GET: where to, for what kind of body, under which cap and validators."""

    scheme: str
    host: str
    port: int
    target: str  # path?query, percent-encoded
    url: str  # the hop's URL as given (archive, replay header, logs)
    kind: Kind
    cap: int
    etag: str | None
    last_modified: str | None


class _HostState:
    def __init__(self, concurrency: int) -> None:
        self.sem = threading.BoundedSemaphore(max(1, concurrency))
        self.lock = threading.Lock()
        self.next_start = 0.0
        self.robots_lock = threading.Lock()
        self.robots: object | None = None  # Protego | "allow" | "disallow"
        self.crawl_delay = 0.0


class Fetcher:
    """Polite, bounded HTTP GET for ``feed`` and ``page`` URLs. Thread-safe."""

    def __init__(
        self,
        settings: Settings,
        *,
        user_agent: str | None = None,
        min_delay_s: float | None = None,
        max_concurrency: int = 2,
        respect_robots: bool = True,
        archive: WarcArchive | None = None,
        max_retries: int = 2,
        backoff_s: float = 0.5,
        deadline_s: float | None = None,
    ) -> None:
        self.settings = settings
        self.user_agent = user_agent or settings.user_agent
        self.robots_token = re.split(r"[/\s(]", self.user_agent.strip(), maxsplit=1)[0] or "*"
        self.min_delay_s = settings.min_delay_s if min_delay_s is None else min_delay_s
        self.max_concurrency = max_concurrency
        self.respect_robots = respect_robots
        self.archive = archive
        self.max_retries = max_retries
        self.backoff_s = backoff_s
        self.timeout_s = settings.request_timeout_s
        # Wall-clock budget for one response; the idle socket timeout is timeout_s.
        self.deadline_s = deadline_s if deadline_s is not None else 2 * settings.request_timeout_s
        self.allow_hosts = {h.strip().lower() for h in settings.allow_hosts}
        self._hosts: dict[str, _HostState] = {}
        self._hosts_lock = threading.Lock()
        self._archive_lock = threading.Lock()
        self._closed = False

    # ------------------------------------------------------------------ public

    def get(
        self,
        url: str,
        *,
        kind: Literal["feed", "page"],
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> FetchResult:
        """GET ``url``; never raises for network or content problems."""
        start = time.monotonic()
        try:
            result = self._get(url, kind, etag, last_modified, check_robots=self.respect_robots)
        except Exception as exc:  # last line of defence: a bug must not stop a run
            log.exception("unexpected error fetching %s", url)
            result = FetchResult(url=url, final_url=url, error="connection_error", detail=repr(exc))
        result.elapsed_ms = int((time.monotonic() - start) * 1000)
        if self.archive is not None and result.status is not None:
            try:
                with self._archive_lock:
                    self.archive.write_response(
                        result.final_url, result.status, list(result.headers.items()), result.body
                    )
            except Exception:
                log.exception("archive write failed for %s", result.final_url)
        return result

    def close(self) -> None:
        self._closed = True

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------- internals

    def _host(self, key: str) -> _HostState:
        with self._hosts_lock:
            state = self._hosts.get(key)
            if state is None:
                state = self._hosts[key] = _HostState(self.max_concurrency)
            return state

    @contextlib.contextmanager
    def _polite(self, key: str) -> Iterator[None]:
        """Per-host concurrency cap and minimum delay between request starts."""
        state = self._host(key)
        with state.sem:
            with state.lock:
                delay = max(self.min_delay_s, state.crawl_delay)
                now = time.monotonic()
                if state.next_start > now:
                    time.sleep(state.next_start - now)
                state.next_start = time.monotonic() + delay
            yield

    def _get(
        self,
        url: str,
        kind: Kind,
        etag: str | None,
        last_modified: str | None,
        *,
        check_robots: bool,
    ) -> FetchResult:
        result = FetchResult(url=url, final_url=url)
        current = url.strip()
        seen: set[str] = {current}
        cap = {
            "feed": self.settings.max_feed_bytes,
            "page": self.settings.max_page_bytes,
            "robots": ROBOTS_MAX_BYTES,
        }[kind]
        while True:
            result.final_url = current
            try:
                scheme, host, port, target = split_url(current)
            except Refused as exc:
                result.error, result.detail = exc.code, exc.detail
                return result
            host_key = f"{scheme}://{netloc_key(host, port)}"
            if check_robots and not self._robots_allows(scheme, host, port, current):
                result.error, result.detail = "robots_disallowed", f"robots.txt disallows {current}"
                return result
            request = _Request(scheme, host, port, target, current, kind, cap, etag, last_modified)
            hop = self._attempts(request, host_key)
            result.status, result.headers, result.body = hop.status, hop.headers, hop.body
            result.error, result.detail = hop.error, hop.detail
            media, charset = media_type(hop.headers.get("content-type"))
            result.content_type, result.charset = media, charset
            if hop.error or hop.status is None:
                return result
            status = hop.status
            if status in REDIRECT_STATUSES and hop.headers.get("location"):
                nxt = urljoin(current, hop.headers["location"].strip())
                nxt = nxt.split("#", 1)[0]
                result.redirects.append(nxt)
                if nxt in seen:
                    result.error, result.detail = "redirect_loop", f"{current} -> {nxt} seen before"
                    return result
                if len(result.redirects) > MAX_REDIRECTS:
                    result.error = "too_many_redirects"
                    result.detail = f"more than {MAX_REDIRECTS} redirects"
                    return result
                seen.add(nxt)
                current = nxt
                etag = last_modified = None  # validators belong to the first URL
                continue
            if status == 304:
                result.not_modified = True
                result.body = b""
                return result
            if status != 200:
                result.error, result.detail = f"http_{status}", hop.detail or hop.reason or None
                return result
            if kind != "robots" and media is None and looks_binary(result.body):
                result.error, result.detail = "bad_content_type", "binary body without Content-Type"
            return result

    def _attempts(self, request: _Request, host_key: str) -> Hop:
        """One hop with retries (timeouts, connection errors, 5xx, 429)."""
        attempt = 0
        while True:
            with self._polite(host_key):
                hop = self._exchange(request)
            retryable = hop.error in ("timeout", "connection_error") or (
                hop.error is None and hop.status in RETRY_STATUSES
            )
            if not retryable or attempt >= self.max_retries:
                return hop
            wait = self.backoff_s * (2**attempt)
            ra = _retry_after(hop.headers.get("retry-after"))
            if ra is not None:
                if ra > RETRY_AFTER_CAP_S:
                    hop.detail = f"Retry-After {ra:.0f}s exceeds cap {RETRY_AFTER_CAP_S:.0f}s"
                    return hop
                wait = max(wait, ra)
            attempt += 1
            log.info("retry %d for %s in %.1fs (%s)", attempt, request.url, wait,
                     hop.error or hop.status)  # fmt: skip
            time.sleep(wait)

    def _exchange(self, request: _Request) -> Hop:
        scheme, host, port = request.scheme, request.host, request.port
        host_header = host if port == DEFAULT_PORTS[scheme] else netloc_key(host, port)
        headers = request_headers(
            request.kind, host_header, self.user_agent, request.etag, request.last_modified
        )
        try:
            route = self._route(request, headers)
        except Refused as exc:
            return Hop().refuse(exc.code, exc.detail)
        return exchange(route, headers, request.kind, request.cap, self.timeout_s, self.deadline_s)

    def _route(self, request: _Request, headers: dict[str, str]) -> Route:
        """The checked address to connect to: the origin, or the replay server."""
        scheme, host, port, target = request.scheme, request.host, request.port, request.target
        if not self.settings.replay_url:
            address = resolve_checked(host, port, self.allow_hosts)
            return Route(scheme, host, port, target, address)
        check_original(host, port, self.allow_hosts)
        r_scheme, r_host, r_port, r_prefix = split_url(self.settings.replay_url)
        if netloc_key(r_host, r_port) not in self.allow_hosts:
            raise Refused("address_refused", f"replay target {r_host}:{r_port} not in allow_hosts")
        path = r_prefix.rstrip("/") + target if r_prefix != "/" else target
        headers["X-Akhbar-Original-Url"] = ascii_uri(request.url)
        address = resolve_checked(r_host, r_port, self.allow_hosts)
        return Route(r_scheme, r_host, r_port, path, address)

    # ----------------------------------------------------------------- robots

    def _robots_allows(self, scheme: str, host: str, port: int, url: str) -> bool:
        key = f"{scheme}://{netloc_key(host, port)}"
        state = self._host(key)
        with state.robots_lock:
            if state.robots is None:
                state.robots = self._load_robots(scheme, host, port, state)
        rules = state.robots
        if rules == "allow":
            return True
        if rules == "disallow":
            return False
        try:
            return bool(rules.can_fetch(url, self.robots_token))  # type: ignore[attr-defined]
        except Exception:
            return True

    def _load_robots(self, scheme: str, host: str, port: int, state: _HostState) -> object:
        """Protego rules; 'allow' for 4xx/errors, 'disallow' for 5xx (RFC 9309 §2.3.1)."""
        from protego import Protego

        netloc = host if port == DEFAULT_PORTS[scheme] else netloc_key(host, port)
        robots_url = f"{scheme}://{netloc}/robots.txt"
        res = self._get(robots_url, "robots", None, None, check_robots=False)
        if res.status is not None and 500 <= res.status < 600:
            log.warning("robots.txt %s answered %s: host disallowed for this run", robots_url,
                        res.status)  # fmt: skip
            return "disallow"
        if res.status != 200 or res.error:
            return "allow"
        try:
            text = res.body.decode("utf-8", errors="replace")
            rules = Protego.parse(text)
            delay = rules.crawl_delay(self.robots_token)
            if delay:
                state.crawl_delay = min(float(delay), ROBOTS_CRAWL_DELAY_CAP_S)
            return rules
        except Exception:
            log.exception("unparsable robots.txt at %s: allowing", robots_url)
            return "allow"
