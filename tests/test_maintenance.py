"""The asset-triggered maintenance DAG: wiring and its stage functions on a real warehouse."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from helpers import REPO


def test_maintenance_is_scheduled_on_the_asset_the_daily_run_updates():
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(REPO / "dags"))
    daily, maint = bag.dags["akhbar_daily"], bag.dags["akhbar_maintenance"]
    # The cluster task (after the load) updates it, so maintenance sees the clusters.
    assert daily.get_task("load").outlets == []
    outlets = daily.get_task("cluster").outlets
    assert [a.uri for a in outlets] == ["akhbar://warehouse/main"]
    assert daily.get_task("cluster").pool == "duckdb_writer"
    assert type(maint.timetable).__name__ == "AssetTriggeredTimetable"
    assert "akhbar://warehouse/main" in str(maint.timetable.asset_condition)
    assert maint.get_task("search_index").pool == "duckdb_writer"


def test_maintenance_stages_on_the_snapshot_warehouse(snapshot_run, tmp_path):
    from dataclasses import replace

    from akhbar.ops import maintenance

    settings, _ = snapshot_run
    # Work on a copy so other tests keep the pristine warehouse.
    own = replace(settings, data_dir=tmp_path, warehouse=tmp_path / "akhbar.duckdb")
    own.analyst_copy.write_bytes(settings.analyst_copy.read_bytes())
    own.warehouse.write_bytes(settings.warehouse.read_bytes())

    day = maintenance.latest_run_date(own)
    assert day is not None
    exported = maintenance.export_parquet(day, own)
    assert any("fact_article" in p for p in exported)
    con = duckdb.connect()
    n = con.execute(
        f"SELECT count(*) FROM read_parquet('{tmp_path}/exports/fact_article/*/*.parquet', "
        "hive_partitioning=true)"
    ).fetchone()[0]
    con.close()
    src = duckdb.connect(str(own.analyst_copy), read_only=True)
    assert (
        n
        == src.execute("SELECT count(*) FROM fact_article WHERE run_date = ?", [day]).fetchone()[0]
    )
    top_speaker = src.execute(
        "SELECT speaker FROM fact_quote WHERE speaker IS NOT NULL "
        "GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1"
    ).fetchone()[0]
    src.close()
    digest = maintenance.write_digest(day, own)
    html = Path(digest).read_text(encoding="utf-8")
    assert 'dir="rtl"' in html and top_speaker in html
    # The chart covers publication dates in the 14 days before the run; the
    # snapshot's articles are older, so the digest says so instead of drawing.
    assert "<svg" in html or "لا مقالات في آخر 14 يوماً" in html
    indexed = maintenance.refresh_search_index(own)
    assert indexed and max(indexed.values()) > 0


@pytest.mark.slow
def test_maintenance_dag_runs_with_airflow(airflow_db, snapshot_run, tmp_path, monkeypatch):
    from dataclasses import replace

    from airflow.dag_processing.dagbag import DagBag

    from helpers import settings_env

    settings, _ = snapshot_run
    own = replace(settings, data_dir=tmp_path, warehouse=tmp_path / "akhbar.duckdb")
    own.analyst_copy.write_bytes(settings.analyst_copy.read_bytes())
    own.warehouse.write_bytes(settings.warehouse.read_bytes())
    for key, value in settings_env(own).items():
        monkeypatch.setenv(key, value)
    dag = DagBag(dag_folder=str(REPO / "dags" / "akhbar_maintenance.py")).dags["akhbar_maintenance"]
    run = dag.test(logical_date=datetime(2026, 11, 28, tzinfo=UTC))
    assert "success" in str(run.state).lower()
    assert list((tmp_path / "digest").glob("*.html"))
    assert (tmp_path / "quality" / "data_docs" / "index.html").exists()
    assert json.loads(json.dumps(str(run.state)))
