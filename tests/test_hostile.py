"""The whole hostile corpus under memory/time limits, in child processes.

Each child sets ``RLIMIT_AS`` to 512 MB before importing anything heavy, so a
decompression bomb or entity expansion that escaped our caps would end in a
MemoryError / killed child, and the test would fail.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from hostile_server import HostileServer, hostile_server

FIX = Path(__file__).parent / "fixtures" / "hostile"
SHARED = (
    Path(os.environ.get("AKHBAR_SHARED", Path(__file__).resolve().parents[2] / "shared"))
    / "corpus"
    / "hostile"
)
LIMIT_MB = 512

PRELUDE = textwrap.dedent(
    f"""
    import resource, json, sys, time
    resource.setrlimit(resource.RLIMIT_AS, ({LIMIT_MB} << 20, {LIMIT_MB} << 20))
    """
)


def _run_child(code: str, env: dict[str, str] | None = None, timeout: float = 240) -> list[dict]:
    proc = subprocess.run(
        [sys.executable, "-c", PRELUDE + textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]


@pytest.fixture(scope="module")
def server() -> Iterator[HostileServer]:
    with hostile_server() as srv:
        yield srv


def _env(srv: HostileServer) -> dict[str, str]:
    return {
        "AKHBAR_ALLOW_HOSTS": f"127.0.0.1:{srv.port}",
        "AKHBAR_TIMEOUT_S": "2",
        "AKHBAR_MIN_DELAY_S": "0",
        "AKHBAR_REPLAY_URL": "",
        "HOSTILE_BASE": srv.base_url,
    }


FETCH_CHILD = """
import os
from akhbar.config import load_settings
from akhbar.fetch.http import Fetcher
base = os.environ["HOSTILE_BASE"]
paths = json.loads(sys.argv[1]) if len(sys.argv) > 1 else json.loads(os.environ["PATHS"])
with Fetcher(load_settings(), min_delay_s=0, respect_robots=False, backoff_s=0.05) as f:
    for path, kind in paths:
        t0 = time.monotonic()
        r = f.get(base + path, kind=kind)
        print(json.dumps({"path": path, "error": r.error, "status": r.status,
                          "bytes": len(r.body), "s": round(time.monotonic() - t0, 2)}))
"""


def test_bombs_and_big_bodies_memory_bounded(server: HostileServer) -> None:
    paths = [
        ["/_/gzip-bomb", "page"],
        ["/_/deflate-bomb", "page"],
        ["/_/gzip-bomb?ct=application/rss%2Bxml", "feed"],
        ["/_/big", "page"],
        ["/pages/scrapy/tests/sample_data/compressed/bomb-gzip.bin?ce=gzip&ct=text/html", "page"],
        [
            "/pages/scrapy/tests/sample_data/compressed/bomb-deflate.bin?ce=deflate&ct=text/html",
            "page",
        ],
    ]
    rows = _run_child(FETCH_CHILD, {**_env(server), "PATHS": json.dumps(paths)})
    assert len(rows) == len(paths)
    for row in rows:
        cap = 10_000_000 if "rss" in row["path"] else 5_000_000
        assert row["error"] == "too_large", row
        assert row["bytes"] <= cap
        assert row["s"] < 20


PARSE_CHILD = """
from pathlib import Path
from akhbar.fetch.feeds import parse_feed
for root in sys.argv[1:]:
    for p in sorted(Path(root).rglob("*.xml")):
        t0 = time.monotonic()
        r = parse_feed(p.read_bytes())
        print(json.dumps({"path": str(p), "entries": len(r.entries), "bozo": r.bozo,
                          "rejected": r.rejected_reason, "encoding": r.encoding,
                          "s": round(time.monotonic() - t0, 3)}))
"""


def _parse_roots(*roots: Path) -> list[dict]:
    code = PARSE_CHILD
    proc_args = [str(r) for r in roots]
    proc = subprocess.run(
        [sys.executable, "-c", PRELUDE + textwrap.dedent(code), *proc_args],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]


def test_quadratic_blowup_rejected_within_memory_limit() -> None:
    rows = _parse_roots(FIX / "feeds" / "defusedxml")
    by_name = {Path(r["path"]).name: r for r in rows}
    assert by_name["quadratic.xml"]["rejected"] == "dtd_or_entity_declaration"
    assert by_name["xmlbomb.xml"]["rejected"] == "dtd_or_entity_declaration"
    assert all(r["s"] < 2 for r in rows)


def test_every_hostile_feed_parses_or_is_rejected_with_reason() -> None:
    roots = [FIX / "feeds", FIX / "real"]
    if (SHARED / "feeds").is_dir():
        roots.append(SHARED / "feeds")
    rows = _parse_roots(*roots)
    fixture_files = list((FIX / "feeds").rglob("*.xml")) + list((FIX / "real").rglob("*.xml"))
    assert len(rows) >= len(fixture_files) >= 150
    for r in rows:
        # Outcome is one of: entries, a clean empty feed, a bozo feed, or a reason.
        assert r["rejected"] in (None, "dtd_or_entity_declaration", "not_a_feed", "empty"), r
        assert r["s"] < 5, r
    rejected = {Path(r["path"]).name for r in rows if r["rejected"] == "dtd_or_entity_declaration"}
    assert {"quadratic.xml", "xmlbomb.xml", "cyclic.xml", "external.xml"} <= rejected
    with_entries = [r for r in rows if r["entries"]]
    assert len(with_entries) >= 80


def test_every_hostile_file_through_the_fetcher(server: HostileServer) -> None:
    """Serve every file of the corpus (pages, feeds, WARCs, bombs) and fetch it as a page
    and as a feed: each gets a result, nothing crashes, memory stays bounded."""
    files = sorted(p for p in server.root.rglob("*") if p.is_file())
    paths = []
    for p in files:
        rel = "/" + quote(p.relative_to(server.root).as_posix())
        kind = "feed" if p.suffix == ".xml" else "page"
        paths.append([rel, kind])
    rows = _run_child(FETCH_CHILD, {**_env(server), "PATHS": json.dumps(paths)}, timeout=400)
    assert len(rows) == len(paths)
    allowed = {None, "bad_content_type", "too_large", "decode_error"}
    for row in rows:
        assert row["error"] in allowed, row
        assert row["s"] < 10, row
    ok = [r for r in rows if r["error"] is None]
    assert len(ok) >= len(rows) // 2
