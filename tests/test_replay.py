"""Replay server: resolution of the original URL, 404s, conditional GET, CLI loop."""

from __future__ import annotations

import hashlib
import http.client
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from akhbar.fetch.archive import WarcArchive
from akhbar.fetch.replay import ORIGINAL_URL_HEADER, ReplayServer

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("AKHBAR_SHARED_DIR", REPO_ROOT.parent / "shared"))
SNAPSHOT = REPO_ROOT / "snapshot" / "warc"
SHAFAQ_FEED = "https://www.shafaq.com/rss/ar/%D9%85%D8%AC%D8%AA%D9%80%D9%85%D8%B9"
CNN_PAGE = "http://arabic.cnn.com/2013/middle_east/8/3/syria.clashes/index.html"
FETCHED = datetime(2026, 6, 11, 7, 2, 42, tzinfo=UTC)
# Constructed example body (not real news text).
BODY = "<html><body><p>مثال مُنشأ للاختبار</p></body></html>".encode()


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReplayServer]:
    root = tmp_path_factory.mktemp("replay")
    with WarcArchive(root / "a.warc.gz") as w:
        w.write_response(
            "https://news.example/ar/خبر?id=1",
            200,
            [("Content-Type", "text/html; charset=utf-8"), ("Content-Encoding", "br")],
            BODY,
            fetched_at=FETCHED,
        )
        w.write_response("http://plain.example/only-http", 200, [], b"plain", fetched_at=FETCHED)
        w.write_response("https://news.example/robots.txt", 200, [], b"User-agent: *\n")
        w.write_response("https://news.example/moved", 301, [("Location", "/x")], b"")
    with ReplayServer(root) as srv:
        yield srv


def _get(srv: ReplayServer, path: str = "/", **headers: str) -> tuple[int, dict[str, str], bytes]:
    req = urllib.request.Request(srv.base_url + path, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, dict(resp.headers.items()), resp.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers.items()), err.read()


def _raw(srv: ReplayServer, method: str, target: str, headers: dict[str, str]):
    conn = http.client.HTTPConnection(srv.host, srv.port, timeout=10)
    conn.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
    for k, v in headers.items():
        conn.putheader(k, v)
    conn.endheaders()
    resp = conn.getresponse()
    body = resp.read()
    conn.close()
    return resp.status, dict(resp.getheaders()), body


def test_original_url_header_iri_and_encoded(small: ReplayServer) -> None:
    status, headers, body = _get(
        small,
        "/anything",
        **{ORIGINAL_URL_HEADER: "https://news.example/ar/%D8%AE%D8%A8%D8%B1?id=1"},
    )
    assert status == 200 and body == BODY
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert "Content-Encoding" not in headers  # stored decoded, served plainly
    assert headers["Content-Length"] == str(len(BODY))
    assert headers["ETag"] == '"' + hashlib.sha1(BODY).hexdigest() + '"'
    assert headers["Last-Modified"] == "Thu, 11 Jun 2026 07:02:42 GMT"


def test_raw_utf8_original_url(small: ReplayServer) -> None:
    conn = http.client.HTTPConnection(small.host, small.port, timeout=10)
    conn.putrequest("GET", "/", skip_host=True)
    conn.putheader(ORIGINAL_URL_HEADER, "https://news.example/ar/خبر?id=1".encode())
    conn.endheaders()
    resp = conn.getresponse()
    assert (resp.status, resp.read()) == (200, BODY)
    conn.close()


def test_host_header_and_path(small: ReplayServer) -> None:
    status, _, body = _raw(small, "GET", "/ar/%D8%AE%D8%A8%D8%B1?id=1", {"Host": "news.example"})
    assert (status, body) == (200, BODY)
    # https is tried first, then http.
    status, _, body = _raw(small, "GET", "/only-http", {"Host": "plain.example"})
    assert (status, body) == (200, b"plain")


def test_absolute_form_target(small: ReplayServer) -> None:
    status, _, body = _raw(small, "GET", "http://plain.example/only-http", {"Host": "x"})
    assert (status, body) == (200, b"plain")


def test_unknown_is_plain_404_and_robots(small: ReplayServer) -> None:
    status, headers, body = _raw(small, "GET", "/nope", {"Host": "news.example"})
    assert status == 404 and headers["Content-Type"].startswith("text/plain")
    assert b"https://news.example/nope" in body
    assert _raw(small, "GET", "/robots.txt", {"Host": "plain.example"})[0] == 404
    status, _, body = _raw(small, "GET", "/robots.txt", {"Host": "news.example"})
    assert (status, body) == (200, b"User-agent: *\n")


def test_stored_status_and_headers(small: ReplayServer) -> None:
    status, headers, _ = _raw(small, "GET", "/moved", {"Host": "news.example"})
    assert status == 301 and headers["Location"] == "/x"


def test_conditional_get(small: ReplayServer) -> None:
    url = {ORIGINAL_URL_HEADER: "https://news.example/ar/%D8%AE%D8%A8%D8%B1?id=1"}
    _, headers, _ = _get(small, **url)
    etag, last_mod = headers["ETag"], headers["Last-Modified"]
    status, h304, body = _get(small, **url, **{"If-None-Match": etag})
    assert status == 304 and body == b"" and h304["ETag"] == etag
    assert _get(small, **url, **{"If-None-Match": f'"other", W/{etag}'})[0] == 304
    assert _get(small, **url, **{"If-None-Match": '"other"'})[0] == 200
    assert _get(small, **url, **{"If-Modified-Since": last_mod})[0] == 304
    assert _get(small, **url, **{"If-Modified-Since": "Mon, 01 Jun 2026 00:00:00 GMT"})[0] == 200
    assert _get(small, **url, **{"If-Modified-Since": "garbage"})[0] == 200


def test_head_and_counter(small: ReplayServer) -> None:
    before = len(small.requests_served)
    status, headers, body = _raw(small, "HEAD", "/only-http", {"Host": "plain.example"})
    assert status == 200 and body == b"" and headers["Content-Length"] == "5"
    served = small.requests_served
    assert served[before:] == [("http://plain.example/only-http", 200)]  # resolved URL


@pytest.mark.skipif(not SNAPSHOT.is_dir(), reason="snapshot not built")
def test_snapshot_feed_page_and_missing_page() -> None:
    with ReplayServer(REPO_ROOT / "snapshot") as srv:
        status, headers, feed = _get(srv, **{ORIGINAL_URL_HEADER: SHAFAQ_FEED})
        assert status == 200 and headers["Content-Type"].startswith("application/rss+xml")
        assert feed.count(b"<item>") == 30
        # Pipeline-style request: original Host + path.
        status, _, page = _raw(
            srv, "GET", "/2013/middle_east/8/3/syria.clashes/index.html", {"Host": "arabic.cnn.com"}
        )
        assert status == 200
        cnn = SHARED / "corpus" / "pages" / "cnn_arabic_1.html"
        if cnn.is_file():
            assert page == cnn.read_bytes()
        # Shafaq article pages are not in the corpus: 404 so the pipeline uses the feed text.
        link = feed.split(b"<link>")[2].split(b"</link>")[0].decode()
        assert link.startswith("https://shafaq.com/ar/")
        assert _get(srv, **{ORIGINAL_URL_HEADER: link})[0] == 404
        assert (link, 404) in srv.requests_served
        assert _raw(srv, "GET", "/robots.txt", {"Host": "www.shafaq.com"})[0] == 404


def test_run_replay_ready_file_and_sigterm(tmp_path: Path) -> None:
    with WarcArchive(tmp_path / "w" / "a.warc.gz") as w:
        w.write_response("https://news.example/", 200, [], b"hello", fetched_at=FETCHED)
    ready = tmp_path / "ready"
    code = (
        "import sys; from pathlib import Path; from akhbar.fetch.replay import run_replay; "
        "run_replay(Path(sys.argv[1]), port=0, ready_file=Path(sys.argv[2]))"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(tmp_path / "w"), str(ready)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while not ready.exists():
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
            assert time.monotonic() < deadline
            time.sleep(0.05)
        port = int(ready.read_text())
        req = urllib.request.Request(
            f"http://127.0.0.1:{port}/", headers={ORIGINAL_URL_HEADER: "https://news.example/"}
        )
        with urllib.request.urlopen(req, timeout=10) as resp:
            assert resp.read() == b"hello"
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=15) == 0
        _, err = proc.communicate()
        assert b"GET /" not in err  # no per-request log spam
        assert not ready.exists()
    finally:
        if proc.poll() is None:
            proc.kill()
