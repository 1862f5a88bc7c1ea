"""A same-day re-run with nothing new stops after the polls; anything changed is redone.

Real runs (``run_all``) over the replayed snapshot on loopback; the import check
runs the no-change path in a fresh interpreter.
"""

from __future__ import annotations

import csv
import json
import logging
import os
import pickle
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest

from akhbar.fetch.feeds import parse_feed
from akhbar.pipeline.feed_cache import parse_cached
from akhbar.pipeline.ingest import read_marker
from akhbar.pipeline.run import Run
from akhbar.pipeline.runner import run_all
from akhbar.pipeline.unchanged import unchanged_run
from helpers import REPO, SNAPSHOT_RUN_DATE, SNAPSHOT_SOURCES, make_settings, settings_env

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>خبر</title><link>https://example.org/</link>
<item><title>عنوان أول</title><link>https://example.org/a/1</link>
<guid>https://example.org/a/1</guid><pubDate>Fri, 27 Nov 2026 10:00:00 GMT</pubDate></item>
<item><title>عنوان ثان</title><link>/a/2</link></item>
</channel></rss>"""
HEAVY = ("great_expectations", "trafilatura", "pycrfsuite", "pandas")


def _rows(path: Path, query: str) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(query).fetchall()
    finally:
        con.close()


def _articles(settings) -> list[tuple]:
    return _rows(
        settings.warehouse, "SELECT * EXCLUDE (fetched_at) FROM fact_article ORDER BY article_id"
    )


def _pages_requested(replay_server, since: int) -> list[str]:
    return [
        u
        for u, _ in replay_server.requests_served[since:]
        if "rss" not in u and "robots" not in u and "feed" not in u
    ]


def test_parse_cached_reuses_a_parse_only_for_the_same_inputs(tmp_path):
    from akhbar.config import load_settings

    run = Run.of(SNAPSHOT_RUN_DATE, replace(load_settings(), data_dir=tmp_path))
    body, base = RSS.encode(), "https://example.org/feed"
    headers = {"Content-Type": "application/rss+xml; charset=utf-8", "Date": "x"}
    first = parse_cached(run, "src", body, headers, base)
    assert first == parse_feed(body, headers=headers, base_url=base)
    assert [e.url for e in first.entries] == ["https://example.org/a/1", "https://example.org/a/2"]
    (kept,) = (run.staging / "feed_parse" / "src").glob("*.pickle")
    # The kept file is what a second call with the same inputs returns (a header
    # parse_feed does not read, like Date, does not matter) ...
    marked = replace(first, title="from the kept file")
    kept.write_bytes(pickle.dumps(marked))
    assert parse_cached(run, "src", body, {**headers, "Date": "y"}, base).title == marked.title
    # ... but other bytes, another base URL or charset are parsed again (one file kept).
    other = body.replace("عنوان أول".encode(), "عنوان آخر".encode())
    assert parse_cached(run, "src", other, headers, base).entries[0].title == "عنوان آخر"
    assert parse_cached(run, "src", body, headers, "https://other.org/feed").entries[1].url == (
        "https://other.org/a/2"
    )
    assert parse_cached(run, "src", body, headers, base).title == "خبر"
    assert len(list((run.staging / "feed_parse" / "src").glob("*.pickle"))) == 1
    # A torn file is parsed again rather than trusted.
    (kept,) = (run.staging / "feed_parse" / "src").glob("*.pickle")
    kept.write_bytes(b"\x80 torn")
    assert parse_cached(run, "src", body, headers, base) == first


def test_state_queries_write_their_values_in_as_literals():
    from datetime import date, datetime

    from akhbar.pipeline.state import bound, literal

    con = duckdb.connect()
    con.execute("CREATE TABLE t (d DATE, s VARCHAR)")
    odd = ["o'brien", "a;b -- c", "x$y", "عربي", ""]
    con.executemany("INSERT INTO t VALUES (?, ?)", [(date(2026, 11, 27), v) for v in odd])
    text = "-- $not_a_parameter in a comment\nSELECT s FROM t WHERE d = $d AND s = $s"
    for value in odd:
        query = bound(text, {"d": date(2026, 11, 27), "s": value})
        assert con.execute(query).fetchall() == [(value,)]
    listed = bound(
        "SELECT count(*) FROM t WHERE s IN (SELECT unnest($ids::VARCHAR[]))", {"ids": odd}
    )
    assert con.execute(listed).fetchone() == (len(odd),)
    assert literal(None) == "NULL" and literal(3) == "3" and literal(True) == "TRUE"
    with pytest.raises(TypeError):
        literal(datetime(2026, 11, 27))
    with pytest.raises(KeyError):
        bound("SELECT $missing", {})


def test_unchanged_rerun_stops_after_the_polls(replay_server, tmp_path, caplog):
    settings = make_settings(tmp_path, replay_server)
    run = Run.of(SNAPSHOT_RUN_DATE, settings, "check")
    assert unchanged_run(run, []) is None  # nothing committed yet: a first run
    run_all(SNAPSHOT_RUN_DATE, settings, run_id="first")
    before = _articles(settings)
    ids = sorted(p.stem for p in (run.staging / "done").glob("*.json"))
    served = len(replay_server.requests_served)
    with caplog.at_level(logging.INFO, logger="akhbar.pipeline.unchanged"):
        run_all(SNAPSHOT_RUN_DATE, settings, run_id="again")
    said = [r.getMessage() for r in caplog.records if "nothing changed" in r.getMessage()]
    assert len(said) == 1 and "since run first" in said[0]
    assert _pages_requested(replay_server, served) == []
    feeds = [u for u, _ in replay_server.requests_served[served:] if "robots" not in u]
    assert len(feeds) == len(ids)  # one conditional poll per source, nothing else
    assert {read_marker(run, sid)["run_id"] for sid in ids} == {"first"}  # no chain re-ran
    assert _articles(settings) == before

    # The no-change path in a fresh interpreter: it says so, and imports none of
    # Great Expectations, trafilatura, the CRF tagger or pandas.
    code = (
        "import json, sys\n"
        "from akhbar.pipeline.catalogue import read_catalogue\n"
        "from akhbar.pipeline.run import Run\n"
        "from akhbar.pipeline.unchanged import unchanged_run\n"
        f"run = Run.of({SNAPSHOT_RUN_DATE!r})\n"
        "out = unchanged_run(run, read_catalogue(run))\n"
        f"heavy = sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r})\n"
        "print(json.dumps({'out': out, 'heavy': heavy}))\n"
    )
    env = {**os.environ, **settings_env(settings), "PYTHONPATH": str(REPO / "include")}
    proc = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["out"]["run_id"] == "first" and result["out"]["sources"] == len(ids)
    assert result["heavy"] == []


def test_what_changed_is_redone(replay_server, tmp_path):
    """A story cluster still owed, a stale analyst copy, and a changed catalogue
    row each make the re-run do the work (only the changed source's chain)."""
    settings = make_settings(tmp_path, replay_server)
    run = Run.of(SNAPSHOT_RUN_DATE, settings, "check")
    run_all(SNAPSHOT_RUN_DATE, settings, run_id="first")
    before = _articles(settings)
    sources = json.loads(run.sources_json.read_text(encoding="utf-8"))
    assert unchanged_run(run, sources) is not None

    # An article waiting for its cluster (a cluster step that did not finish).
    con = duckdb.connect(str(settings.warehouse))
    (aid,) = con.execute(
        "SELECT article_id FROM fact_article WHERE cluster_id IS NOT NULL LIMIT 1"
    ).fetchone()
    con.execute("UPDATE fact_article SET cluster_id = NULL WHERE article_id = ?", [aid])
    con.close()
    assert unchanged_run(run, sources) is None
    run_all(SNAPSHOT_RUN_DATE, settings, run_id="clusters")
    assert _rows(
        settings.warehouse,
        f"SELECT cluster_id IS NOT NULL FROM fact_article WHERE article_id = '{aid}'",
    ) == [(True,)]
    assert _articles(settings) == before

    # An analyst copy older than the warehouse (a publish that did not happen).
    os.utime(settings.analyst_copy, (0, 0))
    assert unchanged_run(run, sources) is None
    run_all(SNAPSHOT_RUN_DATE, settings, run_id="publish")
    assert settings.analyst_copy.stat().st_mtime >= settings.warehouse.stat().st_mtime
    assert unchanged_run(run, sources) is not None

    # A catalogue row that changed: that source's chain is redone, the others keep
    # their gated files, and the load commits the new row.
    catalogue = tmp_path / "sources.csv"
    with SNAPSHOT_SOURCES.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fields, rows = reader.fieldnames or [], list(reader)
    renamed = next(r for r in rows if r["source_id"] == "shafaq")
    renamed["name"] = "Shafaq News (renamed)"
    with catalogue.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    settings = replace(settings, sources_file=catalogue)
    run_all(SNAPSHOT_RUN_DATE, settings, run_id="renamed")
    markers = {p.stem: read_marker(run, p.stem) for p in (run.staging / "done").glob("*.json")}
    assert not markers["shafaq"].get("skipped")
    assert all(m.get("skipped") for sid, m in markers.items() if sid != "shafaq")
    assert _rows(settings.warehouse, "SELECT name FROM dim_source WHERE source_id = 'shafaq'") == [
        ("Shafaq News (renamed)",)
    ]
    assert _articles(settings) == before
