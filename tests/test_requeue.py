"""Quarantine loses nothing: rows set aside by a gate can be re-queued and load later.

Run 1 polls the real Shafaq feed for a logical date *before* its items were
published: the entries gate quarantines them as future-dated, the batch fails,
and the run records why without loading facts. After re-queueing, run 2 (a
later date, the feed now gone: 404) loads those same entries from the inbox.
"""

from __future__ import annotations

import csv

import duckdb
import pytest

from helpers import SNAPSHOT_SOURCES, make_settings

pytestmark = pytest.mark.slow


def _catalogue(path, feed_url: str) -> None:
    with SNAPSHOT_SOURCES.open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["source_id"] == "shafaq"]
    rows[0]["feed_url"] = feed_url
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def test_quarantined_entries_requeue_and_load(replay_server, tmp_path):
    from akhbar.pipeline.runner import run_all
    from akhbar.quality import quarantine
    from akhbar.warehouse.load import EmptyRunError

    with SNAPSHOT_SOURCES.open(encoding="utf-8") as handle:
        real_feed = next(
            r["feed_url"] for r in csv.DictReader(handle) if r["source_id"] == "shafaq"
        )
    first = tmp_path / "first.csv"
    _catalogue(first, real_feed)
    settings = make_settings(tmp_path, replay_server, sources_file=first)

    with pytest.raises(EmptyRunError, match="empty_run"):
        run_all("2026-01-20", settings, run_id="early")
    con = duckdb.connect(str(settings.warehouse))
    rules = dict(
        con.execute(
            "SELECT rule, count(*) FROM quarantine WHERE stage = 'entries' GROUP BY 1"
        ).fetchall()
    )
    assert rules.get("published_in_future", 0) >= 29
    assert con.execute("SELECT count(*) FROM fact_article").fetchone()[0] == 0
    assert con.execute("SELECT count(*) FROM dq_result WHERE NOT success").fetchone()[0] > 0
    n = quarantine.requeue(
        con, stage="entries", run_date="2026-01-20", inbox=settings.data_dir / "requeue"
    )
    pending = con.execute(
        "SELECT count(*) FROM quarantine WHERE requeued_at IS NULL AND stage = 'entries'"
    ).fetchone()[0]
    con.close()
    assert n == rules["published_in_future"] and pending == 0

    gone = tmp_path / "gone.csv"
    _catalogue(gone, "https://www.shafaq.com/rss/no-longer-here")
    settings = make_settings(tmp_path, replay_server, sources_file=gone)
    run_all("2026-11-27", settings, run_id="after-fix")

    con = duckdb.connect(str(settings.analyst_copy), read_only=True)
    loaded = con.execute(
        "SELECT count(*) FROM fact_article WHERE run_date = DATE '2026-11-27'"
    ).fetchone()[0]
    feed_status = con.execute(
        "SELECT status FROM fact_feed_fetch WHERE run_date = DATE '2026-11-27'"
    ).fetchone()[0]
    con.close()
    assert feed_status == "error"  # the feed is gone; the articles came from the inbox
    assert loaded == n
    inbox = settings.data_dir / "requeue"
    assert not list((inbox / "entries").glob("*.parquet"))
    assert list((inbox / "done" / "2026-11-27" / "entries").glob("*.parquet"))
