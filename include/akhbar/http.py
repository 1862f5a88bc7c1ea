"""One hardened HTTP client for feeds, pages and robots.txt.

Why not a plain ``httpx.get``: a daily run meets servers that trickle bytes,
redirect forever, point at cloud metadata addresses, send gzip bombs or PDFs.
:meth:`Fetcher.get` never raises for any of that; it returns a
:class:`FetchResult` with a machine-readable ``error``.

Design (urllib3 2.8 low-level connections, one connection per hop):

* **Address checks on every hop.** The host is resolved once, every resolved
  address must be public (not loopback/private/link-local/multicast/reserved/
  metadata, or an IPv6 transition range: 6to4, Teredo, NAT64, IPv4-compatible,
  refused whole; IPv4-mapped is checked as its IPv4 address), and the
  connection is opened to that *checked* address (Host
  header and TLS SNI/hostname check use the name), so DNS rebinding between
  check and connect cannot redirect us. ``settings.allow_hosts`` entries
  (exact ``host:port``) skip the range check (test and replay servers).
* **Wall-clock deadline per response.** A watchdog timer shuts the socket down
  at the deadline, so a server trickling one byte a second (headers or body)
  cannot hold a worker. Socket operations also have an idle timeout.
* **Decompression is ours** (zlib with ``max_length``), so bombs stop at the
  byte cap without inflating more than one extra chunk. Only gzip/deflate are
  advertised; brotli/zstd are not installed, an unexpected one gives
  ``decode_error``.
* **Replay mode** (``settings.replay_url``): every hop goes to the replay
  server with ``Host`` and ``X-Akhbar-Original-Url``; results keep real URLs.
"""

from __future__ import annotations

import contextlib
import email.utils
import ipaddress
import logging
import os
import re
import socket
import threading
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal
from urllib.parse import quote, urljoin, urlsplit

from urllib3.connection import HTTPConnection, HTTPSConnection

from akhbar.config import Settings

if TYPE_CHECKING:
    from akhbar.archive import WarcArchive

log = logging.getLogger(__name__)

Kind = Literal["feed", "page", "robots"]

MAX_REDIRECTS = 5
RETRY_AFTER_CAP_S = 30.0
ROBOTS_MAX_BYTES = 512_000
ROBOTS_CRAWL_DELAY_CAP_S = 10.0
CHUNK = 65_536
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})

# Content types accepted per kind (matched on the media type, parameters dropped).
PAGE_TYPES: frozenset[str] = frozenset({"text/html", "application/xhtml+xml"})
FEED_TYPE_MARKERS: tuple[str, ...] = ("xml", "rss", "atom")
# Magic numbers of bodies that must never reach the extractor, whatever the header says.
BINARY_MAGIC: tuple[bytes, ...] = (
    b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"RIFF", b"PK\x03\x04", b"\x00\x00\x00",
)  # fmt: skip

# Addresses refused even if some future ipaddress version calls them global.
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a) for a in ("169.254.169.254", "100.100.100.200", "fd00:ec2::254")
)
# IPv6 ranges that embed or route to IPv4, refused whole (order: specific first).
TRANSITION_NETWORKS: tuple[tuple[ipaddress.IPv6Network, str], ...] = tuple(
    (ipaddress.IPv6Network(net), name)
    for net, name in (
        ("64:ff9b::/96", "NAT64"),
        ("64:ff9b:1::/48", "NAT64 local-use"),
        ("2001::/32", "Teredo"),
        ("2002::/16", "6to4"),
        ("::/96", "IPv4-compatible"),
        ("::ffff:0:0:0/96", "IPv4-translated"),
    )
)
# Special-purpose blocks newer than the ipaddress tables of Python 3.11.
EXTRA_NON_GLOBAL: tuple[ipaddress.IPv6Network, ...] = (
    ipaddress.IPv6Network("3fff::/20"),  # documentation (RFC 9637)
    ipaddress.IPv6Network("5f00::/16"),  # SRv6 SIDs (RFC 9602)
)
METADATA_HOSTNAMES = frozenset({"metadata.google.internal", "metadata", "instance-data"})
_DEFAULT_PORTS = {"http": 80, "https": 443}


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


class _Refused(Exception):
    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


@dataclass
class _Hop:
    """What one HTTP exchange returned."""

    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    error: str | None = None
    detail: str | None = None
    reason: str = ""


def _media_type(value: str | None) -> tuple[str | None, str | None]:
    if not value:
        return None, None
    parts = [p.strip() for p in value.split(";")]
    media = parts[0].lower() or None
    charset = None
    for p in parts[1:]:
        k, _, v = p.partition("=")
        if k.strip().lower() == "charset" and v.strip():
            charset = v.strip().strip("'\"").lower() or None
    return media, charset


def content_type_allowed(kind: Kind, media: str | None) -> bool:
    """Whether a response of this media type may be handed on for ``kind``."""
    if kind == "robots":
        return True
    if media is None:
        return True  # decided by sniffing the body
    if kind == "page":
        return media in PAGE_TYPES
    return media.startswith("text/") or any(m in media for m in FEED_TYPE_MARKERS)


def _looks_binary(body: bytes) -> bool:
    return body.startswith(BINARY_MAGIC)


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


def _embedded_ipv4(ip: ipaddress.IPv6Address, name: str) -> ipaddress.IPv4Address | None:
    """The IPv4 address a transition address carries (for the refusal message only)."""
    if name == "6to4":
        return ip.sixtofour
    if name == "Teredo":
        return ip.teredo[1] if ip.teredo else None
    if name == "NAT64 local-use":  # RFC 8215: the embedding depends on the prefix length
        return None
    return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)


def _transition_refused(ip: ipaddress.IPv6Address) -> str | None:
    """Refuse IPv6 ranges that carry (or route to) an IPv4 address, whatever it is.

    6to4, Teredo and NAT64 are refused as whole ranges rather than decoded: a
    6to4 site prefix also reaches the hosts behind that site's router, Teredo
    obfuscates its client address, and a NAT64 gateway decides itself what it
    forwards to. IPv4-mapped addresses are the one exception (see _ip_refused).
    """
    if int(ip) <= 1:  # :: and ::1 are the unspecified and loopback addresses
        return None
    for network, name in TRANSITION_NETWORKS:
        if ip in network:
            embedded = _embedded_ipv4(ip, name)
            return f"{name} address" + (f" (embeds {embedded})" if embedded else "")
    return None


def _ip_refused(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    # ::ffff:a.b.c.d is the same socket address as a.b.c.d: check that one.
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if isinstance(ip, ipaddress.IPv6Address):
        transition = _transition_refused(ip)
        if transition:
            return transition
    if ip in METADATA_ADDRESSES:
        return "cloud metadata address"
    for attr in ("is_loopback", "is_private", "is_link_local", "is_multicast", "is_reserved"):
        if getattr(ip, attr):
            return attr[3:].replace("_", "-") + " address"
    if ip.is_unspecified or not ip.is_global:
        return "non-global address"
    if isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local:
        return "site-local address"  # fec0::/10: deprecated, still routed inside sites
    if any(ip in network for network in EXTRA_NON_GLOBAL):
        return "non-global address"
    return None


def _netloc_key(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


class _Decoder:
    """Streaming Content-Encoding decoder with an output cap (gzip/deflate chains)."""

    def __init__(self, encodings: list[str]) -> None:
        self.stages: list[object] = []
        for enc in reversed(encodings):  # last applied encoding is undone first
            if enc in ("gzip", "x-gzip"):
                self.stages.append(zlib.decompressobj(16 + zlib.MAX_WBITS))
            elif enc == "deflate":
                self.stages.append("deflate?")  # zlib or raw; decided on first bytes
            elif enc in ("identity", ""):
                continue
            else:
                raise _Refused("decode_error", f"unsupported content-encoding {enc!r}")

    def _stage(self, i: int, data: bytes):  # -> zlib decompressobj
        st = self.stages[i]
        if st == "deflate?":
            if not data:
                return None
            zlib_header = (
                len(data) >= 2 and (data[0] & 0x0F) == 8 and (data[0] << 8 | data[1]) % 31 == 0
            )
            st = zlib.decompressobj(zlib.MAX_WBITS if zlib_header else -zlib.MAX_WBITS)
            self.stages[i] = st
        return st

    def feed(self, data: bytes, limit: int) -> bytes:
        """Decode ``data``; returns at most ``limit`` bytes (limit reached = too large)."""
        try:
            for i in range(len(self.stages)):
                st = self._stage(i, data)
                if st is None:
                    return b""
                final = i == len(self.stages) - 1
                data = st.decompress(st.unconsumed_tail + data, limit if final else limit * 4)
        except zlib.error as exc:
            raise _Refused("decode_error", f"bad compressed data: {exc}") from exc
        return data


class _HostState:
    def __init__(self, concurrency: int) -> None:
        self.sem = threading.BoundedSemaphore(max(1, concurrency))
        self.lock = threading.Lock()
        self.next_start = 0.0
        self.robots_lock = threading.Lock()
        self.robots: object | None = None  # Protego | "allow" | "disallow"
        self.crawl_delay = 0.0


def _ascii_uri(text: str) -> str:
    """Percent-encode non-ASCII (UTF-8) and spaces; existing escapes are kept."""
    return quote(text, safe="/?#[]@!$&'()*+,;=:%~-._")


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

    def _split(self, url: str) -> tuple[str, str, int, str]:
        """(scheme, host, port, path?query) of an absolute URL or raise _Refused."""
        try:
            parts = urlsplit(url.strip())
            port = parts.port
        except ValueError as exc:
            raise _Refused("scheme_refused", f"unparsable URL: {exc}") from exc
        scheme = parts.scheme.lower()
        if scheme not in _DEFAULT_PORTS:
            raise _Refused("scheme_refused", f"scheme {scheme or '(none)'!r} not allowed")
        host = (parts.hostname or "").lower().rstrip(".")
        if not host:
            raise _Refused("scheme_refused", "URL has no host")
        with contextlib.suppress(UnicodeError):
            host = host.encode("idna").decode("ascii")
        target = parts.path or "/"
        if parts.query:
            target += "?" + parts.query
        # IRIs (raw Arabic in paths are common) go on the wire percent-encoded.
        return scheme, host, port or _DEFAULT_PORTS[scheme], _ascii_uri(target)

    def _resolve_checked(self, host: str, port: int) -> str:
        """Resolve and check; returns the address to connect to."""
        allowed = _netloc_key(host, port) in self.allow_hosts
        if not allowed and host in METADATA_HOSTNAMES:
            raise _Refused("address_refused", f"{host} is a metadata host name")
        try:
            literal = ipaddress.ip_address(host)
        except ValueError:
            literal = None
        if literal is not None:
            addrs = [str(literal)]
        else:
            try:
                infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
            except OSError as exc:
                raise _Refused("connection_error", f"DNS lookup failed for {host}: {exc}") from exc
            addrs = list(dict.fromkeys(str(info[4][0]) for info in infos))
        if not addrs:
            raise _Refused("connection_error", f"no address for {host}")
        if not allowed:
            for a in addrs:
                reason = _ip_refused(ipaddress.ip_address(a.split("%")[0]))
                if reason:
                    raise _Refused("address_refused", f"{host}:{port} -> {a}: {reason}")
        return addrs[0]

    def _check_original(self, host: str, port: int) -> None:
        """In replay mode the original host is not resolved; refuse literal bad IPs."""
        if _netloc_key(host, port) in self.allow_hosts:
            return
        if host in METADATA_HOSTNAMES:
            raise _Refused("address_refused", f"{host} is a metadata host name")
        try:
            ip = ipaddress.ip_address(host)
        except ValueError:
            return
        reason = _ip_refused(ip)
        if reason:
            raise _Refused("address_refused", f"{host}: {reason}")

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
                scheme, host, port, target = self._split(current)
            except _Refused as exc:
                result.error, result.detail = exc.code, exc.detail
                return result
            host_key = f"{scheme}://{_netloc_key(host, port)}"
            if check_robots and not self._robots_allows(scheme, host, port, current):
                result.error, result.detail = "robots_disallowed", f"robots.txt disallows {current}"
                return result
            hop = self._attempts(scheme, host, port, target, current, host_key, kind, cap,
                                 etag, last_modified)  # fmt: skip
            result.status, result.headers, result.body = hop.status, hop.headers, hop.body
            result.error, result.detail = hop.error, hop.detail
            media, charset = _media_type(hop.headers.get("content-type"))
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
            if kind != "robots" and media is None and _looks_binary(result.body):
                result.error, result.detail = "bad_content_type", "binary body without Content-Type"
            return result

    def _attempts(
        self,
        scheme: str,
        host: str,
        port: int,
        target: str,
        original_url: str,
        host_key: str,
        kind: Kind,
        cap: int,
        etag: str | None,
        last_modified: str | None,
    ) -> _Hop:
        """One hop with retries (timeouts, connection errors, 5xx, 429)."""
        attempt = 0
        while True:
            with self._polite(host_key):
                hop = self._exchange(scheme, host, port, target, original_url, kind, cap,
                                     etag, last_modified)  # fmt: skip
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
            log.info("retry %d for %s in %.1fs (%s)", attempt, original_url, wait,
                     hop.error or hop.status)  # fmt: skip
            time.sleep(wait)

    def _exchange(
        self,
        scheme: str,
        host: str,
        port: int,
        target: str,
        original_url: str,
        kind: Kind,
        cap: int,
        etag: str | None,
        last_modified: str | None,
    ) -> _Hop:
        hop = _Hop()
        host_header = host if port == _DEFAULT_PORTS[scheme] else _netloc_key(host, port)
        headers = {
            "Host": host_header,
            "User-Agent": self.user_agent,
            "Accept-Encoding": "gzip, deflate",
            "Accept": {
                "feed": "application/rss+xml, application/atom+xml, application/xml;q=0.9, "
                "text/xml;q=0.9, */*;q=0.1",
                "page": "text/html, application/xhtml+xml;q=0.9, */*;q=0.1",
                "robots": "text/plain, */*;q=0.1",
            }[kind],
            "Accept-Language": "ar, en;q=0.5",
            "Connection": "close",
        }
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        try:
            if self.settings.replay_url:
                self._check_original(host, port)
                r_scheme, r_host, r_port, r_prefix = self._split(self.settings.replay_url)
                if _netloc_key(r_host, r_port) not in self.allow_hosts:
                    raise _Refused(
                        "address_refused", f"replay target {r_host}:{r_port} not in allow_hosts"
                    )
                conn_scheme, conn_host, conn_port = r_scheme, r_host, r_port
                path = r_prefix.rstrip("/") + target if r_prefix != "/" else target
                headers["X-Akhbar-Original-Url"] = _ascii_uri(original_url)
            else:
                conn_scheme, conn_host, conn_port, path = scheme, host, port, target
            address = self._resolve_checked(conn_host, conn_port)
        except _Refused as exc:
            hop.error, hop.detail = exc.code, exc.detail
            return hop

        timeout = self.timeout_s
        if conn_scheme == "https":
            conn: HTTPConnection = HTTPSConnection(
                address, conn_port, timeout=timeout, server_hostname=conn_host,
                assert_hostname=conn_host,
            )  # fmt: skip
        else:
            conn = HTTPConnection(address, conn_port, timeout=timeout)
        fired = threading.Event()
        watchdog_sock: socket.socket | None = None
        timer: threading.Timer | None = None
        t0 = time.monotonic()

        def _kill() -> None:
            fired.set()
            if watchdog_sock is not None:
                with contextlib.suppress(OSError):
                    watchdog_sock.shutdown(socket.SHUT_RDWR)

        try:
            conn.connect()
            sock = conn.sock
            if sock is not None:
                # A dup of the fd: shutdown() on it stops reads on the shared socket
                # from the watchdog thread without touching the SSL object.
                watchdog_sock = socket.socket(fileno=os.dup(sock.fileno()))
            remaining = self.deadline_s - (time.monotonic() - t0)
            timer = threading.Timer(max(0.0, remaining), _kill)
            timer.daemon = True
            timer.start()
            conn.request("GET", path, headers=headers, preload_content=False, decode_content=False)
            resp = conn.getresponse()
            hop.status = resp.status
            merged: dict[str, str] = {}
            for name, value in resp.headers.items():
                key = name.lower()
                merged[key] = f"{merged[key]}, {value}" if key in merged else value
            hop.headers = merged
            hop.reason = str(resp.reason or "")
            if hop.status in REDIRECT_STATUSES or hop.status == 304:
                return hop
            media, _ = _media_type(merged.get("content-type"))
            if hop.status == 200 and not content_type_allowed(kind, media):
                hop.error = "bad_content_type"
                hop.detail = f"{media} not accepted for {kind}"
                return hop
            length = merged.get("content-length", "").strip()
            if length.isdigit() and int(length) > cap:
                hop.error, hop.detail = "too_large", f"Content-Length {length} > cap {cap}"
                return hop
            encodings = [
                e.strip().lower()
                for e in merged.get("content-encoding", "").split(",")
                if e.strip()
            ]
            decoder = _Decoder(encodings) if encodings else None
            out = bytearray()
            while True:
                if time.monotonic() - t0 > self.deadline_s:
                    fired.set()
                    break
                chunk = resp.read(CHUNK, decode_content=False)
                if not chunk:
                    if decoder is not None:
                        # drain tails left by the output cap of chained stages
                        for _ in range(64):
                            tail = decoder.feed(b"", cap + 1 - len(out))
                            if not tail:
                                break
                            out += tail
                            if len(out) > cap:
                                hop.error = "too_large"
                                hop.detail = f"decoded body exceeds cap {cap} bytes"
                                del out[cap:]
                                break
                    break
                data = decoder.feed(chunk, cap + 1 - len(out)) if decoder else chunk
                out += data
                if len(out) > cap:
                    hop.error, hop.detail = "too_large", f"decoded body exceeds cap {cap} bytes"
                    del out[cap:]
                    break
            if fired.is_set():
                hop.error = "deadline"
                hop.detail = f"response not complete within {self.deadline_s:.1f}s"
            hop.body = bytes(out)
        except _Refused as exc:
            hop.error, hop.detail = exc.code, exc.detail
        except TimeoutError as exc:
            hop.error, hop.detail = (
                ("deadline" if fired.is_set() else "timeout"),
                str(exc) or "timed out",
            )
        except Exception as exc:  # connection reset, protocol errors, TLS errors, ...
            if fired.is_set():
                hop.error = "deadline"
                hop.detail = f"response not complete within {self.deadline_s:.1f}s"
            else:
                hop.error, hop.detail = "connection_error", f"{type(exc).__name__}: {exc}"
        finally:
            if timer is not None:
                timer.cancel()
            with contextlib.suppress(Exception):
                conn.close()
            if watchdog_sock is not None:
                with contextlib.suppress(OSError):
                    watchdog_sock.close()
        if hop.error == "connection_error" and hop.status is not None:
            hop.detail = f"after status {hop.status}: {hop.detail}"
        return hop

    # ----------------------------------------------------------------- robots

    def _robots_allows(self, scheme: str, host: str, port: int, url: str) -> bool:
        key = f"{scheme}://{_netloc_key(host, port)}"
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

        netloc = host if port == _DEFAULT_PORTS[scheme] else _netloc_key(host, port)
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
