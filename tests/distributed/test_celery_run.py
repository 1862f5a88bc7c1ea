"""scripts/run_distributed.sh: Postgres + Redis + CeleryExecutor run a DAG and leave nothing behind."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.distributed


def _procs_mentioning(text: str) -> list[int]:
    needle = text.encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if needle in (entry / "environ").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue
    return found


@pytest.mark.timeout(480)
def test_celery_worker_runs_akhbar_daily_on_the_snapshot(tmp_path, distributed_binaries) -> None:
    """akhbar_daily on Postgres metadata + Redis broker + a real Celery worker, fed by the
    snapshot replayed on loopback and started by ``airflow backfill create`` for a past
    date; the warehouse it loads is checked afterwards."""
    import duckdb

    from akhbar.fetch.replay import ReplayServer

    result_file = tmp_path / "result.json"
    data_dir = tmp_path / "data"
    with ReplayServer(REPO / "snapshot" / "warc") as replay:
        env = {**os.environ, "AKHBAR_DIST_RESULT": str(result_file)}
        for key in [k for k in env if k.startswith(("AIRFLOW", "AKHBAR_"))]:
            env.pop(key)  # the script owns the whole Airflow configuration
        env.update(
            AKHBAR_DIST_RESULT=str(result_file),
            AKHBAR_DATA_DIR=str(data_dir),
            AKHBAR_SOURCES=str(REPO / "snapshot" / "sources.csv"),
            AKHBAR_REPLAY_URL=replay.base_url,
            AKHBAR_ALLOW_HOSTS=f"127.0.0.1:{replay.port}",
            AKHBAR_MIN_DELAY_S="0",
            AKHBAR_DIST_BACKFILL="2026-11-27",  # a backfill; no scheduled run competes
        )
        proc = subprocess.run(
            [
                "bash",
                str(REPO / "scripts/run_distributed.sh"),
                "akhbar_daily",
                str(REPO / "dags"),
                "420",
            ],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=460,
        )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    res = json.loads(result_file.read_text())
    assert res["state"] == "success"
    assert res["run_id"].startswith("backfill__2026-11-27")

    tis = res["task_instances"]
    assert {t["state"] for t in tis} == {"success"}
    assert {t["executor"] for t in tis} <= {"CeleryExecutor", None}
    ingest = [t for t in tis if t["task_id"] == "ingest"]
    assert {"shafaq", "alalam", "cnn_arabic"} <= {t["rendered_map_index"] for t in ingest}
    assert all(t["pool"] == "akhbar_http" for t in ingest)
    assert next(t for t in tis if t["task_id"] == "load")["pool"] == "duckdb_writer"
    # Celery executed them: a result row per task attempt in the db+postgresql backend.
    attempts = sum(t["try_number"] or 1 for t in tis)
    # (the last result row may still read STARTED when the run is already marked
    # successful: Celery stores the final status just after Airflow's own update)
    assert sum(res["celery_taskmeta"].values()) >= len(tis)
    assert res["celery_taskmeta"].get("SUCCESS", 0) >= len(tis) - 2
    assert sum(res["celery_taskmeta"].values()) <= attempts + len(tis)
    assert res["worker_log_mentions_run"]

    con = duckdb.connect(str(data_dir / "akhbar_analyst.duckdb"), read_only=True)
    try:
        arabic = con.execute("SELECT count(*) FROM fact_article WHERE language = 'ar'").fetchone()[
            0
        ]
        quotes = con.execute("SELECT count(*) FROM fact_quote").fetchone()[0]
    finally:
        con.close()
    assert arabic == 38 and quotes > 0
    con = duckdb.connect(str(data_dir / "akhbar_analyst.duckdb"), read_only=True)
    try:  # the backfill's logical date decides the run date, not the wall clock
        run_dates = con.execute("SELECT DISTINCT run_date FROM fact_article").fetchall()
    finally:
        con.close()
    assert [str(r[0]) for r in run_dates] == ["2026-11-27"]

    # the script's temp dir is gone and no process that used it survives
    work = res.get("work_dir")
    if work:
        assert not Path(work).exists()
        assert _procs_mentioning(work) == []
