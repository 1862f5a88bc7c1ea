"""The whole pipeline over hostile sources beside good ones, under a memory budget.

A hostile HTTP server on 127.0.0.1 serves quadratic-entity XML, slow-loris,
redirects to cloud metadata and in loops, a gzip bomb, a 50 MB body, a PDF, a
404, mis-encoded and ill-formed feeds, and a feed whose pages are traps — next
to two good sources built from the real snapshot (Shafaq News' feed, the CNN
Arabic page). The run must finish, stay under 512 MB, record every bad input
with its reason, and load every good article.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
import sys
import time

import duckdb
import pytest

from helpers import REPO, SNAPSHOT, SNAPSHOT_SOURCES
from hostile_server import FIXTURE_HOSTILE, hostile_server

pytestmark = pytest.mark.slow
RUN_DATE = "2026-11-27"
MEMORY_BUDGET_MB = 512

HOSTILE_FEEDS = {
    "h_quadratic": ("/feeds/defusedxml/xmltestdata/quadratic.xml", "rejected"),
    "h_slowloris": ("/_/slow", "error"),
    "h_metadata": ("/_/to-metadata", "error"),
    "h_loop": ("/_/loop-a", "error"),
    "h_gzipbomb": ("/_/gzip-bomb", "error"),
    "h_big": ("/_/big", "error"),
    "h_pdf": ("/_/pdf", "error"),
    "h_404": ("/_/status/404", "error"),
    "h_cp1256": ("/feeds/feedparser/tests/encoding/x80_windows-1256.xml", None),
    "h_illformed": ("/feeds/feedparser/tests/illformed/aaa_illformed.xml", None),
}
TRAP_PAGES = [
    "/_/gzip-bomb",
    "/_/slow",
    "/_/pdf",
    "/_/to-metadata",
    "/_/redirect-endless/0",
    "/_/big",
    "/_/status/500",
]


def _snapshot_body(source_id: str) -> tuple[str, bytes]:
    from akhbar.fetch.archive import ArchiveIndex

    with SNAPSHOT_SOURCES.open(encoding="utf-8") as handle:
        feed_url = next(
            r["feed_url"] for r in csv.DictReader(handle) if r["source_id"] == source_id
        )
    record = ArchiveIndex(SNAPSHOT).get(feed_url)
    assert record is not None
    return feed_url, record.body


def _build_root(root, base: str) -> None:
    """Good feeds from the real snapshot, relinked to this server; hostile files copied."""
    from akhbar.fetch.archive import ArchiveIndex

    shutil.copytree(FIXTURE_HOSTILE / "feeds", root / "feeds")
    (root / "good").mkdir()
    _, shafaq = _snapshot_body("shafaq")
    text = shafaq.decode("utf-8")
    links = sorted(
        set(re.findall(r"<link>(https://shafaq\.com/ar/[^<]+)</link>", text)), key=len, reverse=True
    )
    assert len(links) == 30
    for i, link in enumerate(links):  # pages 404 here: extraction falls back to the feed text
        text = text.replace(link, f"{base}/good/shafaq-page/{i}")
    (root / "good" / "shafaq.xml").write_text(text, encoding="utf-8")

    _, cnn_feed = _snapshot_body("cnn_arabic")
    page_url = re.search(rb"<item>.*?<link>\s*(http[^<\s]+)\s*</link>", cnn_feed, re.S)
    cnn_page = ArchiveIndex(SNAPSHOT).get(page_url.group(1).decode())
    assert cnn_page is not None and cnn_page.status == 200
    (root / "good" / "cnn.html").write_bytes(cnn_page.body)
    (root / "good" / "cnn.xml").write_bytes(
        cnn_feed.replace(page_url.group(1), f"{base}/good/cnn.html".encode())
    )

    items = "".join(  # structure only: each item points at a trap
        f"<item><title>trap {i}</title><link>{base}{path}</link><guid>trap-{i}</guid>"
        f"<pubDate>Thu, 26 Nov 2026 08:00:00 +0000</pubDate></item>"
        for i, path in enumerate(TRAP_PAGES)
    )
    (root / "good" / "traps.xml").write_text(
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>traps'
        f"</title><link>{base}/</link>{items}</channel></rss>",
        encoding="utf-8",
    )


def test_pipeline_survives_hostile_sources(tmp_path):
    root = tmp_path / "root"
    root.mkdir()
    with hostile_server(root) as server:
        base = server.base_url
        _build_root(root, base)
        catalogue = tmp_path / "sources.csv"
        rows = [
            ("good_shafaq", f"{base}/good/shafaq.xml"),
            ("good_cnn", f"{base}/good/cnn.xml"),
            ("h_traps", f"{base}/good/traps.xml"),
        ]
        rows += [(sid, base + path) for sid, (path, _) in HOSTILE_FEEDS.items()]
        with catalogue.open("w", encoding="utf-8", newline="") as handle:
            w = csv.writer(handle)
            w.writerow(["source_id", "name", "feed_url", "min_delay_s", "max_concurrency"])
            w.writerows([(sid, sid, url, "0", "2") for sid, url in rows])
        data = tmp_path / "data"
        env = {
            "PATH": "/usr/bin:/bin",
            "HOME": str(tmp_path),
            "GX_ANALYTICS_ENABLED": "false",
            "AKHBAR_DATA_DIR": str(data),
            "AKHBAR_SOURCES": str(catalogue),
            "AKHBAR_ALLOW_HOSTS": f"127.0.0.1:{server.port}",
            "AKHBAR_TIMEOUT_S": "2",
            "AKHBAR_MIN_DELAY_S": "0",
            # as on the workers (scripts/airflow_env.sh): bounded malloc arenas and
            # DuckDB buffer pool, so thread concurrency cannot inflate the peak
            "MALLOC_ARENA_MAX": "2",
            "AKHBAR_DUCKDB_MEMORY_LIMIT": "256MB",
        }
        code = (  # the child reports its own peak RSS: VmHWM of its address space.
            # (ru_maxrss would not do: Linux carries it over fork+exec, so a child of a
            # big pytest process would report the parent's size.)
            "import json, logging; logging.basicConfig(level=logging.WARNING)\n"
            "from akhbar.pipeline.runner import run_all\n"
            f"run_all({RUN_DATE!r}, run_id='hostile')\n"
            "hwm = next(int(line.split()[1]) for line in open('/proc/self/status')\n"
            "           if line.startswith('VmHWM:'))\n"
            "print(json.dumps({'peak_kb': hwm}))\n"
        )
        start = time.monotonic()
        proc = subprocess.run(
            [sys.executable, "-c", code],
            env=env,
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=600,
        )
        elapsed = time.monotonic() - start
    assert proc.returncode == 0, proc.stderr[-3000:]
    peak_mb = json.loads(proc.stdout.strip().splitlines()[-1])["peak_kb"] / 1024
    assert peak_mb < MEMORY_BUDGET_MB, f"peak RSS {peak_mb:.0f} MB"
    assert elapsed < 400

    con = duckdb.connect(str(data / "akhbar_analyst.duckdb"), read_only=True)
    articles = dict(
        con.execute("SELECT source_id, count(*) FROM fact_article GROUP BY 1").fetchall()
    )
    fetches = {
        r[0]: r[1:]
        for r in con.execute(
            "SELECT source_id, status, error, entries_new FROM fact_feed_fetch"
        ).fetchall()
    }
    quarantine = con.execute("SELECT source_id, stage, rule, detail FROM quarantine").fetchall()
    con.close()

    # Every good article loads.
    assert articles.get("good_shafaq") == 30
    assert articles.get("good_cnn") == 1
    # Every hostile feed is recorded with its reason.
    for sid, (_, expected) in HOSTILE_FEEDS.items():
        assert sid in fetches, f"no fact_feed_fetch row for {sid}"
        status, error, _ = fetches[sid]
        if expected is not None:
            assert status == expected and error, (sid, status, error)
    assert fetches["h_quadratic"][1] == "dtd_or_entity_declaration"
    assert fetches["h_metadata"][1] == "address_refused"
    assert fetches["h_loop"][1] == "redirect_loop"
    assert fetches["h_slowloris"][1] in ("deadline", "timeout")
    assert fetches["h_big"][1] == "too_large"
    assert fetches["h_pdf"][1] == "bad_content_type"
    # The trap pages are quarantined with their reasons, and nothing of them loads.
    trap_rules = {rule for sid, stage, rule, _ in quarantine if sid == "h_traps"}
    assert trap_rules and "h_traps" not in articles
    details = " ".join(d for sid, _, _, d in quarantine if sid == "h_traps")
    for reason in ("bad_content_type", "address_refused", "too_many_redirects"):
        assert reason in details, reason
    print(json.dumps({"peak_mb": round(peak_mb), "elapsed_s": round(elapsed)}))
