"""The real DAG, run by Airflow's own dag.test(), against the snapshot on loopback.

Runs the same logical date twice and checks the warehouse is identical, that
the second run fetched no page again, and that the seed article landed with its
title and dateline.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

import duckdb
import pytest

from helpers import REPO, make_settings, settings_env

pytestmark = pytest.mark.slow
RUN_DATE = "2026-11-28"

CONTENT_SQL = {
    "fact_article": "SELECT article_id, source_id, url, title, published_at, language, body_source, "
    "body_chars, content_hash, dateline_place, dateline_source, cluster_id FROM fact_article",
    "fact_entity_mention": "SELECT * EXCLUDE (run_date) FROM fact_entity_mention",
    "fact_quote": "SELECT * EXCLUDE (run_date) FROM fact_quote",
    "fact_date_mention": "SELECT * EXCLUDE (run_date) FROM fact_date_mention",
    "fact_story_cluster": "SELECT * FROM fact_story_cluster",
    "quarantine": "SELECT quarantine_id, stage, source_id, record_key, rule FROM quarantine",
    "fact_feed_fetch": "SELECT run_date, source_id, entries_new FROM fact_feed_fetch",
    "dim_source": "SELECT * EXCLUDE (updated_at) FROM dim_source",
}


def snapshot_of(path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {
            name: sorted(con.execute(sql).fetchall(), key=repr) for name, sql in CONTENT_SQL.items()
        }
    finally:
        con.close()


@pytest.fixture(scope="module")
def daily_dag(airflow_db):
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(REPO / "dags" / "akhbar_daily.py"))
    assert not bag.import_errors
    return bag.dags["akhbar_daily"]


def run_dag(dag, settings, monkeypatch, run_conf=None):
    for key, value in settings_env(settings).items():
        monkeypatch.setenv(key, value)
    logical = datetime.fromisoformat(RUN_DATE).replace(tzinfo=UTC)
    return dag.test(logical_date=logical, run_conf=run_conf)


def test_daily_dag_end_to_end_and_idempotent(daily_dag, replay_server, tmp_path, monkeypatch):
    settings = make_settings(tmp_path, replay_server)
    served_before = len(replay_server.requests_served)
    dagrun = run_dag(daily_dag, settings, monkeypatch)
    assert str(dagrun.state) in ("success", "DagRunState.SUCCESS")
    first = snapshot_of(settings.warehouse)
    first_requests = replay_server.requests_served[served_before:]

    con = duckdb.connect(str(settings.analyst_copy), read_only=True)
    seed = con.execute(
        "SELECT title, dateline_source, dateline_place, body_source, language "
        "FROM fact_article WHERE source_id = 'alalam'"
    ).fetchone()
    per_source = dict(
        con.execute("SELECT source_id, count(*) FROM fact_article GROUP BY 1").fetchall()
    )
    languages = dict(
        con.execute("SELECT source_id, any_value(language) FROM fact_article GROUP BY 1").fetchall()
    )
    quotes = con.execute(
        "SELECT count(*) FROM fact_quote q JOIN fact_article a USING (article_id) "
        "WHERE a.source_id = 'alalam'"
    ).fetchone()[0]
    con.close()

    assert seed is not None, "the seed article did not land"
    title, dl_source, dl_place, body_source, language = seed
    assert title.startswith("وكانت الخارجية الروسية")
    assert (dl_source, dl_place) == ("العالم", "ليبيا")
    assert body_source == "feed" and language == "ar"
    assert quotes >= 2
    # Every Arabic article of the snapshot: 30 Shafaq items, 7 real pages, the seed.
    assert per_source["shafaq"] == 30
    assert sum(n for s, n in per_source.items() if languages[s] == "ar") == 38
    assert languages.get("yjc_fa") == "fa"
    page_fetches = [u for u, _ in first_requests if "rss" not in u and "robots" not in u]
    assert page_fetches, "pages were not fetched over HTTP"

    # Same logical date again: identical warehouse, no page fetched twice.
    served_mid = len(replay_server.requests_served)
    dagrun = run_dag(daily_dag, settings, monkeypatch)
    assert str(dagrun.state) in ("success", "DagRunState.SUCCESS")
    second_requests = replay_server.requests_served[served_mid:]
    assert snapshot_of(settings.warehouse) == first
    # Nothing changed: read_sources found it after the polls and short-circuited
    # the rest of the run (no ingest task at all, no load, no cluster).
    states = {ti.task_id: str(ti.state) for ti in dagrun.get_task_instances()}
    assert states.pop("read_sources") in ("success", "TaskInstanceState.SUCCESS")
    assert set(states) == {"ingest", "load", "cluster", "summarise"}
    assert set(states.values()) <= {"skipped", "TaskInstanceState.SKIPPED"}
    refetched = [u for u, _ in second_requests if "rss" not in u and "robots" not in u]
    assert refetched == []
    # Feeds were polled conditionally: every feed answered 304 Not Modified.
    feed_statuses = {status for u, status in second_requests if "rss" in u}
    assert feed_statuses == {304}
    assert os.path.exists(settings.analyst_copy)

    # A backfill-style re-run from the raw archive (param source=archive): the
    # snapshot server sees no request at all, and the warehouse is unchanged.
    served_before_archive = len(replay_server.requests_served)
    dagrun = run_dag(daily_dag, settings, monkeypatch, run_conf={"source": "archive"})
    assert str(dagrun.state) in ("success", "DagRunState.SUCCESS")
    assert len(replay_server.requests_served) == served_before_archive
    assert snapshot_of(settings.warehouse) == first
