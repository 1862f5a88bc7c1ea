"""akhbar_daily through Airflow's real scheduler (LocalExecutor), on real news.

Two days of four SaudiNewsNet outlets (20 articles each, feeds built from the
records and replayed on loopback) are backfilled with ``airflow backfill
create``; the Asset update must trigger ``akhbar_maintenance``. One outlet has
a second feed carrying the same links (the duplicate-link case).
"""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from helpers import SHARED

WEEK_DIR = SHARED / "corpus" / "news_week" / "dataset"
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not WEEK_DIR.is_dir(), reason=f"needs the news_week corpus at {WEEK_DIR} (../shared absent)"
    ),
]
OUTLETS = ("aawsat", "alriyadh", "okaz", "sabq")
DAYS = [date(2015, 8, 6), date(2015, 8, 7)]


@pytest.fixture(scope="module")
def week(tmp_path_factory):
    from akhbar.ops.week_run import run_days

    data = tmp_path_factory.mktemp("sched") / "data"
    return run_days(
        WEEK_DIR,
        DAYS,
        data,
        outlets=OUTLETS,
        per_outlet_limit=20,
        timeout_s=900,
        second_feeds=("sabq",),
        say=lambda _m: None,
    )


def _q(week, sql: str) -> list[tuple]:
    con = duckdb.connect(str(week.warehouse.with_name("akhbar_analyst.duckdb")), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_backfill_runs_green_through_the_scheduler(week):
    assert [r["state"] for r in week.daily_runs] == ["success", "success"]
    assert {r["run_type"] for r in week.daily_runs} == {"backfill"}
    ingest = [t for t in week.tasks if t.task_id == "ingest"]
    labels = {t.label for t in ingest}
    assert {f"snn_{o}" for o in OUTLETS} | {"snn_sabq_2"} <= labels
    assert all(t.state == "success" for t in ingest)
    stats = week.task_stats()
    assert stats["tasks_with_work"] >= 10 and stats["peak_task_rss_mb"] < 1024


def test_asset_event_triggers_maintenance(week):
    assert week.maintenance_runs
    assert all(r["state"] == "success" for r in week.maintenance_runs)
    assert {r["run_type"] for r in week.maintenance_runs} == {"asset_triggered"}
    digest = week.data_dir / "digest"
    assert any(digest.glob("2015-08-0*.html"))


def test_every_good_article_loads_once_with_every_source(week):
    per_day = dict(_q(week, "SELECT run_date::VARCHAR, count(*) FROM fact_article GROUP BY 1"))
    assert set(per_day) == {d.isoformat() for d in DAYS} and min(per_day.values()) >= 60
    assert _q(week, "SELECT count(*) - count(DISTINCT article_id) FROM fact_article") == [(0,)]
    sabq = dict(
        _q(
            week,
            "SELECT source_id, count(*) FROM fact_article_source "
            "WHERE source_id LIKE 'snn_sabq%' GROUP BY 1",
        )
    )
    assert sabq["snn_sabq"] == sabq["snn_sabq_2"] >= 20
    assert _q(week, "SELECT count(*) FROM quarantine WHERE stage = 'warehouse'") == [(0,)]


def test_a_story_spans_outlets(week):
    ((outlets,),) = _q(
        week,
        "SELECT max(n) FROM (SELECT count(DISTINCT source_id) AS n "
        "FROM fact_article WHERE cluster_id IS NOT NULL GROUP BY cluster_id)",
    )
    assert outlets >= 2
