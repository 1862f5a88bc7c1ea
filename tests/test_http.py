"""Fetcher behaviour against the hostile server on 127.0.0.1 (no mocks)."""

from __future__ import annotations

import dataclasses
import json
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from akhbar.config import Settings, load_settings
from akhbar.fetch.http import Fetcher, FetchResult
from hostile_server import HostileServer, hostile_server

TIMEOUT_S = 1.5  # idle timeout (> the 1 s trickle interval); wall-clock deadline is 3 s


@pytest.fixture(scope="module")
def server() -> Iterator[HostileServer]:
    with hostile_server() as srv:
        yield srv


def _settings(srv: HostileServer, **kw: object) -> Settings:
    base = dataclasses.replace(
        load_settings(),
        allow_hosts=(f"127.0.0.1:{srv.port}",),
        request_timeout_s=TIMEOUT_S,
        replay_url=None,
    )
    return dataclasses.replace(base, **kw)


@pytest.fixture
def fetcher(server: HostileServer) -> Iterator[Fetcher]:
    with Fetcher(_settings(server), min_delay_s=0, backoff_s=0.05) as f:
        yield f


def _timed(f: Fetcher, url: str, kind: str = "page", **kw: str) -> tuple[FetchResult, float]:
    t0 = time.monotonic()
    res = f.get(url, kind=kind, **kw)  # type: ignore[arg-type]
    return res, time.monotonic() - t0


def test_plain_page_ok(server: HostileServer, fetcher: Fetcher) -> None:
    res, _ = _timed(fetcher, server.base_url + "/_/ok")
    assert res.ok and res.status == 200 and b"ok" in res.body
    assert res.content_type == "text/html" and res.charset == "utf-8"
    assert res.error is None and res.redirects == []


@pytest.mark.parametrize("path", ["/_/slow", "/_/slow-headers"])
def test_slow_loris_hits_wall_clock_deadline(
    server: HostileServer, fetcher: Fetcher, path: str
) -> None:
    res, took = _timed(fetcher, server.base_url + path)
    assert res.error == "deadline"
    assert not res.ok
    assert took < 2 * TIMEOUT_S + 1.5  # deadline 2 s, never retried


def test_silent_server_times_out_with_bounded_retries(server: HostileServer) -> None:
    with Fetcher(_settings(server), min_delay_s=0, max_retries=1, backoff_s=0.05) as f:
        res, took = _timed(f, server.base_url + "/_/silent")
    assert res.error == "timeout" and res.status is None
    assert took < 2 * (TIMEOUT_S + 0.5) + 1


def test_endless_redirects_capped(server: HostileServer, fetcher: Fetcher) -> None:
    res, _ = _timed(fetcher, server.base_url + "/_/redirect-endless/0")
    assert res.error == "too_many_redirects"
    assert len(res.redirects) == 6
    assert res.final_url.endswith("/_/redirect-endless/5")


def test_redirect_loop_detected(server: HostileServer, fetcher: Fetcher) -> None:
    res, _ = _timed(fetcher, server.base_url + "/_/loop-a")
    assert res.error == "redirect_loop"
    assert res.redirects[-1] == server.base_url + "/_/loop-a"


def test_redirect_followed_and_recorded(server: HostileServer, fetcher: Fetcher) -> None:
    res, _ = _timed(fetcher, server.base_url + "/_/redirect-to/_/ok")
    assert res.ok
    assert res.url == server.base_url + "/_/redirect-to/_/ok"
    assert res.final_url == server.base_url + "/_/ok"
    assert res.redirects == [server.base_url + "/_/ok"]


@pytest.mark.parametrize(
    ("path", "code"),
    [
        ("/_/to-metadata", "address_refused"),
        ("/_/to-other-port", "address_refused"),
        ("/_/to-file", "scheme_refused"),
    ],
)
def test_redirect_targets_checked_on_every_hop(
    server: HostileServer, fetcher: Fetcher, path: str, code: str
) -> None:
    res, _ = _timed(fetcher, server.base_url + path)
    assert res.error == code
    assert not res.ok and res.body == b""


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://100.100.100.200/latest/meta-data/",
        "http://[fd00:ec2::254]/latest/meta-data/",
        "http://10.0.0.1/",
        "http://192.168.1.1/",
        "http://[::1]/",
        "http://localhost/",
        "http://224.0.0.1/",
        "http://0.0.0.0/",
        "http://[::ffff:127.0.0.1]/",
    ],
)
def test_private_and_metadata_addresses_refused(fetcher: Fetcher, url: str) -> None:
    # Refused before any connection is opened (the check precedes connect()).
    res = fetcher.get(url, kind="page")
    assert res.error == "address_refused", res.detail


@pytest.mark.parametrize(
    "host",
    # inet_aton forms of 127.0.0.1 that ipaddress does not parse: the resolver
    # turns them into 127.0.0.1, and the resolved address is what gets checked
    ["2130706433", "0177.0.0.1", "0x7f.1", "0x7f000001", "127.1", "017700000001"],
)
def test_numeric_ipv4_forms_refused(fetcher: Fetcher, host: str) -> None:
    res = fetcher.get(f"http://{host}/", kind="page")
    assert res.error == "address_refused", res.detail
    assert "127.0.0.1: loopback address" in (res.detail or "")


@pytest.mark.parametrize(
    ("host", "reason"),
    [
        ("2002:7f00:1::", "6to4 address (embeds 127.0.0.1)"),
        ("2002:a9fe:a9fe::", "6to4 address (embeds 169.254.169.254)"),
        ("2002:808:808::1", "6to4 address (embeds 8.8.8.8)"),  # whole range, public too
        ("64:ff9b::7f00:1", "NAT64 address (embeds 127.0.0.1)"),
        ("64:ff9b::a9fe:a9fe", "NAT64 address (embeds 169.254.169.254)"),
        ("64:ff9b::808:808", "NAT64 address (embeds 8.8.8.8)"),
        ("64:ff9b:1::7f00:1", "NAT64 local-use address"),
        ("2001:0:4136:e378:8000:63bf:3fff:fdd2", "Teredo address (embeds 192.0.2.45)"),
        ("2001::1", "Teredo address (embeds 255.255.255.254)"),
        ("::127.0.0.1", "IPv4-compatible address (embeds 127.0.0.1)"),
        ("::ffff:0:7f00:1", "IPv4-translated address (embeds 127.0.0.1)"),
        ("::ffff:169.254.169.254", "cloud metadata address"),
        ("::ffff:10.0.0.1", "private address"),
        ("fec0::1", "site-local address"),
        ("3fff::1", "non-global address"),
    ],
)
def test_ipv6_transition_ranges_refused(fetcher: Fetcher, host: str, reason: str) -> None:
    res = fetcher.get(f"http://[{host}]/", kind="page")
    assert res.error == "address_refused", res.detail
    assert (res.detail or "").endswith(reason), res.detail


def test_public_addresses_are_not_refused() -> None:
    import ipaddress

    from akhbar.fetch.http.addresses import ip_refused

    for addr in ("8.8.8.8", "::ffff:8.8.8.8", "2a00:1450:4001:82a::200e", "2606:4700::1111"):
        assert ip_refused(ipaddress.ip_address(addr)) is None, addr


class _RebindingResolver:
    """A resolver for one name that answers public first, then the loopback server.

    No DNS server runs here, so the resolver is replaced for that one name;
    every other lookup goes to the real ``getaddrinfo`` except the public
    address, which fails as it would offline (no outbound connection is made).
    """

    PUBLIC = "93.184.216.34"

    def __init__(self, name: str, answers: list[list[str]]) -> None:
        import socket

        self.name, self.answers, self.calls = name, answers, 0
        self.real = socket.getaddrinfo

    def __call__(self, host: object, port: object, *args: object, **kw: object) -> list:
        import socket

        if host == self.PUBLIC:
            raise socket.gaierror(socket.EAI_NONAME, "offline test: no route")
        if host != self.name:
            return self.real(host, port, *args, **kw)  # type: ignore[arg-type]
        answer = self.answers[min(self.calls, len(self.answers) - 1)]
        self.calls += 1
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, int(port)))  # type: ignore[call-overload]
            for a in answer
        ]


def test_dns_rebinding_connects_only_to_the_checked_address(
    server: HostileServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    import socket

    resolver = _RebindingResolver("rebind.test", [[_RebindingResolver.PUBLIC], ["127.0.0.1"]])
    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    with Fetcher(_settings(server), min_delay_s=0, max_retries=0, respect_robots=False) as f:
        res = f.get(f"http://rebind.test:{server.port}/_/ok", kind="page")
    # Resolved once; the connection went to the checked public address (which
    # fails offline), never to a second answer pointing at the loopback server.
    assert resolver.calls == 1
    assert res.status is None and res.body == b""
    assert res.error == "connection_error", res.detail


def test_dns_answer_with_any_private_address_is_refused(
    server: HostileServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    import socket

    resolver = _RebindingResolver("mixed.test", [[_RebindingResolver.PUBLIC, "127.0.0.1"]])
    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    with Fetcher(_settings(server), min_delay_s=0, max_retries=0, respect_robots=False) as f:
        res = f.get(f"http://mixed.test:{server.port}/_/ok", kind="page")
    assert res.error == "address_refused"
    assert "127.0.0.1: loopback address" in (res.detail or "")


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/x", "data:text/html,hi"])
def test_non_http_schemes_refused(fetcher: Fetcher, url: str) -> None:
    assert fetcher.get(url, kind="page").error == "scheme_refused"


def test_loopback_other_port_refused_even_directly(server: HostileServer, fetcher: Fetcher) -> None:
    res = fetcher.get(f"http://127.0.0.1:{server.other_port}/", kind="page")
    assert res.error == "address_refused"


def test_5xx_retried_then_success(server: HostileServer, fetcher: Fetcher) -> None:
    res, _ = _timed(fetcher, server.base_url + "/_/flaky/t1?fail=2")
    assert res.ok and b"recovered" in res.body
    assert server.counts["/_/flaky/t1"] == 3


def test_5xx_gives_up_after_max_retries(server: HostileServer, fetcher: Fetcher) -> None:
    res, _ = _timed(fetcher, server.base_url + "/_/flaky/t2?fail=9")
    assert res.error == "http_503" and res.status == 503
    assert server.counts["/_/flaky/t2"] == 3  # 1 + max_retries(2)


@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_honoured(server: HostileServer, fetcher: Fetcher, status: int) -> None:
    res, took = _timed(
        fetcher, server.base_url + f"/_/retry-after/s{status}?after=1&status={status}"
    )
    assert res.ok
    assert took >= 0.95


def test_retry_after_over_cap_not_waited(server: HostileServer, fetcher: Fetcher) -> None:
    res, took = _timed(fetcher, server.base_url + "/_/retry-after/long?after=3600")
    assert res.error == "http_429" and took < 2
    assert "Retry-After" in (res.detail or "")


def test_404(server: HostileServer, fetcher: Fetcher) -> None:
    res, _ = _timed(fetcher, server.base_url + "/_/status/404")
    assert res.error == "http_404" and res.status == 404 and not res.ok


@pytest.mark.parametrize(
    ("path", "kind"),
    [("/_/pdf", "page"), ("/_/image", "page"), ("/_/pdf", "feed"), ("/_/untyped-pdf", "page")],
)
def test_wrong_content_type(server: HostileServer, fetcher: Fetcher, path: str, kind: str) -> None:
    res, _ = _timed(fetcher, server.base_url + path, kind)
    assert res.error == "bad_content_type" and not res.ok


def test_feed_content_types_accepted(server: HostileServer, fetcher: Fetcher) -> None:
    url = server.base_url + "/feeds/feedparser/tests/wellformed/rss/item_pubDate.xml"
    for ct in ("application/rss+xml", "text/xml", "application/atom+xml", "text/plain"):
        res = fetcher.get(f"{url}?ct={ct}", kind="feed")
        assert res.ok, (ct, res.error)
    assert fetcher.get(f"{url}?ct=application/xml", kind="page").error == "bad_content_type"


@pytest.mark.parametrize("path", ["/_/big", "/_/big-cl"])
def test_large_body_capped(server: HostileServer, fetcher: Fetcher, path: str) -> None:
    res, _ = _timed(fetcher, server.base_url + path)
    assert res.error == "too_large"
    assert len(res.body) <= fetcher.settings.max_page_bytes


@pytest.mark.parametrize(
    "path",
    [
        "/_/gzip-bomb",
        "/_/deflate-bomb",
        "/pages/scrapy/tests/sample_data/compressed/bomb-gzip.bin?ce=gzip&ct=text/html",
        "/pages/scrapy/tests/sample_data/compressed/bomb-deflate.bin?ce=deflate&ct=text/html",
    ],
)
def test_decompression_capped(server: HostileServer, path: str) -> None:
    s = _settings(server, max_page_bytes=2_000_000)
    with Fetcher(s, min_delay_s=0) as f:
        res, took = _timed(f, server.base_url + path)
    assert res.error == "too_large"
    assert len(res.body) == 2_000_000
    assert took < 15


@pytest.mark.parametrize(
    ("name", "encoding"),
    [
        ("html-gzip.bin", "gzip"),
        ("html-zlibdeflate.bin", "deflate"),
        ("html-rawdeflate.bin", "deflate"),
        ("html-gzip-deflate.bin", "gzip,deflate"),
        ("html-gzip-deflate-gzip.bin", "gzip,deflate,gzip"),
    ],
)
def test_content_encodings_decoded(
    server: HostileServer, fetcher: Fetcher, name: str, encoding: str
) -> None:
    root = server.root / "pages/scrapy/tests/sample_data/compressed"
    if not (root / name).exists():
        pytest.skip("scrapy compressed samples not present")
    res = fetcher.get(
        f"{server.base_url}/pages/scrapy/tests/sample_data/compressed/{name}"
        f"?ce={encoding}&ct=text/html",
        kind="page",
    )
    assert res.ok, (res.error, res.detail)
    assert b"<html" in res.body.lower() or b"<!doctype" in res.body.lower()


def test_unsupported_encoding_is_decode_error(server: HostileServer, fetcher: Fetcher) -> None:
    res = fetcher.get(
        server.base_url
        + "/pages/scrapy/tests/sample_data/compressed/html-br.bin?ce=br&ct=text/html",
        kind="page",
    )
    assert res.error == "decode_error"


def test_truncated_gzip_is_not_a_crash(server: HostileServer, fetcher: Fetcher) -> None:
    res = fetcher.get(
        server.base_url
        + "/pages/scrapy/tests/sample_data/compressed/truncated-crc-error.gz?ce=gzip&ct=text/html",
        kind="page",
    )
    assert res.error in (None, "decode_error")


def test_robots_disallow_honoured(server: HostileServer, fetcher: Fetcher) -> None:
    res = fetcher.get(server.base_url + "/_/private/page", kind="page")
    assert res.error == "robots_disallowed"
    assert server.counts["/_/private/page"] == 0
    assert fetcher.get(server.base_url + "/_/ok", kind="page").ok


def test_robots_ignored_when_not_respected(server: HostileServer) -> None:
    with Fetcher(_settings(server), min_delay_s=0, respect_robots=False) as f:
        assert f.get(server.base_url + "/_/private/open", kind="page").ok


@pytest.mark.parametrize(("mode", "allowed"), [("500", False), ("404", True)])
def test_robots_status_rules(mode: str, allowed: bool) -> None:
    with hostile_server(robots=mode) as srv:
        with Fetcher(_settings(srv), min_delay_s=0, max_retries=0) as f:
            res = f.get(srv.base_url + "/_/ok", kind="page")
            res2 = f.get(srv.base_url + "/_/ok", kind="page")
        assert res.ok is allowed
        assert res.error == (None if allowed else "robots_disallowed")
        assert res2.error == res.error
        assert srv.counts["/robots.txt"] == 1  # fetched once per host per Fetcher


def test_min_delay_between_requests_to_one_host(server: HostileServer) -> None:
    with Fetcher(_settings(server), min_delay_s=0.4, respect_robots=False) as f:
        t0 = time.monotonic()
        assert f.get(server.base_url + "/_/ok/1", kind="page").ok
        assert f.get(server.base_url + "/_/ok/2", kind="page").ok
        assert f.get(server.base_url + "/_/ok/3", kind="page").ok
        assert time.monotonic() - t0 >= 0.8 - 0.02


def test_thread_safe_and_concurrency_capped() -> None:
    with hostile_server() as srv:
        with (
            Fetcher(_settings(srv), min_delay_s=0, max_concurrency=2, respect_robots=False) as f,
            ThreadPoolExecutor(max_workers=6) as pool,
        ):
            results = list(
                pool.map(lambda i: f.get(f"{srv.base_url}/_/hold/{i}?s=0.2", kind="page"), range(8))
            )
        assert all(r.ok for r in results)
        assert srv.max_inflight == 2  # capped per host, and the pool did run in parallel


def test_conditional_get(server: HostileServer, fetcher: Fetcher) -> None:
    first = fetcher.get(server.base_url + "/_/conditional", kind="feed")
    assert first.ok and first.headers["etag"] == '"v1"'
    again = fetcher.get(
        server.base_url + "/_/conditional",
        kind="feed",
        etag=first.headers["etag"],
        last_modified=first.headers["last-modified"],
    )
    assert again.not_modified and again.status == 304
    assert again.body == b"" and again.error is None and not again.ok
    only_lm = fetcher.get(
        server.base_url + "/_/conditional",
        kind="feed",
        last_modified="Wed, 01 Jan 2025 00:00:00 GMT",
    )
    assert only_lm.not_modified


def test_user_agent_and_headers_sent(server: HostileServer) -> None:
    with Fetcher(_settings(server), min_delay_s=0, user_agent="AkhbarTest/9 (+x)") as f:
        res = f.get(server.base_url + "/_/echo", kind="page")
    sent = json.loads(res.body)["headers"]
    assert sent["User-Agent"] == "AkhbarTest/9 (+x)"
    assert "gzip" in sent["Accept-Encoding"]


def test_replay_mode_keeps_original_urls(server: HostileServer) -> None:
    s = _settings(server, replay_url=server.base_url)
    with Fetcher(s, min_delay_s=0) as f:
        res = f.get("https://news.example.org/_/redirect-to/_/echo?q=%D9%85", kind="page")
    assert res.ok, (res.error, res.detail)
    assert res.url == "https://news.example.org/_/redirect-to/_/echo?q=%D9%85"
    assert res.final_url == "https://news.example.org/_/echo"
    assert res.redirects == ["https://news.example.org/_/echo"]
    sent = json.loads(res.body)
    assert sent["headers"]["Host"] == "news.example.org"
    assert sent["headers"]["X-Akhbar-Original-Url"] == "https://news.example.org/_/echo"
    assert sent["path"] == "/_/echo"


def test_replay_target_must_be_allowed(server: HostileServer) -> None:
    s = _settings(server, replay_url=server.base_url, allow_hosts=())
    with Fetcher(s, min_delay_s=0, respect_robots=False) as f:
        res = f.get("https://news.example.org/x", kind="page")
    assert res.error == "address_refused"


def test_replay_mode_still_refuses_metadata_urls(server: HostileServer) -> None:
    s = _settings(server, replay_url=server.base_url)
    with Fetcher(s, min_delay_s=0) as f:
        res = f.get("http://169.254.169.254/latest/meta-data/", kind="page")
    assert res.error == "address_refused"


class _Recorder:
    """Stands in for WarcArchive.write_response (records the calls)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, int, list[tuple[str, str]], bytes]] = []
        self.lock = threading.Lock()

    def write_response(self, url, status, headers, body, *, fetched_at=None):  # type: ignore[no-untyped-def]
        with self.lock:
            self.calls.append((url, status, list(headers), body))


def test_archive_receives_final_responses(server: HostileServer) -> None:
    rec = _Recorder()
    with Fetcher(_settings(server), min_delay_s=0, archive=rec, respect_robots=False) as f:  # type: ignore[arg-type]
        f.get(server.base_url + "/_/redirect-to/_/ok", kind="page")
        f.get(server.base_url + "/_/status/404", kind="page")
        f.get("http://169.254.169.254/", kind="page")  # no status: nothing archived
    assert [(c[0], c[1]) for c in rec.calls] == [
        (server.base_url + "/_/ok", 200),
        (server.base_url + "/_/status/404", 404),
    ]
    assert ("content-type", "text/html; charset=utf-8") in rec.calls[0][2]


def test_real_warc_archive(server: HostileServer, tmp_path: Path) -> None:
    archive_mod = pytest.importorskip("akhbar.fetch.archive")
    with (
        archive_mod.WarcArchive(tmp_path / "t.warc.gz") as arch,
        Fetcher(_settings(server), min_delay_s=0, archive=arch, respect_robots=False) as f,
    ):
        assert f.get(server.base_url + "/_/ok", kind="page").ok
    got = list(archive_mod.iter_responses(tmp_path / "t.warc.gz"))
    assert len(got) == 1 and got[0].status == 200 and b"ok" in got[0].body
